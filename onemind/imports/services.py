"""Writes of the import engine: upload → mapping → preview → apply (one transaction) → undo.

Apply plans the file again and refuses when the plan differs from the confirmed preview, then writes every accepted
row with bulk operations inside one transaction: all rows or none. Each applied change keeps its before-values, so
undo restores the roster exactly; undo is refused when a later import or a manual edit touched the same people.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from onemind.audit.services import log_action
from onemind.imports import planning
from onemind.imports.fastwrite import delete_rows, insert_rows
from onemind.imports.mapping import header_signature, suggest_kind, suggest_mapping
from onemind.imports.models import ImportBatch, ImportChange, ImportKind, MappingPreset
from onemind.imports.reading import MAX_FILE_BYTES, FileRejected, Table, profile, read_table
from onemind.imports.validation import DEFAULT_SWORN_RANKS
from onemind.roster.models import Exemption, Person, PersonEvent, PersonStatus
from onemind.tenancy.changes import agency_changed
from onemind.tenancy.models import Agency
from onemind.training.models import TrainingRecord

# Undos of up to this many changes run during the request; larger ones in the background, like apply.
INLINE_UNDO_CHANGES = 2000
# Undoing more changes than this asks the coordinator to confirm first.
UNDO_CONFIRM_CHANGES = 500
STALE_AFTER = dt.timedelta(minutes=10)
WRITE_CHUNK = 1000
TRANSFER_FIELDS = ("unit", "shift", "district")
DATE_FIELDS = {"hire_date", "separation_date", "completed_on"}


logger = logging.getLogger(__name__)


class ImportRefused(ValueError):
    """An import step that cannot go ahead; the message is shown to the user."""


def storage_dir() -> Path:
    path = Path(settings.PRIVATE_FILES_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def batch_path(batch: ImportBatch) -> Path:
    return storage_dir() / batch.stored_name


def _store(name: str, chunks: Iterable[bytes]) -> tuple[str, int, str]:
    suffix = ".xlsx" if name.lower().endswith((".xlsx", ".xlsm")) else ".csv"
    stored = f"{uuid.uuid4().hex}{suffix}"
    digest = hashlib.sha256()
    size = 0
    target = storage_dir() / stored
    with target.open("wb") as fh:
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                fh.close()
                target.unlink(missing_ok=True)
                raise FileRejected(
                    f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB. Split it into smaller files."
                )
            digest.update(chunk)
            fh.write(chunk)
    return stored, size, digest.hexdigest()


def read_batch_table(batch: ImportBatch) -> Table:
    """The stored file as a table of the mapped (and filtered-on) columns, rows kept by the batch's filters.

    The ignored unnamed first column is dropped, so the headers are a subset of batch.headers.
    """
    filters = [(str(c), str(val)) for c, val in batch.options.get("filters", []) if c in batch.headers]
    keep = {h for h, f in batch.mapping.items() if f} | {c for c, _ in filters}
    table = read_table(batch_path(batch), batch.file_name, keep=keep, where=filters)
    if table.ignored_columns:
        table.headers = [h for i, h in enumerate(table.headers) if i not in table.ignored_columns]
        table.rows = [[c for i, c in enumerate(r) if i not in table.ignored_columns] for r in table.rows]
    return table


def create_batch(
    *,
    actor: Any,
    agency: Agency,
    kind: str,
    name: str,
    chunks: Iterable[bytes],
    options: dict[str, Any] | None = None,
    read_now: bool = True,
) -> ImportBatch:
    """Store an uploaded file and read its header (now, or by the worker with ``read_now=False``).

    ``kind`` "" lets the columns choose (roster, update-only or training). Raises FileRejected, keeping nothing,
    for a file refused while reading now; a file the worker refuses ends as a failed batch, its file removed.
    """
    stored, size, sha = _store(name, chunks)
    batch = ImportBatch.objects.create(
        agency=agency,
        kind=kind,
        status=ImportBatch.Status.READ_QUEUED,
        file_name=name[:200],
        stored_name=stored,
        file_size=size,
        file_sha256=sha,
        options=dict(options or {}),
        phase="Reading the file",
        heartbeat_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    log_action(
        actor=actor,
        action="imports.file_uploaded",
        obj=batch,
        agency=agency,
        after={"file": batch.file_name, "kind": kind or "(from the columns)", "sha256": sha},
    )
    if read_now:
        read_header(batch)
        if batch.status == ImportBatch.Status.FAILED:
            batch.delete()
            raise FileRejected(batch.message)
        return batch
    from onemind.imports.tasks import read_import

    _enqueue_on_commit(batch, read_import, batch.pk)
    return batch


def read_header(batch: ImportBatch) -> ImportBatch:
    """Read the headers, sample values and row count; choose the kind and suggest the mapping."""
    try:
        found = profile(batch_path(batch), batch.file_name)
    except FileRejected as exc:
        batch_path(batch).unlink(missing_ok=True)
        return _fail(batch, str(exc))
    notes = list(found.notes)
    kind = batch.kind
    if not kind:
        kind, why = suggest_kind(found.headers, found.filled, found.rows)
        batch.options = {
            **batch.options,
            "kind_note": f"Read as: {ImportKind(kind).label}, because {why}. Upload it again to choose another kind.",
        }
        notes.append(batch.options["kind_note"])
    preset = MappingPreset.objects.filter(
        agency=batch.agency, kind=kind, signature=header_signature(found.headers)
    ).first()
    mapping = preset.mapping if preset else suggest_mapping(kind, found.headers, found.samples)
    options = {**default_options(kind, mapping), **(preset.options if preset else {}), **batch.options}
    batch.kind = kind
    batch.headers = found.headers
    batch.samples = {h: values[:3] for h, values in found.samples.items()}
    batch.mapping = {h: mapping.get(h, "") for h in found.headers}
    batch.options = options
    batch.notes = notes
    batch.rows_total = found.rows
    batch.status = ImportBatch.Status.UPLOADED
    batch.phase = ""
    batch.save()
    return batch


def default_options(kind: str, mapping: dict[str, str]) -> dict[str, Any]:
    """The options a file starts with: with neither a sworn nor a rank column, every person counts as sworn."""
    if kind != ImportKind.ROSTER:
        return {}
    chosen = set(mapping.values())
    rule = "ranks" if "rank" in chosen or "sworn" in chosen else "all"
    return {"sworn_default": rule, "sworn_ranks": list(DEFAULT_SWORN_RANKS)}


def save_mapping(*, actor: Any, batch: ImportBatch, mapping: dict[str, str], options: dict[str, Any]) -> ImportBatch:
    """Keep the chosen mapping on the batch and as the agency's preset for files with the same headers."""
    if batch.status not in (ImportBatch.Status.UPLOADED, ImportBatch.Status.PREVIEWED, ImportBatch.Status.FAILED):
        raise ImportRefused("This import can no longer be changed.")
    batch.mapping = {h: mapping.get(h, "") for h in batch.headers}
    batch.options = options
    batch.status = ImportBatch.Status.UPLOADED
    batch.save(update_fields=["mapping", "options", "status"])
    MappingPreset.objects.update_or_create(
        agency=batch.agency,
        kind=batch.kind,
        signature=header_signature(batch.headers),
        defaults={"headers": batch.headers, "mapping": batch.mapping, "options": _preset_options(options)},
    )
    return batch


