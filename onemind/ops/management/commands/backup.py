from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from onemind.ops.backup import create_backup


class Command(BaseCommand):
    help = "Back up the database and uploaded files into a folder with a checksum manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(Path(settings.DATA_DIR) / "backups"))

    def handle(self, *args: Any, **options: Any) -> None:
        summary = create_backup(Path(options["output"]))
        self.stdout.write(f"Backup written to {summary.path}: {summary.rows} rows, {summary.files} files")
