from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import scopes_disabled

from onemind.ops.backup import (
    BackupError,
    _rows,
    backed_up_models,
    create_backup,
    restore_backup,
    table_fingerprints,
    verify_backup,
)
from onemind.tenancy.models import Membership
from tests.conftest import Cast

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def private_dir(settings, tmp_path: Path) -> Path:  # noqa: ANN001
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    (settings.PRIVATE_FILES_DIR / "ab").mkdir(parents=True)
    (settings.PRIVATE_FILES_DIR / "ab" / "certificate.pdf").write_bytes(b"%PDF-1.4 evidence")
    return settings.PRIVATE_FILES_DIR


def test_a_backup_restores_into_an_empty_database_with_every_table_and_file_identical(
    cast: Cast, private_dir: Path, tmp_path: Path
) -> None:
    # Sub-millisecond times are where a JSON dump usually loses precision: they must come back exactly.
    with scopes_disabled():
        first, second = Membership.objects.order_by("pk")[:2]
        Membership.objects.filter(pk=first.pk).update(created_at=dt.datetime(2026, 1, 2, 3, 4, 5, 500, tzinfo=dt.UTC))
        Membership.objects.filter(pk=second.pk).update(
            created_at=dt.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC)
        )
    before, rows_before = table_fingerprints(), _all_rows()
    summary = create_backup(tmp_path / "backups")
    assert summary.files == 1 and summary.rows > 0
    call_command("flush", interactive=False, verbosity=0)
    (private_dir / "ab" / "certificate.pdf").unlink()
    restore_backup(summary.path)
    after, rows_after = table_fingerprints(), _all_rows()
    changed = {label: (rows_before[label], rows_after[label]) for label in before if after.get(label) != before[label]}
    assert not changed, f"tables whose rows differ after the restore (before, after): {changed}"
    assert (private_dir / "ab" / "certificate.pdf").read_bytes() == b"%PDF-1.4 evidence"
    with scopes_disabled():
        assert Membership.objects.get(pk=first.pk).created_at.microsecond == 500
        assert Membership.objects.get(pk=second.pk).created_at.microsecond == 123456


def _all_rows() -> dict[str, list[dict[str, object]]]:
    with scopes_disabled():
        return {model._meta.label_lower: list(_rows(model)) for model in backed_up_models()}


def test_a_tampered_backup_is_refused_before_anything_is_written(cast: Cast, private_dir: Path, tmp_path: Path) -> None:
    summary = create_backup(tmp_path / "backups")
    (summary.path / "files" / "ab" / "certificate.pdf").write_bytes(b"changed")
    with pytest.raises(BackupError, match="missing or changed"):
        verify_backup(summary.path)


def test_restoring_over_existing_data_is_refused(cast: Cast, private_dir: Path, tmp_path: Path) -> None:
    summary = create_backup(tmp_path / "backups")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(summary.path))


def test_a_folder_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a OneMind backup"):
        call_command("restore", str(tmp_path))
