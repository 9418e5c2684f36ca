from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onemind.directory.parsing import UnknownFormat
from onemind.directory.services import import_agencies


class Command(BaseCommand):
    help = (
        "Load or refresh the agency directory from the FBI Crime Data Explorer list "
        "or a plain CSV (ori,name,type,state,county)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--max-errors-shown", type=int, default=50)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            report = import_agencies(options["file"])
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {options['file']}") from exc
        except UnknownFormat as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors[: options["max_errors_shown"]]:
            self.stderr.write(
                f"row {error.row_number}, column {error.column or '(row)'}: {error.reason} (value {error.value!r})"
            )
        if len(report.errors) > options["max_errors_shown"]:
            self.stderr.write(f"… and {len(report.errors) - options['max_errors_shown']} more rows with errors")
        self.stdout.write(
            f"{report.rows} rows in {time.perf_counter() - started:.1f} s: {report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged, {report.kept} kept (managed by the agency), "
            f"{len(report.errors)} rejected"
        )
