"""Writes of background exports: start a job, write its file in the worker, purge expired files.

The file is written under a temporary name and renamed when complete, so a crash mid-way never leaves a half
file behind a "done" job. Progress is saved every PROGRESS_EVERY rows, which the htmx-polled page reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from onemind.audit.services import log_action
from onemind.exports.models import ExportJob
from onemind.exports.registry import exporter_for
from onemind.lib.spreadsheet import safe_cell, write_xlsx

log = logging.getLogger(__name__)

KEEP_FOR = dt.timedelta(days=7)
PROGRESS_EVERY = 1000


def storage_dir() -> Path:
    path = Path(settings.PRIVATE_FILES_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_path(job: ExportJob) -> Path:
    return storage_dir() / job.stored_name


def start_export(*, actor: Any, kind: str, params: dict[str, Any], fmt: str) -> ExportJob:
    """Queue an export of ``kind`` for ``actor``; the worker writes it. PermissionError if they may not read it."""
    from onemind.exports.tasks import run_export_job

    exporter = exporter_for(kind)
    if not exporter.allowed(actor):
        raise PermissionError(f"{actor} may not export {kind}")
    if fmt not in ExportJob.Format.values:
        raise ValueError(f"Unknown format {fmt!r}")
    now = timezone.now()
    job = ExportJob.objects.create(
        user=actor,
        kind=kind,
        params=params,
        fmt=fmt,
        title=exporter.title,
        expires_at=now + KEEP_FOR,
        download_name=f"{exporter.file_stem}-{timezone.localdate():%Y-%m-%d}.{fmt}",
    )
    log_action(actor=actor, action="exports.started", obj=job, after={"kind": kind, "params": params, "fmt": fmt})
    transaction.on_commit(lambda: run_export_job.enqueue(job.pk))
    return job


def _counted(job: ExportJob, rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
    ExportJob.objects.filter(pk=job.pk).update(rows_done=done)


def _write_csv(target: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with target.open("w", newline="", encoding="utf-8") as handle:
        handle.write("\ufeff")  # a BOM so Excel reads UTF-8 names correctly, like the direct downloads
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(
                ["" if v is None else safe_cell(v.isoformat() if isinstance(v, dt.date) else v) for v in row]
            )


def run_export(job: ExportJob) -> ExportJob:
    """Write the job's file (in the worker). A failure is kept on the job; the user sees it on the job's page."""
    purge_expired()
    exporter = exporter_for(job.kind)
    if not exporter.allowed(job.user):
        return _fail(job, "You no longer have access to this list.")
    stored = f"{uuid.uuid4().hex}.{job.fmt}"
    partial = storage_dir() / f"{stored}.part"
    try:
        total, rows = exporter.rows(job.params)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, rows_total=total, rows_done=0)
        if job.fmt == ExportJob.Format.XLSX:
            with partial.open("wb") as handle:
                write_xlsx(handle, exporter.headers, _counted(job, rows), sheet_name=exporter.file_stem[:31])
        else:
            _write_csv(partial, exporter.headers, _counted(job, rows))
        partial.rename(storage_dir() / stored)
    except Exception as exc:
        log.exception("export job %s failed", job.pk)
        partial.unlink(missing_ok=True)
        return _fail(job, f"The export stopped: {type(exc).__name__}. Start it again; if it fails again, tell us.")
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, stored_name=stored, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def _fail(job: ExportJob, message: str) -> ExportJob:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete expired jobs and their files; returns how many. Runs before each export, so no schedule is needed."""
    expired = list(ExportJob.objects.filter(expires_at__lte=now or timezone.now()))
    for job in expired:
        if job.stored_name:
            job_path(job).unlink(missing_ok=True)
    ExportJob.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return len(expired)


def record_download(*, actor: Any, job: ExportJob) -> None:
    log_action(actor=actor, action="exports.downloaded", obj=job)
