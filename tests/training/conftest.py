from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings: object, tmp_path: Path) -> Path:
    """Certificate uploads land in a per-test folder, never in the developer's var/."""
    directory = tmp_path / "private"
    settings.PRIVATE_FILES_DIR = directory  # type: ignore[attr-defined]
    return directory
