"""Background task of exports: it takes a job id and runs the service."""

from __future__ import annotations

from django_tasks import task

from onemind.exports import services
from onemind.exports.models import ExportJob


@task()
def run_export_job(job_id: int) -> None:
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is not None and job.status == ExportJob.Status.QUEUED:
        services.run_export(job)
