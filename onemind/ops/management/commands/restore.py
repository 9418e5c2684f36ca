from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onemind.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup folder (from `onemind backup`) into an empty database, checking every checksum."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        try:
            rows = restore_backup(Path(options["path"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {rows} rows from {options['path']}")