def _preset_options(options: dict[str, Any]) -> dict[str, Any]:
    # One-off choices (which people to separate, confirmations) are not remembered for the next file.
    keep = ("sworn_default", "sworn_ranks", "course_code", "match_by_name", "filters")
    return {k: options[k] for k in keep if k in options}


# ---- planning and preview -----------------------------------------------------------------------------------


def _progress(batch: ImportBatch, phase: str) -> planning.Progress:
    def report(done: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(rows_done=done, phase=phase, heartbeat_at=timezone.now())

    return report


class WriteProgress:
    """Progress of an all-or-nothing write (apply or undo), kept in a small file beside the uploaded one.

    The database cannot carry it: updates made inside the write transaction stay invisible to the progress page
    until the commit, and on SQLite a second connection cannot write while the transaction holds the lock. The
    worker already shares PRIVATE_FILES_DIR with the web processes (it reads the uploaded file from there).
    """

    def __init__(self, batch: ImportBatch, total: int, phase: str) -> None:
        self.path = progress_path(batch)
        self.total, self.phase = max(total, 1), phase
        self.report(0)

    def report(self, done: int) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"done": min(done, self.total), "total": self.total, "phase": self.phase}))
        os.replace(tmp, self.path)  # atomic: a reader sees the old or the new figures, never half a file

    @staticmethod
    def clear_for(batch: ImportBatch) -> None:
        progress_path(batch).unlink(missing_ok=True)


def progress_path(batch: ImportBatch) -> Path:
    return storage_dir() / f"{batch.stored_name}.progress.json"


