"""The periodic job the worker runs: plan what fell due, then send what is due."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from onemind.notifications.planner import plan_reminders
from onemind.notifications.sender import send_due


def run_once() -> dict[str, Any]:
    planned = plan_reminders()
    report = send_due()
    return {
        "planned": planned,
        "sent": report.sent,
        "skipped": report.skipped,
        "retried": report.retried,
        "failed": report.failed,
        "reclaimed": report.reclaimed,
    }


@task()
def plan_and_send() -> dict[str, Any]:
    return run_once()
