from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from onemind.campaign.models import FiguresRefresh
from onemind.campaign.standings import catch_up, refresh_figures, schedule_nightly


class Command(BaseCommand):
    help = (
        "Judge every pledged agency now and on past month-ends, and store the figures the campaign dashboard and "
        "the public figures read. --months N backfills the last N month-ends (missing ones; the latest always)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=1, help="month-ends to fill, counting back from today")
        parser.add_argument("--no-schedule", action="store_true", help="do not queue the nightly refresh")

    def handle(self, *args: Any, **options: Any) -> None:
        months = max(0, min(options["months"], 240))
        started = time.perf_counter()
        count = refresh_figures(months=months)
        FiguresRefresh.objects.create(
            status=FiguresRefresh.Status.DONE, months=months, agencies=count, finished_at=timezone.now()
        )
        catch_up()
        if not options["no_schedule"]:
            schedule_nightly()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Stored figures for {count:,} pledged agencies and {months} month-ends in {elapsed:.1f} s.")
