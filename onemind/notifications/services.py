"""Writes of notifications: read marks, preferences, agency settings, retrying failed reminders."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from onemind.accounts.models import User
from onemind.audit.services import log_action
from onemind.lib.versions import lock_current
from onemind.notifications.kinds import Category
from onemind.notifications.models import (
    AgencyNotificationSettings,
    Notification,
    NotificationPreference,
    Reminder,
    UserNotificationSettings,
)
from onemind.tenancy.models import Agency


def mark_read(*, actor: User, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def save_preferences(*, actor: User, choices: dict[str, tuple[bool, bool]], email_opt_out: bool) -> None:
    """``choices``: category → (e-mail, in-app)."""
    for category in Category.values:
        email, in_app = choices.get(category, (True, True))
        NotificationPreference.objects.update_or_create(
            user=actor, category=category, defaults={"email": email, "in_app": in_app}
        )
    UserNotificationSettings.objects.update_or_create(user=actor, defaults={"email_opt_out": email_opt_out})
    log_action(
        actor=actor,
        action="notifications.preferences_changed",
        obj=actor,
        after={"email_opt_out": email_opt_out, **{c: list(v) for c, v in choices.items()}},
    )


@transaction.atomic
def save_agency_settings(
    *, actor: User, agency: Agency, new_hire_days: int, time_zone: str, expected_version: str | None = None
) -> None:
    current, _ = AgencyNotificationSettings.objects.get_or_create(agency=agency)
    current = lock_current(current, expected_version)
    before = {"new_hire_days": current.new_hire_days, "time_zone": current.time_zone}
    current.new_hire_days, current.time_zone = new_hire_days, time_zone
    current.save()
    log_action(
        actor=actor,
        action="notifications.agency_settings_changed",
        obj=current,
        agency=agency,
        before=before,
        after={"new_hire_days": new_hire_days, "time_zone": time_zone},
    )


def retry_reminder(*, actor: User, reminder: Reminder, now: dt.datetime | None = None) -> bool:
    """Campaign staff send a failed reminder again: back to the queue with a fresh set of attempts."""
    changed = Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.FAILED).update(
        status=Reminder.Status.PENDING, attempts=0, next_attempt_at=now or timezone.now()
    )
    if changed:
        log_action(actor=actor, action="notifications.reminder_retried", obj=reminder, agency=reminder.agency)
    return bool(changed)
