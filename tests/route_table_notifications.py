"""Notification routes for the permission matrix (tests/test_permission_matrix.py)."""

from __future__ import annotations

from tests.routes import Route


def _failed_reminder(cast: object) -> dict[str, object]:
    from django.utils import timezone

    from onemind.notifications.models import Reminder

    reminder = Reminder.objects.create(
        kind="agreement_ending",
        recipient=cast.admin,  # type: ignore[attr-defined]
        subject_key="partnership:0",
        due_on=timezone.localdate(),
        dedupe_key=f"matrix:{timezone.now().timestamp()}",
        status="failed",
    )
    return {"reminder_id": reminder.pk}


ROUTES = {
    "notifications:list": Route("account"),
    "notifications:badge": Route("account"),
    "notifications:read_all": Route("account", "POST"),
    "notifications:preferences": Route("account"),
    # The id travels in the form; someone else's is "not found" (tests/notifications/test_views.py).
    "notifications:read": Route("account", "POST", data={}),
    "notifications:failures": Route("campaign"),
    "notifications:retry": Route("campaign", "POST", allowed_statuses=(302,), sample=_failed_reminder),
    "notifications:agency_settings": Route("agency", "GET", "agency:write"),
}
