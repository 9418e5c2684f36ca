"""Background tasks of the campaign figures: they take a row id and run the service."""

from __future__ import annotations

from django_tasks import task

from onemind.campaign.models import FiguresRefresh
from onemind.campaign.standings import run_refresh, schedule_nightly


@task()
def refresh_campaign_figures(refresh_id: int) -> None:
    refresh = FiguresRefresh.objects.get(pk=refresh_id)
    try:
        run_refresh(refresh)
    finally:
        # Whatever happened, the next night's run is queued, so one failure does not stop the figures for good.
        schedule_nightly()
