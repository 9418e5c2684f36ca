from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onemind.devtools.bench import run_bench


class Command(BaseCommand):
    help = "Measure dashboards with nothing cached, campaign-wide compliance over 36 month-ends and request rates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cold", type=int, default=5, help="requests with nothing cached per agency")
        parser.add_argument("--requests", type=int, default=30, help="repeated dashboard requests per agency")
        parser.add_argument(
            "--seconds", type=float, default=15.0, help="load duration per URL, over three rounds (0: skip)"
        )
        parser.add_argument("--months", type=int, default=36, help="month-ends for the campaign-wide evaluation")
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None, help="evaluation date (YYYY-MM-DD)")
        parser.add_argument(
            "--processes",
            type=int,
            default=os.cpu_count() or 1,
            help="processes for the campaign-wide evaluation (default: one per CPU; 1 = this process only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run_bench(
            requests=options["requests"],
            cold=options["cold"],
            months=options["months"],
            seconds=options["seconds"],
            on=options["on"],
            processes=options["processes"],
            log=lambda msg: self.stdout.write(msg),
        )
