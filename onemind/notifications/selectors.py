"""Reads of notifications."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from onemind.accounts.models import User
from onemind.notifications.kinds import Category
from onemind.notifications.models import Notification, NotificationPreference, Reminder, UserNotificationSettings


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def preferences_of(user: User) -> tuple[dict[str, tuple[bool, bool]], bool]:
    rows = {
        category: (email, in_app)
        for category, email, in_app in NotificationPreference.objects.filter(user=user).values_list(
            "category", "email", "in_app"
        )
    }
    choices = {category: rows.get(category, (True, True)) for category in Category.values}
    opted_out = UserNotificationSettings.objects.filter(user=user, email_opt_out=True).exists()
    return choices, opted_out


def delivery_problems() -> QuerySet[Reminder]:
    """Failed reminders and those being retried after an error: what campaign staff watch."""
    return (
        Reminder.objects.filter(Q(status=Reminder.Status.FAILED) | Q(status=Reminder.Status.PENDING, attempts__gt=0))
        .select_related("recipient", "agency")
        .order_by("status", "next_attempt_at", "id")
    )
