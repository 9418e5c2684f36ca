"""`onemind compliance --agency SLUG --on DATE [--format json]`: the engine's judgement of one agency on one date.

For scripts and cron: the figures only (no names), the same answer the API's compliance endpoint gives. Exit
status 0 with the result; 2 with a one-line message for a bad agency or date (never a traceback).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.compliance.selectors import compliance_figures
from onemind.tenancy.models import Agency


def result_data(agency: Agency, on: dt.date) -> dict[str, Any]:
    """The API's compliance answer, with dates written out for JSON."""
    data = compliance_figures(agency, on)
    data["agency"] = agency.slug
    for key in ("on", "deadline"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


class Command(BaseCommand):
    help = "Print the compliance engine's result for one agency on one date (text, or JSON with --format json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="The agency's slug (as in its URLs).")
        parser.add_argument("--on", default="", help="The date, YYYY-MM-DD (default: today).")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = dt.date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError:
            self._exit(f"--on {options['on']!r} is not a date; use YYYY-MM-DD.")
        with scopes_disabled():
            agency = Agency.objects.filter(slug=options["agency"]).first()
            if agency is None:
                self._exit(f"No agency with the slug {options['agency']!r}.")
            data = result_data(agency, on)
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2))
            return
        self.stdout.write(f"{agency.name} on {data['on']} (edition {data['edition']}): {data['status']}")
        if data["status_reason"]:
            self.stdout.write(f"  {data['status_reason']}")
        if data["deadline"]:
            self.stdout.write(f"  deadline {data['deadline']} ({data['days_left']} days left)")
        for s in data["strategies"]:
            self.stdout.write(
                f"  strategy {s['number']}: {s['state']} {s['numerator']}/{s['denominator']} "
                f"(target {s['target']}). {s['explanation']}"
            )

    def _exit(self, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(2)
