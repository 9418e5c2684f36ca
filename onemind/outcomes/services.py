"""Writes for crisis-response outcomes; each writes its audit entry. Views and the CLI stay thin.

Three ways in: ``save_month`` (the form), ``start_aggregates_import`` (a CSV/XLSX of monthly figures) and
``start_call_export`` (a call-level export reduced to monthly figures by ``aggregator``). Both imports end in the
same preview → ``apply_import`` → ``undo_import`` flow, and write only monthly figures.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from onemind.audit.services import log_action
from onemind.imports.reading import FileRejected, Table, read_table
from onemind.outcomes import aggregator
from onemind.outcomes.fields import BY_NAME, FIELD_NAMES, FIELDS, problems
from onemind.outcomes.models import ExportMapping, OutcomeImport, OutcomeMonth
from onemind.tenancy.models import Agency

MAX_MONTHS_PER_FILE = 240
EARLIEST_MONTH = dt.date(1990, 1, 1)


class StaleMonth(ValueError):
    """Someone saved the month after this form was opened."""


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def parse_month(text: str) -> dt.date:
    """'2026-03' (or a full ISO date) as the first of that month; ValueError with a sentence otherwise."""
    raw = text.strip()[:10]
    try:
        if len(raw) == 7:
            day = dt.date.fromisoformat(raw + "-01")
        else:
            day = dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"“{raw[:20]}” is not a month: use YYYY-MM, e.g. 2026-03.") from None
    if not EARLIEST_MONTH <= day <= timezone.localdate():
        raise ValueError(f"{day:%Y-%m} is outside the months that can be reported (1990 to this month).")
    return day.replace(day=1)


def _snapshot(row: OutcomeMonth | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"status": row.status, "source": row.source, **row.values()}


@transaction.atomic
def save_month(
    *,
    actor: Any,
    agency: Agency,
    month: dt.date,
    status: str,
    values: Mapping[str, int | None],
    version: int | None = None,
) -> OutcomeMonth:
    """Create or replace one month's figures. ``version`` is the one the form showed: a newer save is refused."""
    month = month_start(month)
    if status not in OutcomeMonth.Status.values:
        raise ValidationError({"status": "Choose collected or not collected."})
    clean = {name: values.get(name) for name in FIELD_NAMES}
    if status == OutcomeMonth.Status.NOT_COLLECTED:
        clean = dict.fromkeys(FIELD_NAMES)
    found = problems(clean)
    if found:
        raise ValidationError(found)
    row = OutcomeMonth.objects.select_for_update().filter(agency=agency, month=month).first()
    if row is not None and version is not None and row.version != version:
        raise StaleMonth(f"{month:%B %Y} was saved by someone else after you opened it: reload to see their figures.")
    before = _snapshot(row)
    if row is None:
        row = OutcomeMonth(agency=agency, month=month)
    else:
        row.version += 1
    row.status, row.source = status, OutcomeMonth.Source.FORM
    row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    row.updated_at = timezone.now()
    for name, value in clean.items():
        setattr(row, name, value)
    row.save()
    log_action(actor=actor, action="outcomes.month_saved", obj=row, agency=agency, before=before, after=_snapshot(row))
    return row


# --- files --------------------------------------------------------------------------------------------------


def _pending_dir() -> Path:
    directory = Path(settings.PRIVATE_FILES_DIR) / "outcome-exports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


SUFFIXES = (".csv", ".xlsx")


def _pending_path(name: str) -> Path:
    # Only names we made (32 hex digits and a known suffix) are ever opened, so a stored value cannot walk the disk.
    stem, dot, suffix = name.partition(".")
    if not (len(stem) == 32 and all(c in "0123456789abcdef" for c in stem) and dot + suffix in SUFFIXES):
        raise FileNotFoundError(name)
    return _pending_dir() / name


def _write_upload(file_name: str, chunks: Iterable[bytes]) -> tuple[str, Path]:
    # openpyxl goes by the suffix, so the stored copy keeps the kind (never the uploader's name).
    suffix = ".xlsx" if file_name.lower().endswith((".xlsx", ".xlsm")) else ".csv"
    name = secrets.token_hex(16) + suffix
    path = _pending_dir() / name
    with path.open("xb") as out:
        for chunk in chunks:
            out.write(chunk)
    return name, path


def _read(path: Path, file_name: str) -> Table:
    return read_table(path, file_name)


def _delete_pending(name: str) -> None:
    if name:
        try:
            _pending_path(name).unlink(missing_ok=True)
        except FileNotFoundError:
            pass


