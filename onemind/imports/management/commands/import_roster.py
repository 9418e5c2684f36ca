"""`onemind import-roster FILE --agency SLUG`: preview (and with --apply, apply) a roster, update or training file.

The same rules as the upload page: the suggested column mapping, row filters (`--where County=Essex`), the file's
kind (`--kind`, or chosen from the columns), preview, then an all-or-nothing apply.

A file holding many agencies is cut with `--split-by County,Agency` (or `--split-by ORI`): each distinct key is one
import into the agency with that county and name (or ORI). A name alone never picks an agency: New Jersey has a
Washington Twp PD in three counties.

Prints every error row (row, column, value, reason); `--format json` prints the per-row plan instead. Exit status:
0 done; 1 the import was refused (rows with errors and no --skip-errors, nothing to apply, an agency not found);
2 a bad file or bad arguments. Never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django_scopes import scope, scopes_disabled

from onemind.imports import services
from onemind.imports.models import ImportBatch, ImportChange
from onemind.imports.reading import FileRejected, read_table
from onemind.imports.validation import DEFAULT_SWORN_RANKS
from onemind.lib.ori import is_valid_ori, normalize_ori
from onemind.tenancy.models import Agency

logger = logging.getLogger(__name__)
REFUSED, BAD_INPUT = 1, 2


class Stop(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def parse_where(items: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise Stop(f"--where {item!r}: write COLUMN=VALUE, e.g. --where 'County=Essex'.", BAD_INPUT)
        pairs.append((column.strip(), value.strip()))
    return pairs


def split_columns(spec: str, headers: list[str]) -> list[str]:
    """The columns a multi-agency file is cut by; refuses a lone name column (names repeat across counties)."""
    columns = [c.strip() for c in spec.split(",") if c.strip()]
    missing = [c for c in columns if c not in headers]
    if missing:
        raise Stop(f"The file has no column {missing[0]!r}; its columns are {', '.join(headers)}.", BAD_INPUT)
    if len(columns) == 1 and "ori" not in columns[0].casefold():
        raise Stop(
            f"--split-by {columns[0]!r} would pick agencies by name alone, and one name can be several agencies "
            "(Washington Twp PD is in three New Jersey counties). Split by the county and name columns "
            "(--split-by County,Agency) or by an ORI column (--split-by ORI).",
            BAD_INPUT,
        )
    return columns


def split_file(path: Path, columns: list[str]) -> dict[tuple[str, ...], bytes]:
    """{key: a CSV of the header and that key's rows}; the key is the tidied value of each column."""
    table = read_table(path)
    index = [table.headers.index(c) for c in columns]
    groups: dict[tuple[str, ...], list[list[str]]] = defaultdict(list)
    for row in table.rows:
        groups[tuple(" ".join(row[i].split()) for i in index)].append(row)
    files = {}
    for key, rows in groups.items():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(table.headers)
        writer.writerows(rows)
        files[key] = out.getvalue().encode()
    return files


def find_agency(columns: list[str], key: tuple[str, ...], *, state: str) -> list[Agency]:
    """The agencies a split key names: by ORI, or by name within the county (and state, when given)."""
    query = Q()
    for column, value in zip(columns, key, strict=True):
        low = column.casefold()
        if "ori" in low:
            if not is_valid_ori(value):
                return []
            ori = normalize_ori(value)
            query &= Q(ori=ori) if len(ori) == 9 else Q(ori__startswith=ori)
        elif "county" in low:
            query &= Q(county__iexact=value) | Q(county__iexact=f"{value} County")
        else:
            query &= Q(name__iexact=value)
    if state:
        query &= Q(state=state)
    with scopes_disabled():
        return list(Agency.objects.filter(query)[:2])


def import_file(
    agency: Agency,
    name: str,
    data: bytes,
    *,
    kind: str,
    options: dict[str, Any],
    apply: bool,
    skip_errors: bool,
) -> tuple[ImportBatch, str]:
    """The batch, and why it was not applied when apply was asked for ("" when it was, or was not asked)."""
    with scope(agency=agency):
        batch = services.create_batch(actor=None, agency=agency, kind=kind, name=name, chunks=[data])
        services.save_mapping(actor=None, batch=batch, mapping=batch.mapping, options={**batch.options, **options})
        services.run_preview(batch)
        if batch.status == ImportBatch.Status.FAILED:
            return batch, batch.message
        if not apply:
            return batch, ""
        if batch.error_count and not skip_errors:
            return batch, f"Not applied: {batch.error_count} rows have errors (fix them, or add --skip-errors)."
        try:
            services.request_apply(
                actor=None, batch=batch, skip_errors=skip_errors, separate_missing=False, enqueue=False
            )
            batch.refresh_from_db()
            services.apply_batch(batch)
        except services.ImportRefused as exc:
            batch.refresh_from_db()
            return batch, f"Not applied: {exc}"
        return batch, ""


def plan_rows(batch: ImportBatch) -> list[dict[str, Any]]:
    with scopes_disabled():
        changes = ImportChange.objects.filter(batch=batch).order_by("row_number", "id")
        return [
            {
                "row": c.row_number,
                "action": c.action,
                "who": c.label,
                "matched_by": c.matched_by,
                "changes": c.changes,
                "errors": [{"column": col, "value": val, "reason": why} for col, val, why in c.errors],
            }
            for c in changes.iterator(chunk_size=2000)
        ]


class Command(BaseCommand):
    help = "Preview (and optionally apply) a roster, update-only or training file for one agency, or per agency."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", help="Slug of the agency (not with --split-by).")
        parser.add_argument(
            "--kind",
            choices=["auto", "roster", "update", "training"],
            default="roster",
            help="roster (full roster), update (separations/transfers: changes people, creates nobody), "
            "training, or auto (chosen from the columns).",
        )
        parser.add_argument("--where", action="append", default=[], help="Keep rows where COLUMN=VALUE (repeat).")
        parser.add_argument("--sworn-default", choices=["ranks", "all", "none"], default="")
        parser.add_argument("--course", default="", help="Training: record every row as this course code.")
        parser.add_argument("--completed-on", default="", help="Training: completion date for rows without one.")
        parser.add_argument("--match-by-name", action="store_true", help="Training: also match by name alone.")
        parser.add_argument("--split-by", "--split-by-column", dest="split_by", default="")
        parser.add_argument("--create-agencies", action="store_true", help="With --split-by: create missing ones.")
        parser.add_argument("--state", default="", help="With --split-by: the agencies' state (two letters).")
        parser.add_argument("--apply", action="store_true", help="Apply after the preview (default: preview only).")
        parser.add_argument("--skip-errors", action="store_true", help="With --apply: skip rows with errors.")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            status = self._run(options)
        except Stop as exc:
            self.stderr.write(str(exc))
            status = exc.status
        except FileRejected as exc:
            self.stderr.write(f"The file was refused: {exc}")
            status = BAD_INPUT
        except services.ImportRefused as exc:
            self.stderr.write(f"Refused: {exc}")
            status = REFUSED
        except Exception:  # an unexpected fault: logged in full, the user gets one clear line
            logger.exception("import-roster failed")
            self.stderr.write("The import stopped with an unexpected error; nothing was changed.")
            status = 3
        if status:
            sys.exit(status)

    def _options(self, options: dict[str, Any]) -> dict[str, Any]:
        chosen: dict[str, Any] = {}
        if options["where"]:
            chosen["filters"] = [list(p) for p in parse_where(options["where"])]
        if options["sworn_default"]:
            rule = "" if options["sworn_default"] == "none" else options["sworn_default"]
            chosen.update(sworn_default=rule, sworn_ranks=list(DEFAULT_SWORN_RANKS))
        if options["course"]:
            chosen["course_code"] = options["course"]
        if options["completed_on"]:
            chosen["default_completed_on"] = options["completed_on"]
        if options["match_by_name"]:
            chosen["match_by_name"] = True
        return chosen

    def _targets(self, options: dict[str, Any]) -> list[tuple[Agency | None, str, bytes, str]]:
        path: Path = options["file"]
        if not path.is_file():
            raise Stop(f"No file at {path}.", BAD_INPUT)
        if not options["split_by"]:
            if not options["agency"]:
                raise Stop("Give --agency SLUG, or --split-by COLUMNS for a file holding many agencies.", BAD_INPUT)
            with scopes_disabled():
                agency = Agency.objects.filter(slug=options["agency"]).first()
            if agency is None:
                raise Stop(f"No agency with the slug {options['agency']!r}.", BAD_INPUT)
            return [(agency, path.name, path.read_bytes(), "")]
        headers = read_table(path).headers
        columns = split_columns(options["split_by"], headers)
        targets: list[tuple[Agency | None, str, bytes, str]] = []
        for key, data in split_file(path, columns).items():
            shown = " / ".join(f"{c}={v}" for c, v in zip(columns, key, strict=True))
            if not all(key):
                targets.append((None, f"{path.stem} - {shown}.csv", data, "a key cell is blank"))
                continue
            found = find_agency(columns, key, state=options["state"])
            if len(found) > 1:
                targets.append((None, shown, data, "several agencies fit this key"))
            elif found:
                targets.append((found[0], f"{path.stem} - {shown}.csv", data, ""))
            elif options["create_agencies"] and "ori" not in options["split_by"].casefold():
                targets.append((self._create(columns, key, options["state"]), f"{path.stem} - {shown}.csv", data, ""))
            else:
                targets.append((None, shown, data, "no agency fits this key (use --create-agencies)"))
        return targets

    def _create(self, columns: list[str], key: tuple[str, ...], state: str) -> Agency:
        fields = {"county" if "county" in c.casefold() else "name": v for c, v in zip(columns, key, strict=True)}
        with scopes_disabled():
            return Agency.objects.create(
                name=fields.get("name", " ".join(key)),
                county=fields.get("county", ""),
                state=state,
                agency_type="other",
            )

    def _run(self, options: dict[str, Any]) -> int:
        kind = "" if options["kind"] == "auto" else options["kind"]
        chosen = self._options(options)
        total: dict[str, int] = defaultdict(int)
        report: list[dict[str, Any]] = []
        status = 0
        for agency, name, data, problem in self._targets(options):
            if agency is None:
                status = REFUSED
                report.append({"file": name, "status": "skipped", "message": problem})
                if options["format"] == "text":
                    self.stdout.write(f"{name}: skipped, {problem}")
                continue
            batch, refused = import_file(
                agency,
                name,
                data,
                kind=kind,
                options=chosen,
                apply=options["apply"],
                skip_errors=options["skip_errors"],
            )
            for key, count in batch.counts.items():
                total[key] += count
            status = status or (REFUSED if refused else 0)
            if options["format"] == "json":
                report.append(
                    {
                        "agency": agency.slug,
                        "file": name,
                        "kind": batch.kind,
                        "status": batch.status,
                        "counts": batch.counts,
                        "message": refused or batch.message,
                        "notes": batch.notes,
                        "rows": plan_rows(batch),
                    }
                )
            else:
                self._print(agency, batch, refused)
        if options["format"] == "json":
            self.stdout.write(json.dumps({"batches": report, "total": dict(total)}, indent=1, default=str))
        else:
            self.stdout.write(f"total: {dict(total)}")
        return status

    def _print(self, agency: Agency, batch: ImportBatch, refused: str) -> None:
        self.stdout.write(f"{agency.slug}: {batch.get_status_display()} ({batch.get_kind_display()}) {batch.counts}")
        for note in batch.notes:
            self.stdout.write(f"  note: {note}")
        with scopes_disabled():
            errors = ImportChange.objects.filter(batch=batch, action=ImportChange.Action.ERROR)
            for change in errors.order_by("row_number", "id").iterator(chunk_size=2000):
                row = change.row_number if change.row_number is not None else "(not in file)"
                for column, value, reason in change.errors:
                    self.stdout.write(f"  row {row}, {column}, {value!r}: {reason}")
        if refused:
            self.stderr.write(f"{agency.slug}: {refused}")
