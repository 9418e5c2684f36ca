"""Background work of the dashboard: recompute an agency's dashboard after its data changed (signals.py)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks import task

from onemind.tenancy.models import Agency

REFRESH_TASK = "onemind.compliance.tasks.refresh_dashboard"


@task()
def refresh_dashboard(agency_id: int) -> None:
    from onemind.compliance.pages import warm_dashboard

    with scopes_disabled():
        agency = Agency.objects.filter(pk=agency_id).first()
        if agency is not None:
            warm_dashboard(agency, timezone.localdate())


def request_refresh(agency_id: int) -> None:
    """Queue a refresh unless one for this agency is still waiting: a burst of writes queues one run."""
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.ready().filter(task_path=REFRESH_TASK, args_kwargs__args=[agency_id])
        if waiting.exists():
            return
    refresh_dashboard.enqueue(agency_id)