def live_progress(batch: ImportBatch) -> dict[str, Any] | None:
    """The write phase's figures ({done, total, phase}) while an apply or undo writes; None otherwise."""
    if batch.status not in (ImportBatch.Status.APPLYING, ImportBatch.Status.UNDOING):
        return None
    try:
        data = json.loads(progress_path(batch).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _counting(rows: Iterable[Any], report: Any, every: int = WRITE_CHUNK) -> Iterable[Any]:
    for n, row in enumerate(rows, 1):
        if n % every == 0:
            report(n)
        yield row


def make_plan(batch: ImportBatch, *, progress: planning.Progress | None = None) -> planning.Plan:
    table = read_batch_table(batch)
    plan_fn = planning.PLANNERS[batch.kind]
    return plan_fn(batch.agency, table, batch.mapping, batch.options, today=timezone.localdate(), progress=progress)


def _write_changes(batch: ImportBatch, plan: planning.Plan, *, applied: bool, progress: Any = None) -> None:
    rows: Iterable[dict[str, Any]] = (
        {
            "batch_id": batch.pk,
            "row_number": item.row_number,
            "action": item.action,
            "label": item.label[:300],
            "person_id": item.person_id,
            "record_id": item.record_id,
            "changes": item.changes,
            "errors": item.errors,
            "version_after": item.values.get("_version_after"),
            "applied": applied,
            "matched_by": item.matched_by,
        }
        for item in plan.items
        if item.action != "unchanged"
    )
    if progress is not None:
        rows = _counting(rows, progress)
    insert_rows(ImportChange, rows, batch_size=2000)


def request_preview(*, actor: Any, batch: ImportBatch, inline: bool = False) -> ImportBatch:
    """Queue the preview for the worker (the web never parses a file); ``inline`` runs it now (command line)."""
    if inline:
        return run_preview(batch)
    batch.status = ImportBatch.Status.PREVIEW_QUEUED
    batch.rows_done = 0
    batch.phase = "Waiting for the background worker"
    batch.heartbeat_at = timezone.now()
    batch.save(update_fields=["status", "rows_done", "phase", "heartbeat_at"])
    from onemind.imports.tasks import preview_import

    _enqueue_on_commit(batch, preview_import, batch.pk)
    return batch


def _enqueue_on_commit(batch: ImportBatch, task: Any, *args: Any) -> None:
    def enqueue() -> None:
        result = task.enqueue(*args)
        with scope(agency=batch.agency):  # on-commit callbacks may run after the view's scope has ended
            ImportBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)


def run_preview(batch: ImportBatch) -> ImportBatch:
    batch.status = ImportBatch.Status.PREVIEWING
    batch.rows_done = 0
    batch.phase = "Checking rows"
    batch.heartbeat_at = timezone.now()
    batch.save(update_fields=["status", "rows_done", "phase", "heartbeat_at"])
    state = records_state(batch)
    try:
        plan = make_plan(batch, progress=_progress(batch, "Checking rows"))
    except FileRejected as exc:
        return _fail(batch, str(exc))
    except Exception:
        logger.exception("preview of import batch %s failed", batch.pk)
        return _fail(batch, "The file could not be checked because of an unexpected error. Upload it again.")
    with transaction.atomic():
        ImportChange.objects.filter(batch=batch).delete()
        _write_changes(batch, plan, applied=False)
        batch.counts = plan.counts
        batch.preview_digest = plan.digest
        kind_note = [batch.options["kind_note"]] if batch.options.get("kind_note") else []
        batch.notes = [*kind_note, *plan.notes, *([plan.matched_note()] if plan.matched_note() else [])]
        batch.options = {**batch.options, "records_state": state}
        batch.status = ImportBatch.Status.PREVIEWED
        batch.rows_done = batch.rows_total
        batch.phase = ""
        batch.message = ""
        batch.save()
    return batch


def records_state(batch: ImportBatch) -> list[Any]:
    """A cheap fingerprint of what a preview was computed against: changes whenever people or records change."""
    from django.db.models import Count, Max

    people = Person.objects.filter(agency=batch.agency).aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    state: list[Any] = [people["n"], str(people["last"]), people["top"]]
    if batch.kind == ImportKind.TRAINING:
        records = TrainingRecord.objects.filter(agency=batch.agency).aggregate(n=Count("id"), top=Max("id"))
        state += [records["n"], records["top"]]
    return state


def _fail(batch: ImportBatch, message: str) -> ImportBatch:
    batch.status = ImportBatch.Status.FAILED
    batch.message = message
    batch.phase = ""
    batch.save(update_fields=["status", "message", "phase"])
    return batch


# ---- apply --------------------------------------------------------------------------------------------------


