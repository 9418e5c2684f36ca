"""(j) A backup taken while an import is writing, restored into an empty database: every table's row count and
checksum equal the backup's manifest, and the half-done import is either wholly in the backup or wholly out.

Needs two connections writing and reading at the same moment, so it runs on PostgreSQL (the backup reads one
REPEATABLE READ snapshot). The plain round trip on either database is tests/ops/test_backup.py.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django_scopes import scope, scopes_disabled

from onemind.ops.backup import create_backup, restore_backup, table_fingerprints
from onemind.roster.models import Person
from onemind.roster.services import create_person
from tests.conftest import Cast

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
IMPORTED = 150


@pytest.mark.postgres
@pytest.mark.skipif(
    not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…): a writer and a reader at once"
)
@pytest.mark.django_db(transaction=True)
def test_a_backup_during_an_import_restores_every_table_exactly(cast: Cast, tmp_path: Path, settings) -> None:  # noqa: ANN001
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    with scopes_disabled():
        people_before = Person.objects.count()
    halfway, backup_taken, failures = threading.Event(), threading.Event(), []

    def run_import() -> None:  # one transaction, like the roster import's apply step
        try:
            with transaction.atomic(), scope(agency=cast.agency):
                for number in range(IMPORTED):
                    create_person(
                        actor=cast.admin,
                        agency=cast.agency,
                        last_name=f"Imported{number}",
                        employee_number=f"IMP{number}",
                    )
                    if number == IMPORTED // 2:
                        halfway.set()
                        # Hold the transaction open, half written, until the backup has read every table.
                        assert backup_taken.wait(60)
        except Exception as exc:  # noqa: BLE001
            failures.append(exc)
        finally:
            connection.close()

    writer = threading.Thread(target=run_import)
    writer.start()
    assert halfway.wait(30)
    try:
        summary = create_backup(tmp_path / "backups")
    finally:
        backup_taken.set()
    writer.join(60)
    assert not failures, failures
    manifest = __import__("json").loads((summary.path / "manifest.json").read_text())
    backed_up_people = manifest["models"]["roster.person"]["rows"]
    assert backed_up_people in (people_before, people_before + IMPORTED), "the backup caught half an import"
    call_command("flush", interactive=False, verbosity=0)
    restore_backup(summary.path)
    restored = table_fingerprints()
    expected = {label: (m["rows"], m["sha256"]) for label, m in manifest["models"].items()}
    mismatched = [label for label in expected if expected[label][0] and restored.get(label) != expected[label]]
    empty_mismatch = [label for label in expected if not expected[label][0] and restored.get(label, (0,))[0] != 0]
    print(
        f"backup during import: {len(expected)} tables, {sum(r for r, _ in expected.values())} rows, "
        f"{backed_up_people - people_before} of {IMPORTED} imported people in the snapshot"
    )
    assert not mismatched and not empty_mismatch, (mismatched, empty_mismatch)
