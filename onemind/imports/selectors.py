"""Reads for the import pages."""

from __future__ import annotations

import csv
import io

from django.db.models import QuerySet

from onemind.imports.models import ImportBatch, ImportChange
from onemind.imports.reading import FileRejected, Table
from onemind.tenancy.models import Agency

SHOW = {
    "all": None,
    "create": ["create"],
    "update": ["update"],
    "separation": ["separation"],
    "skipped": ["skipped"],
    "error": ["error"],
}


def batches_for(agency: Agency) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(agency=agency).select_related("created_by")


def changes_for(batch: ImportBatch, show: str) -> QuerySet[ImportChange]:
    changes = ImportChange.objects.filter(batch=batch).order_by("row_number", "id")
    actions = SHOW.get(show)
    return changes.filter(action__in=actions) if actions else changes


def _neutralise(value: object) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula; a leading apostrophe keeps it text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def error_file(batch: ImportBatch) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["row", "column", "value", "reason"])
    for change in changes_for(batch, "error").iterator(chunk_size=2000):
        for column, value, reason in change.errors:
            row = change.row_number if change.row_number is not None else "(not in file)"
            writer.writerow([row, _neutralise(column), _neutralise(value), _neutralise(reason)])
    return out.getvalue()


def first_values(table: Table | None) -> dict[str, str]:
    """The first non-empty value of each column, shown beside the column on the mapping page."""
    if table is None:
        return {}
    samples: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        for row in table.rows[:50]:
            if index < len(row) and row[index]:
                samples[header] = row[index][:60]
                break
    return samples


def safe_table(read: object) -> Table | None:
    try:
        return read()  # type: ignore[operator]
    except (FileRejected, OSError):  # a removed or unreadable stored file: the page works without samples
        return None