def request_apply(
    *, actor: Any, batch: ImportBatch, skip_errors: bool, separate_missing: bool, enqueue: bool = True
) -> ImportBatch:
    """Check the confirmations and queue the apply for the worker (after this transaction commits).

    `enqueue=False` leaves running `apply_batch` to the caller (the benchmark and tests run it in-process).
    """
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ImportRefused("Only a previewed import can be applied.")
    errors = batch.error_count
    if errors and not skip_errors:
        raise ImportRefused(f"The preview lists {errors} rows with errors. Confirm that they are skipped.")
    if batch.options.get("mark_missing") and batch.counts.get("separation") and not separate_missing:
        raise ImportRefused("Confirm that the people missing from this file are marked as separated.")
    if batch.options.get("records_state") != records_state(batch):
        # Another import was applied or undone (or a person edited) since the preview: check the file again.
        request_preview(actor=actor, batch=batch, inline=not enqueue)
        raise ImportRefused(
            "The records changed since this preview (an import was applied or undone, or someone edited the "
            "roster). The file is being checked again: review the new preview, then apply."
        )
    if not any(batch.counts.get(k) for k in ("create", "update", "separation")):
        raise ImportRefused("Nothing to apply: no row of the file would change the records.")
    batch.status = ImportBatch.Status.APPLY_QUEUED
    batch.applied_by = actor
    batch.rows_done = 0
    batch.phase = "Waiting for the background worker"
    batch.heartbeat_at = timezone.now()
    batch.options = {**batch.options, "skip_errors_confirmed": skip_errors}
    batch.save(update_fields=["status", "applied_by", "rows_done", "phase", "heartbeat_at", "options"])
    if enqueue:
        from onemind.imports.tasks import apply_import

        _enqueue_on_commit(batch, apply_import, batch.pk)
    return batch


def checkpoint(done: int, total: int) -> None:
    """Called inside the apply transaction after each chunk; tests replace it to simulate a crash midway."""


def _step(progress: WriteProgress | None, done: int, total: int) -> None:
    """After each written chunk: the progress the page shows, then the crash-test hook."""
    if progress is not None:
        progress.report(done)
    checkpoint(done, total)


def apply_batch(batch: ImportBatch) -> ImportBatch:
    """Run by the worker: re-plan, compare with the preview, write everything in one transaction."""
    if batch.status not in (ImportBatch.Status.APPLY_QUEUED, ImportBatch.Status.APPLYING):
        raise ImportRefused(f"Import {batch.pk} is {batch.status}, not waiting to be applied.")
    batch.status = ImportBatch.Status.APPLYING
    batch.phase = "Checking rows again"
    batch.heartbeat_at = timezone.now()
    batch.save(update_fields=["status", "phase", "heartbeat_at"])
    try:
        plan = make_plan(batch, progress=_progress(batch, "Checking rows again"))
        if plan.digest != batch.preview_digest:
            raise ImportRefused(
                "The records changed since the preview, so the preview no longer says what would happen. "
                "Preview the file again, then apply."
            )
        if plan.counts["error"] and not batch.options.get("skip_errors_confirmed"):
            raise ImportRefused("Rows with errors were not confirmed to be skipped.")
        changes = sum(plan.counts[k] for k in ("create", "update", "separation"))
        phase = f"Writing {changes:,} changes (all or nothing)"
        ImportBatch.objects.filter(pk=batch.pk).update(phase=phase, rows_done=0, heartbeat_at=timezone.now())
        # The records first, then the change log undo reads: each about half of the writing time.
        logged = sum(1 for item in plan.items if item.action != "unchanged")
        written = WriteProgress(batch, changes + logged, phase)
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != ImportBatch.Status.APPLYING:
                raise ImportRefused("This import was applied or cancelled by someone else.")
            if batch.kind != ImportKind.TRAINING:
                _write_roster(batch, plan, written)
            else:
                _write_training(batch, plan, written)
            ImportChange.objects.filter(batch=batch).delete()
            _write_changes(batch, plan, applied=True, progress=lambda n: written.report(changes + n))
            agency_changed(batch.agency)
            batch.status = ImportBatch.Status.APPLIED
            batch.applied_at = timezone.now()
            batch.counts = plan.counts
            batch.phase = ""
            batch.message = ""
            batch.save()
            log_action(
                actor=batch.applied_by or "system",
                action=f"imports.{batch.kind}_applied",
                obj=batch,
                agency=batch.agency,
                after={"file": batch.file_name, "sha256": batch.file_sha256, **plan.counts},
            )
    except (ImportRefused, FileRejected) as exc:
        _fail(batch, str(exc))
        raise
    except Exception:
        logger.exception("apply of import batch %s failed", batch.pk)
        _fail(batch, "The import stopped with an unexpected error; nothing was changed. Preview and apply again.")
        raise
    finally:
        WriteProgress.clear_for(batch)
    return batch