def _remembered(agency: Agency) -> dict[str, Any]:
    row = ExportMapping.objects.filter(agency=agency).first()
    return dict(row.mapping) if row else {}


PENDING_FOR = dt.timedelta(days=1)


def discard_stale_uploads(agency: Agency) -> int:
    """Delete call exports whose mapping was never confirmed within a day: no call file is kept longer."""
    stale = list(
        OutcomeImport.objects.filter(
            agency=agency, status=OutcomeImport.Status.MAPPING, created_at__lt=timezone.now() - PENDING_FOR
        )
    )
    for batch in stale:
        _delete_pending(batch.pending_file)
    OutcomeImport.objects.filter(pk__in=[b.pk for b in stale]).update(
        status=OutcomeImport.Status.DISCARDED, pending_file=""
    )
    return len(stale)


def start_call_export(*, actor: Any, agency: Agency, file_name: str, chunks: Iterable[bytes]) -> OutcomeImport:
    """Read a call-level export's values. When the agency's remembered mapping covers them all, the monthly
    figures are computed at once and the file deleted; otherwise the file waits (privately, for a day at most)
    for the mapping."""
    discard_stale_uploads(agency)
    name, path = _write_upload(file_name, chunks)
    try:
        table = _read(path, file_name)
        columns = aggregator.find_columns(table.headers)
        found = aggregator.contacts(table.rows, columns, timezone.localdate())
    except Exception:
        path.unlink(missing_ok=True)
        raise
    if not found:
        path.unlink(missing_ok=True)
        raise FileRejected("No row has a contact id: there is nothing to count.")
    values = aggregator.values_found(found)
    remembered = _remembered(agency)
    batch = OutcomeImport.objects.create(
        agency=agency,
        kind=OutcomeImport.Kind.CALL_EXPORT,
        status=OutcomeImport.Status.MAPPING,
        file_name=file_name[:200],
        pending_file=name,
        values_found=values,
        mapping=aggregator.default_mapping(values, remembered),
        notes=list(table.notes),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    log_action(actor=actor, action="outcomes.export_uploaded", obj=batch, agency=agency, reason=batch.file_name)
    if aggregator.is_known(values, remembered):
        _finish_export(batch, table, batch.mapping)
        batch.notes = [*batch.notes, "Every value in this file was mapped before: the remembered mapping was used."]
        batch.save(update_fields=["notes"])
    return batch


def _clean_mapping(batch: OutcomeImport, mapping: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Only this file's values, each mapped to an allowed target; anything else is an error, never stored."""
    allowed = {
        "call_type": {aggregator.INCLUDE, aggregator.EXCLUDE},
        "disposition": {*aggregator.DISPOSITION_TARGETS, aggregator.IGNORE},
        "indicator": {*aggregator.INDICATOR_TARGETS, aggregator.IGNORE},
    }
    expected = {
        "call_type": list(batch.values_found.get("call_type", {})),
        "disposition": list(batch.values_found.get("disposition", {})),
        "indicator": list(aggregator.INDICATORS),
    }
    clean: dict[str, dict[str, str]] = {}
    for column, values in expected.items():
        given = mapping.get(column, {})
        clean[column] = {}
        for value in values:
            target = given.get(value, "")
            if target not in allowed[column]:
                raise ValidationError(f"Choose where “{value[:60]}” ({column.replace('_', ' ')}) goes.")
            clean[column][value] = target
    return clean


@transaction.atomic
def confirm_mapping(*, actor: Any, batch: OutcomeImport, mapping: Mapping[str, Mapping[str, str]]) -> OutcomeImport:
    """Compute the monthly figures under the confirmed mapping, remember it, and delete the uploaded file."""
    batch = OutcomeImport.objects.select_for_update().get(pk=batch.pk)
    if batch.status != OutcomeImport.Status.MAPPING:
        raise ValidationError("This file's mapping was already confirmed.")
    clean = _clean_mapping(batch, mapping)
    try:
        path = _pending_path(batch.pending_file)
        table = _read(path, batch.file_name)
    except (FileNotFoundError, FileRejected):
        batch.status = OutcomeImport.Status.DISCARDED
        batch.pending_file = ""
        batch.save(update_fields=["status", "pending_file"])
        raise ValidationError("The uploaded file is no longer here: upload it again.") from None
    _finish_export(batch, table, clean)
    remembered = _remembered(batch.agency)
    for column, values in clean.items():
        remembered.setdefault(column, {}).update(values)
    ExportMapping.objects.update_or_create(
        agency=batch.agency, defaults={"mapping": remembered, "updated_at": timezone.now()}
    )
    log_action(actor=actor, action="outcomes.export_mapped", obj=batch, agency=batch.agency, after=clean)
    return batch


def _finish_export(batch: OutcomeImport, table: Table, mapping: Mapping[str, Any]) -> None:
    columns = aggregator.find_columns(table.headers)
    found = aggregator.contacts(table.rows, columns, timezone.localdate())
    result = aggregator.aggregate(found, mapping, len(table.rows))
    notes = list(batch.notes)
    notes.append(
        f"{result.rows} rows, {result.contacts} contacts (rows sharing a contact id count once), "
        f"{len(result.figures)} months."
    )
    if result.undated:
        notes.append(f"{result.undated} contacts have no usable date (only placeholders such as 1900-01-01): left out.")
    if result.excluded:
        notes.append(f"{result.excluded} contacts have a call type mapped to “exclude”: left out.")
    errors = []
    if len(result.figures) > MAX_MONTHS_PER_FILE:
        errors.append(f"The file spans {len(result.figures)} months; the limit is {MAX_MONTHS_PER_FILE}.")
    batch.figures = result.figures
    batch.mapping = dict(mapping)
    batch.notes, batch.errors = notes, errors
    batch.status = OutcomeImport.Status.PREVIEW
    _delete_pending(batch.pending_file)
    batch.pending_file = ""
    batch.save()


def start_aggregates_import(*, actor: Any, agency: Agency, file_name: str, chunks: Iterable[bytes]) -> OutcomeImport:
    """Read a CSV/XLSX with a ``month`` column and one column per figure (its name or its label)."""
    name, path = _write_upload(file_name, chunks)
    try:
        table = _read(path, file_name)
    finally:
        path.unlink(missing_ok=True)
    figures, errors = parse_aggregates(table)
    batch = OutcomeImport.objects.create(
        agency=agency,
        kind=OutcomeImport.Kind.AGGREGATES,
        status=OutcomeImport.Status.PREVIEW,
        file_name=file_name[:200],
        figures=figures,
        errors=errors,
        notes=list(table.notes),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    log_action(actor=actor, action="outcomes.aggregates_uploaded", obj=batch, agency=agency, reason=batch.file_name)
    return batch


STATUS_COLUMN = "status"
NOT_COLLECTED_WORDS = frozenset({"not collected", "not_collected", "nc"})


def parse_aggregates(table: Table) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """{month: figures} and per-row errors ("Row 3, column arrest: …"); nothing is written here."""
    by_header: dict[int, str] = {}
    month_col = None
    status_col = None
    names = {f.name.casefold(): f.name for f in FIELDS} | {f.label.casefold(): f.name for f in FIELDS}
    unknown = []
    for index, header in enumerate(table.headers):
        key = header.strip().casefold()
        if index in table.ignored_columns or not key:
            continue
        if key == "month":
            month_col = index
        elif key == STATUS_COLUMN:
            status_col = index
        elif key in names:
            by_header[index] = names[key]
        else:
            unknown.append(header)
    if month_col is None:
        raise FileRejected("The file needs a “month” column (YYYY-MM).")
    if not by_header:
        raise FileRejected(
            "No column names a figure: use the names in the template (e.g. mh_calls, cit_arrived, arrest)."
        )
    errors = [f"Column “{h[:60]}” is not a figure: ignored." for h in unknown]
    figures: dict[str, dict[str, Any]] = {}
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        try:
            month = parse_month(row[month_col])
        except ValueError as exc:
            errors.append(f"Row {number}, column month: {exc}")
            continue
        key = month.strftime("%Y-%m")
        if key in figures:
            errors.append(f"Row {number}, column month: {key} appears twice in the file.")
            continue
        status = OutcomeMonth.Status.COLLECTED
        if status_col is not None and row[status_col].strip().casefold() in NOT_COLLECTED_WORDS:
            figures[key] = {"status": OutcomeMonth.Status.NOT_COLLECTED}
            continue
        values: dict[str, int | None] = {}
        bad = False
        for index, field_name in by_header.items():
            raw = row[index].strip().replace(",", "")
            if raw == "":
                values[field_name] = None
                continue
            if not raw.isascii() or not raw.isdigit():
                errors.append(f"Row {number}, column {table.headers[index][:60]}: “{raw[:20]}” is not a whole number.")
                bad = True
                continue
            values[field_name] = int(raw)
        for field_name, reason in problems(values).items():
            errors.append(f"Row {number}, column {BY_NAME[field_name].label}: {reason}")
            bad = True
        if not bad:
            figures[key] = {"status": status, **values}
    if len(figures) > MAX_MONTHS_PER_FILE:
        errors.append(f"The file has {len(figures)} months; the limit is {MAX_MONTHS_PER_FILE}.")
    return figures, errors


# --- apply / undo -------------------------------------------------------------------------------------------


def _month_of(key: str) -> dt.date:
    return dt.date.fromisoformat(key + "-01")


@transaction.atomic
def apply_import(*, actor: Any, batch: OutcomeImport) -> OutcomeImport:
    """Write the previewed months in one transaction; remember what each replaced so undo can restore it."""
    batch = OutcomeImport.objects.select_for_update().get(pk=batch.pk)
    if batch.status != OutcomeImport.Status.PREVIEW:
        raise ValidationError("Only a previewed file can be applied.")
    if batch.errors:
        raise ValidationError("Fix the file's errors and upload it again: nothing was applied.")
    agency = batch.agency
    existing = {
        row.month.strftime("%Y-%m"): row
        for row in OutcomeMonth.objects.select_for_update().filter(
            agency=agency, month__in=[_month_of(k) for k in batch.figures]
        )
    }
    source = (
        OutcomeMonth.Source.CALL_EXPORT
        if batch.kind == OutcomeImport.Kind.CALL_EXPORT
        else OutcomeMonth.Source.AGGREGATES
    )
    replaced: dict[str, Any] = {}
    now = timezone.now()
    for key, values in sorted(batch.figures.items()):
        row = existing.get(key)
        replaced[key] = _snapshot(row)
        if row is None:
            row = OutcomeMonth(agency=agency, month=_month_of(key))
        else:
            row.version += 1
        status = values.get("status", OutcomeMonth.Status.COLLECTED)
        row.status, row.source, row.updated_at = status, source, now
        row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        if status == OutcomeMonth.Status.NOT_COLLECTED:
            for name in FIELD_NAMES:
                setattr(row, name, None)
        else:
            for name in FIELD_NAMES:
                if name in values:
                    setattr(row, name, values[name])
        row.save()
        replaced[key] = {"before": replaced[key], "version": row.version}
    batch.replaced, batch.status, batch.applied_at = replaced, OutcomeImport.Status.APPLIED, now
    batch.save(update_fields=["replaced", "status", "applied_at"])
    log_action(
        actor=actor,
        action="outcomes.import_applied",
        obj=batch,
        agency=agency,
        reason=f"{len(replaced)} months from {batch.file_name}",
    )
    return batch


@transaction.atomic
def undo_import(*, actor: Any, batch: OutcomeImport) -> OutcomeImport:
    """Put every month back as it was before the import; refused when a month was edited since."""
    batch = OutcomeImport.objects.select_for_update().get(pk=batch.pk)
    if batch.status != OutcomeImport.Status.APPLIED:
        raise ValidationError("Only an applied file can be undone.")
    agency = batch.agency
    rows = {
        row.month.strftime("%Y-%m"): row
        for row in OutcomeMonth.objects.select_for_update().filter(
            agency=agency, month__in=[_month_of(k) for k in batch.replaced]
        )
    }
    changed = [k for k, item in batch.replaced.items() if k not in rows or rows[k].version != item["version"]]
    if changed:
        raise ValidationError(
            "These months were changed after the import, so undoing it would lose those changes: "
            + ", ".join(sorted(changed))
            + ". Edit them by hand instead."
        )
    for key, item in batch.replaced.items():
        row, before = rows[key], item["before"]
        if before is None:
            row.delete()
            continue
        row.version += 1
        row.status, row.source = before["status"], before["source"]
        for name in FIELD_NAMES:
            setattr(row, name, before.get(name))
        row.updated_at = timezone.now()
        row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        row.save()
    batch.status = OutcomeImport.Status.UNDONE
    batch.save(update_fields=["status"])
    log_action(actor=actor, action="outcomes.import_undone", obj=batch, agency=agency, reason=batch.file_name)
    return batch


@transaction.atomic
def discard_import(*, actor: Any, batch: OutcomeImport) -> OutcomeImport:
    batch = OutcomeImport.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (OutcomeImport.Status.MAPPING, OutcomeImport.Status.PREVIEW):
        raise ValidationError("Only a file that was not applied can be discarded.")
    _delete_pending(batch.pending_file)
    batch.pending_file, batch.status = "", OutcomeImport.Status.DISCARDED
    batch.save(update_fields=["pending_file", "status"])
    log_action(actor=actor, action="outcomes.import_discarded", obj=batch, agency=batch.agency)
    return batch
