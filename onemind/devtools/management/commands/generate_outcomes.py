from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from onemind.devtools.national import generated_agencies
from onemind.outcomes.models import OutcomeMonth
from onemind.outcomes.national import generate_outcome_months


class Command(BaseCommand):
    help = "Add outcome months to the generated national campaign (run generate-national first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--share", type=float, default=0.4, help="share of agencies that report")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        agencies = generated_agencies().only("pk", "sworn_count").order_by("pk").iterator(chunk_size=5000)
        rows = generate_outcome_months(agencies, months=options["months"], share=options["share"], seed=options["seed"])
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses a handful of rows and picks a nested loop (745 vs 336 ms).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {OutcomeMonth._meta.db_table}")
        self.stdout.write(f"Wrote {rows:,} outcome months.")