def _chunks(items: list[Any], size: int | None = None) -> Iterable[list[Any]]:
    size = size or WRITE_CHUNK
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_roster(batch: ImportBatch, plan: planning.Plan, progress: WriteProgress | None = None) -> None:
    agency, actor, now, today = batch.agency, batch.applied_by, timezone.now(), timezone.localdate()
    designated = planning.designations(agency)
    creates = [i for i in plan.items if i.action == "create"]
    updates = [i for i in plan.items if i.action in ("update", "separation")]
    total, done = len(creates) + len(updates), 0
    events: list[dict[str, Any]] = []

    def event(person_id: int, kind: str, on: dt.date, details: dict[str, Any]) -> None:
        events.append(
            {
                "agency_id": agency.pk,
                "person_id": person_id,
                "kind": kind,
                "effective_on": on,
                "details": details,
                "recorded_at": now,
                "recorded_by_id": getattr(actor, "pk", None),
                "import_batch_id": batch.pk,
            }
        )

    for chunk in _chunks(creates):
        rows = []
        for item in chunk:
            mhfa, cit = designated.get(str(item.values.get("rank", "")).strip().casefold(), (False, False))
            rows.append(
                {
                    **item.values,
                    "agency_id": agency.pk,
                    "public_id": uuid.uuid4(),
                    "created_at": now,
                    "updated_at": now,
                    "designated_mhfa": mhfa,
                    "designated_cit": cit,
                }
            )
        insert_rows(Person, rows)
        ids = dict(
            Person.objects.filter(agency=agency, public_id__in=[r["public_id"] for r in rows]).values_list(
                "public_id", "pk"
            )
        )
        for item, row in zip(chunk, rows, strict=True):
            item.person_id = ids[row["public_id"]]
            item.values["_version_after"] = 1
            if row.get("hire_date"):
                event(item.person_id, PersonEvent.Kind.HIRED, row["hire_date"], {})
            if row.get("separation_date"):
                event(
                    item.person_id,
                    PersonEvent.Kind.SEPARATED,
                    row["separation_date"],
                    {"reason": row.get("separation_reason", "")},
                )
        done += len(chunk)
        _step(progress, done, total)
    for chunk in _chunks(updates):
        people_by_id = Person.objects.filter(agency=agency).in_bulk([i.person_id for i in chunk])
        fields: set[str] = set()
        for item in chunk:
            person = people_by_id[item.person_id]
            for name, value in item.values.items():
                if not name.startswith("_"):
                    setattr(person, name, value)
                    fields.add(name)
            person.version += 1
            person.updated_at = now
            item.values["_version_after"] = person.version
            _update_events(item, person, event, today)
        Person.objects.bulk_update(
            list(people_by_id.values()), sorted(fields | {"version", "updated_at"}), batch_size=500
        )
        done += len(chunk)
        _step(progress, done, total)
    insert_rows(PersonEvent, events)


def _update_events(item: planning.Item, person: Person, event: Any, today: dt.date) -> None:
    moved = {f: item.changes[f] for f in TRANSFER_FIELDS if f in item.changes}
    if moved:
        event(person.pk, PersonEvent.Kind.TRANSFERRED, today, moved)
    if "sworn" in item.changes:
        event(person.pk, PersonEvent.Kind.SWORN_CHANGED, today, {"sworn": item.changes["sworn"]})
    status = item.changes.get("status")
    if status and status[1] == PersonStatus.SEPARATED:
        event(
            person.pk,
            PersonEvent.Kind.SEPARATED,
            person.separation_date or today,
            {"reason": person.separation_reason},
        )
    elif status and status[0] == PersonStatus.SEPARATED:
        event(person.pk, PersonEvent.Kind.REHIRED, today, {})


def _write_training(batch: ImportBatch, plan: planning.Plan, progress: WriteProgress | None = None) -> None:
    agency, actor, now = batch.agency, batch.applied_by, timezone.now()
    creates = [i for i in plan.items if i.action == "create"]
    updates = [i for i in plan.items if i.action == "update"]
    total, done = len(creates) + len(updates), 0
    for chunk in _chunks(creates):
        rows = [
            {
                **item.values,
                "agency_id": agency.pk,
                "public_id": uuid.uuid4(),
                "person_id": item.person_id,
                "source": TrainingRecord.Source.IMPORT,
                "status": TrainingRecord.Status.ACCEPTED,
                "import_batch_id": batch.pk,
                "created_by_id": getattr(actor, "pk", None),
                "created_at": now,
            }
            for item in chunk
        ]
        insert_rows(TrainingRecord, rows)
        ids = dict(
            TrainingRecord.objects.filter(agency=agency, public_id__in=[r["public_id"] for r in rows]).values_list(
                "public_id", "pk"
            )
        )
        for item, row in zip(chunk, rows, strict=True):
            item.record_id = ids[row["public_id"]]
        done += len(chunk)
        _step(progress, done, total)
    for chunk in _chunks(updates):
        by_id = TrainingRecord.objects.filter(agency=agency).in_bulk([i.record_id for i in chunk])
        fields: set[str] = set()
        for item in chunk:
            record = by_id[item.record_id]
            for name, value in item.values.items():
                setattr(record, name, value)
                fields.add(name)
        TrainingRecord.objects.bulk_update(list(by_id.values()), sorted(fields), batch_size=500)
        done += len(chunk)
        _step(progress, done, total)


