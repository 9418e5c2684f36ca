"""Reminders as due-date rows, in-app notifications, and who wants what.

A reminder row is planned once (its ``dedupe_key`` is unique, so re-planning never duplicates it), claimed
atomically by one worker, delivered, and marked sent. See ``sender.py`` for the delivery guarantees.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from onemind.notifications.kinds import Category, Kind

DEFAULT_NEW_HIRE_DAYS = 180


class AgencyNotificationSettings(models.Model):
    """An agency's reminder settings, kept beside the agency rather than on it."""

    agency = models.OneToOneField("tenancy.Agency", on_delete=models.CASCADE, related_name="notification_settings")
    new_hire_days = models.PositiveSmallIntegerField(
        "remind about sworn hires untrained after (days)",
        default=DEFAULT_NEW_HIRE_DAYS,
        help_text="A sworn officer hired longer ago than this without MHFA or CIT training triggers a reminder.",
    )
    time_zone = models.CharField(
        max_length=64, blank=True, default="", help_text="Decides the day reminders fall due. Blank: from the state."
    )

    def __str__(self) -> str:
        return f"Reminder settings of {self.agency}"


class UserNotificationSettings(models.Model):
    """One switch that stops every reminder e-mail to a user (in-app notices follow the per-category choices)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email_opt_out = models.BooleanField("stop all reminder e-mails", default=False)

    def __str__(self) -> str:
        return f"Notification settings of {self.user}"


class NotificationPreference(models.Model):
    """A user's choice for one category; no row means both channels on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices)
    email = models.BooleanField(default=True)
    in_app = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="notification_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.category}"


class Reminder(models.Model):
    """One message to one user, due on one day: the unit the worker claims, sends and marks."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed: needs attention"
        SKIPPED = "skipped", "Not sent (preferences or no longer relevant)"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("tenancy.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # What the reminder is about, e.g. "person:12" or "pledge:3"; the sender re-checks it is still relevant.
    subject_key = models.CharField(max_length=80)
    due_on = models.DateField()
    dedupe_key = models.CharField(max_length=200, unique=True)
    context = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    # Fixed when the row is planned: every delivery attempt of this reminder carries the same Message-ID.
    message_id = models.CharField(max_length=200, blank=True, default="")
    emailed = models.BooleanField(default=False)
    skip_reason = models.CharField(max_length=200, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["recipient", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient} due {self.due_on}"


class Notification(models.Model):
    """An in-app notice; at most one per reminder (the unique reminder link makes delivery idempotent)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reminder = models.OneToOneField(Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    url = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
