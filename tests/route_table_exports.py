"""Export-job routes for the permission matrix: a job is its requester's alone (here staff's); everyone else 404."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from tests.routes import Route


def _job(cast: object) -> dict[str, object]:
    from onemind.exports.models import ExportJob

    name = "0" * 32 + ".csv"
    folder = Path(settings.PRIVATE_FILES_DIR) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("Agency\nSample\n")
    job = ExportJob.objects.create(
        user=cast.staff,  # type: ignore[attr-defined]
        kind="campaign.standings",
        fmt="csv",
        title="Sample",
        status=ExportJob.Status.DONE,
        stored_name=name,
        download_name="sample.csv",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    return {"job_id": job.public_id}


ROUTES = {
    "exports:detail": Route("campaign", sample=_job),
    "exports:progress": Route("campaign", sample=_job),
    "exports:download": Route("campaign", sample=_job),
}