# ---- undo ---------------------------------------------------------------------------------------------------


@dataclass
class _Undo:
    created: list[ImportChange]
    updated: list[ImportChange]


def _from_json(name: str, value: Any) -> Any:
    if value is None:
        return None if name in DATE_FIELDS or name == "hours" else ""
    if name in DATE_FIELDS:
        return dt.date.fromisoformat(value)
    if name == "hours":
        return Decimal(value)
    return value


def change_count(batch: ImportBatch) -> int:
    return sum(int(batch.counts.get(k, 0)) for k in ("create", "update", "separation"))


def request_undo(*, actor: Any, batch: ImportBatch, enqueue: bool = True, confirmed: bool = True) -> ImportBatch:
    """Undo a small import now; queue a large one for the worker, whose progress the import's page shows.

    `enqueue=False` leaves running `run_undo` to the caller (tests run it in-process). An undo of more than
    UNDO_CONFIRM_CHANGES changes is refused unless `confirmed`.
    """
    if batch.status != ImportBatch.Status.APPLIED:
        raise ImportRefused("Only an applied import can be undone.")
    if change_count(batch) > UNDO_CONFIRM_CHANGES and not confirmed:
        raise ImportRefused(
            f"This undo reverses {change_count(batch):,} changes. Tick the box to confirm, then undo again."
        )
    if change_count(batch) <= INLINE_UNDO_CHANGES:
        return undo_batch(actor=actor, batch=batch)
    batch.status = ImportBatch.Status.UNDO_QUEUED
    batch.undone_by = actor
    batch.rows_done = 0
    batch.phase = "Waiting for the background worker"
    batch.message = ""
    batch.heartbeat_at = timezone.now()
    batch.save(update_fields=["status", "undone_by", "rows_done", "phase", "message", "heartbeat_at"])
    log_action(actor=actor, action="imports.undo_requested", obj=batch, agency=batch.agency)
    if enqueue:
        from onemind.imports.tasks import undo_import

        _enqueue_on_commit(batch, undo_import, batch.pk)
    return batch


def run_undo(batch: ImportBatch) -> ImportBatch:
    """Run by the worker. A refused or failed undo leaves the import applied, with the reason on its page."""
    if batch.status not in (ImportBatch.Status.UNDO_QUEUED, ImportBatch.Status.UNDOING):
        raise ImportRefused(f"Import {batch.pk} is {batch.status}, not waiting to be undone.")
    batch.status = ImportBatch.Status.UNDOING
    batch.phase = f"Undoing {change_count(batch):,} changes (all or nothing)"
    batch.heartbeat_at = timezone.now()
    batch.save(update_fields=["status", "phase", "heartbeat_at"])
    try:
        return undo_batch(actor=batch.undone_by or "system", batch=batch)
    except ImportRefused as exc:
        return _still_applied(batch, str(exc))
    except Exception:
        logger.exception("undo of import batch %s failed", batch.pk)
        _still_applied(batch, "The undo stopped with an unexpected error; nothing was changed. Try again later.")
        raise
    finally:
        WriteProgress.clear_for(batch)


def _still_applied(batch: ImportBatch, message: str) -> ImportBatch:
    batch.status = ImportBatch.Status.APPLIED
    batch.undone_by = None
    batch.message = message
    batch.phase = ""
    batch.save(update_fields=["status", "undone_by", "message", "phase"])
    return batch


