"""`onemind import-roster --agency SLUG FILE`: preview (and with --apply, apply) a roster or training file.

With `--split-by-column Agency` one file holding many agencies is cut into one import per agency (matched by name,
or created with --create-agencies). The column mapping is the suggested one, as on the upload page.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from onemind.imports import services
from onemind.imports.models import ImportBatch
from onemind.imports.reading import FileRejected, read_table
from onemind.imports.validation import DEFAULT_SWORN_RANKS
from onemind.tenancy.models import Agency


def split_by_column(path: Path, column: str) -> dict[str, bytes]:
    """{value of `column`: a CSV of the header and that value's rows}; rows with no value go under ''."""
    table = read_table(path)
    if column not in table.headers:
        raise CommandError(f"The file has no column {column!r}; its columns are {', '.join(table.headers)}.")
    index = table.headers.index(column)
    groups: dict[str, list[list[str]]] = defaultdict(list)
    for row in table.rows:
        groups[row[index]].append(row)
    files = {}
    for value, rows in groups.items():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(table.headers)
        writer.writerows(rows)
        files[value] = out.getvalue().encode()
    return files


def import_file(
    agency: Agency, name: str, data: bytes, *, kind: str, options: dict[str, Any], apply: bool, skip_errors: bool
) -> ImportBatch:
    with scope(agency=agency):
        batch = services.create_batch(actor=None, agency=agency, kind=kind, name=name, chunks=[data])
        services.save_mapping(actor=None, batch=batch, mapping=batch.mapping, options=options)
        services.run_preview(batch)
        if apply and batch.status == ImportBatch.Status.PREVIEWED:
            services.request_apply(
                actor=None, batch=batch, skip_errors=skip_errors, separate_missing=False, enqueue=False
            )
            batch.refresh_from_db()
            services.apply_batch(batch)
        return batch


class Command(BaseCommand):
    help = "Preview (and optionally apply) a roster or training-record file for one agency, or split by agency."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", help="Slug of the agency (not with --split-by-column).")
        parser.add_argument("--kind", choices=["roster", "training"], default="roster")
        parser.add_argument("--course", default="", help="Training: record every row as this course code.")
        parser.add_argument("--completed-on", default="", help="Training: completion date for rows without one.")
        parser.add_argument("--split-by-column", default="", help="Cut the file into one import per value.")
        parser.add_argument("--create-agencies", action="store_true", help="With --split-by-column.")
        parser.add_argument("--state", default="", help="State of agencies created by --create-agencies.")
        parser.add_argument("--apply", action="store_true", help="Apply after the preview (default: preview only).")
        parser.add_argument("--skip-errors", action="store_true", help="With --apply: skip rows with errors.")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        import_options: dict[str, Any] = (
            {"sworn_default": "ranks", "sworn_ranks": DEFAULT_SWORN_RANKS}
            if kind == "roster"
            else {"course_code": options["course"], "default_completed_on": options["completed_on"]}
        )
        path: Path = options["file"]
        try:
            if options["split_by_column"]:
                files = split_by_column(path, options["split_by_column"])
                targets = [
                    (self._agency_named(name, options), f"{path.stem} - {name}.csv", data)
                    for name, data in files.items()
                ]
            else:
                if not options["agency"]:
                    raise CommandError("Give --agency SLUG or --split-by-column COLUMN.")
                agency = Agency.objects.filter(slug=options["agency"]).first()
                if agency is None:
                    raise CommandError(f"No agency with the slug {options['agency']!r}.")
                targets = [(agency, path.name, path.read_bytes())]
        except FileRejected as exc:
            raise CommandError(str(exc)) from exc
        total: dict[str, int] = defaultdict(int)
        for agency, name, data in targets:
            if agency is None:
                self.stdout.write(f"{name}: skipped, no agency of that name (use --create-agencies)")
                continue
            batch = import_file(
                agency,
                name,
                data,
                kind=kind,
                options=import_options,
                apply=options["apply"],
                skip_errors=options["skip_errors"],
            )
            for key, count in batch.counts.items():
                total[key] += count
            self.stdout.write(f"{agency.slug}: {batch.get_status_display()} {batch.counts} {batch.message}".rstrip())
        self.stdout.write(f"total: {dict(total)}")

    def _agency_named(self, name: str, options: dict[str, Any]) -> Agency | None:
        if not name:
            return None
        found = Agency.objects.filter(name=name, **({"state": options["state"]} if options["state"] else {})).first()
        if found is None and options["create_agencies"]:
            found = Agency.objects.create(name=name, state=options["state"], agency_type="other")
        return found
