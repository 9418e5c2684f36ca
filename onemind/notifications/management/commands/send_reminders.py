from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from onemind.notifications.planner import plan_reminders
from onemind.notifications.sender import send_due


class Command(BaseCommand):
    help = "Plan the reminders due today and send every due reminder (for cron; the worker does this on its own)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Act as if today were this day (YYYY-MM-DD), at noon local time.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["today"]:
            try:
                day = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must be a date like 2026-03-01") from exc
            now = dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())
        planned = plan_reminders(now)
        report = send_due(now)
        self.stdout.write(
            f"Planned {planned} new reminder(s); sent {report.sent}, skipped {report.skipped}, "
            f"retrying {report.retried}, failed {report.failed}, reclaimed {report.reclaimed}."
        )
        for error in report.errors:
            self.stderr.write(f"Delivery error: {error}")
