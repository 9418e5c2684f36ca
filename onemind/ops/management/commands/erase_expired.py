"""`onemind erase-expired [--dry-run] [--today YYYY-MM-DD]`: the retention run the worker does daily, on demand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onemind.ops.retention import erase_expired


class Command(BaseCommand):
    help = (
        "Erase the identifying data of separated personnel whose agency's retention period has passed "
        "(names, numbers, e-mail, certificate files, notes; dates and training facts stay). "
        "--dry-run only counts who is due."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count who is due; change nothing.")
        parser.add_argument("--today", help="Evaluate as of this date (YYYY-MM-DD); default today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today must be a date like 2026-12-31, not {options['today']!r}") from exc
        dry_run = options["dry_run"]
        runs = erase_expired(actor="erase-expired (command line)", today=today, dry_run=dry_run)
        for run in runs:
            done = f"{run.due} due" if dry_run else f"{run.erased} erased"
            self.stdout.write(f"{run.agency.slug}: {done} (separated on or before {run.cutoff:%Y-%m-%d})")
        total = sum(run.due if dry_run else run.erased for run in runs)
        verb = "would be erased (dry run, nothing changed)" if dry_run else "erased"
        self.stdout.write(f"{total} people {verb} in {len(runs)} agencies.")
