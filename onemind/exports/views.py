"""An export job's page (progress, then the download link) and the download itself, for its requester only."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render

from onemind.exports import services
from onemind.exports.selectors import job_for_user
from onemind.lib.downloads import as_download
from onemind.tenancy.access import AuthenticatedRequest

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
def detail(request: AuthenticatedRequest, job_id: uuid.UUID) -> HttpResponse:
    job = job_for_user(request.user, job_id)
    return _no_store(render(request, "exports/detail.html", {"job": job}))


@login_required
def progress(request: AuthenticatedRequest, job_id: uuid.UUID) -> HttpResponse:
    job = job_for_user(request.user, job_id)
    return _no_store(render(request, "exports/_progress.html", {"job": job}))


@login_required
def download(request: AuthenticatedRequest, job_id: uuid.UUID) -> HttpResponse:
    job = job_for_user(request.user, job_id)
    path = services.job_path(job) if job.stored_name else None
    if job.status != job.Status.DONE or job.is_expired or path is None or not path.exists():
        status = 409 if job.is_running else 410
        return _no_store(render(request, "exports/gone.html", {"job": job}, status=status))
    services.record_download(actor=request.user, job=job)
    response = as_download(FileResponse(path.open("rb"), content_type=CONTENT_TYPES[job.fmt]), job.download_name)
    return _no_store(response)  # type: ignore[arg-type]
