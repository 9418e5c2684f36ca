from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onemind.compliance.bench import run_bench


class Command(BaseCommand):
    help = "Measure the dashboard, campaign-wide compliance and request rates on the generated national data set."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=30, help="dashboard requests per agency")
        parser.add_argument("--seconds", type=float, default=15.0, help="load duration per URL, over three rounds")
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
            seconds=options["seconds"],
            on=options["on"],
            processes=options["processes"],
            log=lambda msg: self.stdout.write(msg),
        )