@transaction.atomic
def undo_batch(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Restore the records exactly as they were before this batch, or refuse with the reason."""
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status not in (ImportBatch.Status.APPLIED, ImportBatch.Status.UNDOING):
        raise ImportRefused("Only an applied import can be undone.")
    changes = list(ImportChange.objects.filter(batch=batch, applied=True).exclude(action=ImportChange.Action.ERROR))
    plan = _Undo(
        created=[c for c in changes if c.action == ImportChange.Action.CREATE],
        updated=[c for c in changes if c.action != ImportChange.Action.CREATE],
    )
    _refuse_if_later_batches(batch, changes)
    progress = WriteProgress(batch, len(changes), batch.phase) if locked.status == ImportBatch.Status.UNDOING else None
    if batch.kind != ImportKind.TRAINING:
        _undo_roster(batch, plan, progress)
    else:
        _undo_training(batch, plan, progress)
    agency_changed(batch.agency)
    batch.status = ImportBatch.Status.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = actor if getattr(actor, "is_authenticated", False) else batch.undone_by
    batch.phase = batch.message = ""
    batch.save(update_fields=["status", "undone_at", "undone_by", "phase", "message"])
    log_action(
        actor=actor,
        action=f"imports.{batch.kind}_undone",
        obj=batch,
        agency=batch.agency,
        before=dict(batch.counts),
        after={"restored": len(plan.updated), "removed": len(plan.created)},
    )
    return batch


def _refuse_if_later_batches(batch: ImportBatch, changes: list[ImportChange]) -> None:
    if batch.kind != ImportKind.TRAINING:
        touched = {"changes__person_id__in": {c.person_id for c in changes if c.person_id}}
        kinds = [ImportKind.ROSTER, ImportKind.UPDATE]
    else:
        touched = {"changes__record_id__in": {c.record_id for c in changes if c.record_id}}
        kinds = [ImportKind.TRAINING]
    later = (
        ImportBatch.objects.filter(
            agency=batch.agency, kind__in=kinds, status=ImportBatch.Status.APPLIED, applied_at__gt=batch.applied_at
        )
        .filter(changes__applied=True, **touched)
        .order_by("applied_at")
        .first()
    )
    if later is not None:
        raise ImportRefused(
            f"A later import ({later.file_name}, applied {timezone.localtime(later.applied_at):%Y-%m-%d %H:%M}) "
            "changed some of the same records. Undo that import first."
        )


def _undo_roster(batch: ImportBatch, plan: _Undo, progress: WriteProgress | None = None) -> None:
    ids = [c.person_id for c in plan.created + plan.updated if c.person_id]
    current = dict(Person.objects.filter(agency=batch.agency, pk__in=ids).values_list("pk", "version"))
    changed = [c for c in plan.created + plan.updated if c.person_id and current.get(c.person_id) != c.version_after]
    missing = [c for c in plan.created + plan.updated if not c.person_id or c.person_id not in current]
    if changed or missing:
        example = (changed or missing)[0].label
        raise ImportRefused(
            f"{len(changed) + len(missing)} people were edited or removed after this import (for example "
            f"{example}); undoing it would overwrite those changes. Undo refused."
        )
    created_ids = [c.person_id for c in plan.created if c.person_id]
    if (
        TrainingRecord.objects.filter(agency=batch.agency, person_id__in=created_ids)
        .exclude(import_batch_id=batch.pk)
        .exists()
        or Exemption.objects.filter(agency=batch.agency, person_id__in=created_ids).exists()
    ):
        raise ImportRefused(
            "Some people this import added have training records or exemptions entered since; "
            "undoing it would delete them. Undo refused."
        )
    event_ids = list(
        PersonEvent.objects.filter(agency=batch.agency, import_batch_id=batch.pk).values_list("pk", flat=True)
    )
    for chunk in _chunks(event_ids):
        delete_rows(PersonEvent, chunk)
    now = timezone.now()
    done, total = 0, len(plan.updated) + len(created_ids)
    for chunk in _chunks(plan.updated):
        people = Person.objects.filter(agency=batch.agency).in_bulk([c.person_id for c in chunk])
        fields: set[str] = set()
        for change in chunk:
            person = people[change.person_id]
            for name, (before, _after) in change.changes.items():
                setattr(person, name, _from_json(name, before))
                fields.add(name)
            person.version += 1
            person.updated_at = now
        Person.objects.bulk_update(list(people.values()), sorted(fields | {"version", "updated_at"}), batch_size=500)
        done += len(chunk)
        _step(progress, done, total)
    for chunk in _chunks(created_ids):
        # Plain DELETEs after clearing what points at these people: the ORM would load and signal row by row
        # (36,000 people took minutes); the compliance data version is bumped once by the caller instead.
        ImportChange.objects.filter(person_id__in=chunk).update(person=None)
        _delete_training(TrainingRecord.objects.filter(agency=batch.agency, person_id__in=chunk))
        delete_rows(PersonEvent, list(PersonEvent.objects.filter(person_id__in=chunk).values_list("pk", flat=True)))
        delete_rows(Person, list(Person.objects.filter(agency=batch.agency, pk__in=chunk).values_list("pk", flat=True)))
        done += len(chunk)
        _step(progress, done, total)


def _delete_training(records: Any, progress: WriteProgress | None = None, start: int = 0) -> None:
    """Delete without loading rows; `start` is how many changes the undo had already restored (for progress)."""
    ids = list(records.values_list("pk", flat=True))
    done = start
    for chunk in _chunks(ids):
        ImportChange.objects.filter(record_id__in=chunk).update(record=None)
        delete_rows(TrainingRecord, chunk)
        done += len(chunk)
        _step(progress, done, start + len(ids))


def _undo_training(batch: ImportBatch, plan: _Undo, progress: WriteProgress | None = None) -> None:
    ids = [c.record_id for c in plan.updated if c.record_id]
    records = TrainingRecord.objects.filter(agency=batch.agency).in_bulk(ids)
    for change in plan.updated:
        record = records.get(change.record_id)
        if record is None or any(
            getattr(record, name) != _from_json(name, after) for name, (_b, after) in change.changes.items()
        ):
            raise ImportRefused(
                f"The record {change.label} was edited or removed after this import; undoing it would overwrite "
                "that change. Undo refused."
            )
    fields: set[str] = set()
    for change in plan.updated:
        record = records[change.record_id]
        for name, (before, _after) in change.changes.items():
            setattr(record, name, _from_json(name, before))
            fields.add(name)
    if fields:
        TrainingRecord.objects.bulk_update(list(records.values()), sorted(fields), batch_size=500)
    created = TrainingRecord.objects.filter(agency=batch.agency, import_batch_id=batch.pk)
    _delete_training(created, progress, start=len(plan.updated))


# ---- housekeeping -------------------------------------------------------------------------------------------


def mark_stale(batch: ImportBatch) -> ImportBatch:
    """A batch whose worker died (process killed) is marked failed; its transaction left the records unchanged."""
    if batch.status not in (ImportBatch.Status.PREVIEWING, ImportBatch.Status.APPLYING, ImportBatch.Status.UNDOING):
        return batch
    beat = _last_sign_of_life(batch)
    if beat and timezone.now() - beat < STALE_AFTER:
        return batch
    return _interrupted(batch)


def _interrupted(batch: ImportBatch) -> ImportBatch:
    if batch.status == ImportBatch.Status.UNDOING:
        return _still_applied(
            batch, "The undo stopped before it finished (the worker was interrupted). Nothing was changed; undo again."
        )
    if batch.status == ImportBatch.Status.APPLYING:
        return _fail(
            batch,
            "The import stopped before it finished (the worker was interrupted). Nothing was changed; "
            "preview and apply the file again.",
        )
    return _fail(batch, "Reading the file stopped (the worker was interrupted). Upload the file again.")


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(batch: ImportBatch) -> None:
    """Note which worker process runs the batch, so a restarted worker can tell a dead run from a live one."""
    batch.worker = worker_id()
    ImportBatch.objects.filter(pk=batch.pk).update(worker=batch.worker)


def _dead(worker: str) -> bool:
    """True only when the worker process ran on this machine and no longer exists."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover_interrupted() -> int:
    """Run when a worker starts: imports a killed worker left running are marked failed (nothing was written,
    their transaction died with the process), and their task rows marked failed rather than left running."""
    from django_scopes import scopes_disabled
    from django_tasks_db.models import DBTaskResult

    running = (ImportBatch.Status.PREVIEWING, ImportBatch.Status.APPLYING, ImportBatch.Status.UNDOING)
    found = 0
    with scopes_disabled():
        for batch in ImportBatch.objects.filter(status__in=running).exclude(worker="").select_related("agency"):
            if not _dead(batch.worker):
                continue
            with scope(agency=batch.agency):
                _interrupted(batch)
                WriteProgress.clear_for(batch)
            if batch.task_id:
                DBTaskResult.objects.filter(id=batch.task_id, status="RUNNING").update(
                    status="FAILED",
                    finished_at=timezone.now(),
                    exception_class_path="onemind.imports.WorkerInterrupted",
                    traceback="The worker process ended while running this task.",
                )
            found += 1
    if found:
        logger.warning("marked %s interrupted import batches as failed", found)
    return found


def _last_sign_of_life(batch: ImportBatch) -> dt.datetime | None:
    """The heartbeat, or the write-progress file's last change while a long transaction writes."""
    try:
        written = dt.datetime.fromtimestamp(progress_path(batch).stat().st_mtime, tz=dt.UTC)
    except OSError:
        return batch.heartbeat_at
    return max(written, batch.heartbeat_at) if batch.heartbeat_at else written


def validate_options(kind: str, options: dict[str, Any]) -> None:
    if kind == ImportKind.TRAINING and options.get("default_completed_on"):
        on = dt.date.fromisoformat(options["default_completed_on"])
        if on > timezone.localdate():
            raise ValidationError("The default completion date is in the future.")
