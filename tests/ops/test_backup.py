from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onemind.ops.backup import BackupError, create_backup, restore_backup, table_fingerprints, verify_backup
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
    before = table_fingerprints()
    summary = create_backup(tmp_path / "backups")
    assert summary.files == 1 and summary.rows > 0
    call_command("flush", interactive=False, verbosity=0)
    (private_dir / "ab" / "certificate.pdf").unlink()
    restore_backup(summary.path)
    assert table_fingerprints() == before
    assert (private_dir / "ab" / "certificate.pdf").read_bytes() == b"%PDF-1.4 evidence"


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
