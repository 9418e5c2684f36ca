from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onemind.devtools.national import FULL_AGENCIES, generate_national, generated_agencies, reset


class Command(BaseCommand):
    help = (
        "Generate the national benchmark data set (PRODUCT.md quality bars): 18,000 agencies, ~1,000,000 personnel, "
        "~2,500,000 training records, generated names only. Generated agencies' slugs start with 'natl-'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agencies", type=int, default=FULL_AGENCIES)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", type=float, default=1.0, help="0.01 makes a 1%% campaign for tests")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="reference date (YYYY-MM-DD)")
        parser.add_argument("--reset", action="store_true", help="delete the generated agencies first")
        parser.add_argument("--reset-only", action="store_true", help="delete the generated agencies and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"] or options["reset_only"]:
            self.stdout.write(f"Deleted {reset():,} generated agencies.")
            if options["reset_only"]:
                return
        if generated_agencies().exists():
            self.stderr.write("Generated agencies already exist: pass --reset to replace them.")
            raise SystemExit(2)
        totals = generate_national(
            agencies=options["agencies"],
            seed=options["seed"],
            scale=options["scale"],
            today=options["today"],
            log=lambda msg: self.stdout.write(msg) if options["verbosity"] > 1 else None,
        )
        self.stdout.write(totals.summary())
