"""Course providers, the sessions they publish, and agencies' registrations for them.

A provider is an organization of its own (an MHFA instructor team, a CIT program), not an agency: its members act
on its sessions only. Registrations belong to the registering agency (tenant-scoped); the provider reads them across
agencies through its own pages, which disable the scope explicitly.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone as djtz
from django_scopes import ScopedManager

from onemind.training.models import TrainingFormat


class CourseProvider(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    contact_email = models.EmailField(blank=True, default="")
    website = models.URLField(blank=True, default="")
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProviderMember(models.Model):
    """A user who may publish and manage the provider's sessions."""

    provider = models.ForeignKey(CourseProvider, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_providers")
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "user"], name="provider_member_once")]

    def __str__(self) -> str:
        return f"{self.user} at {self.provider}"


def timezone_names() -> list[str]:
    """US time zones first (where nearly every session is), then the rest."""
    us = [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
        "America/Puerto_Rico",
    ]
    return us + sorted(zoneinfo.available_timezones() - set(us))


class CourseSession(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(CourseProvider, on_delete=models.PROTECT, related_name="sessions")
    course_type = models.ForeignKey("training.CourseType", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200, blank=True, default="")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The zone the session is held in: times are shown in it, whatever the reader's zone.
    timezone = models.CharField(max_length=64, default="America/New_York")
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    format = models.CharField(max_length=12, choices=TrainingFormat.choices, default=TrainingFormat.IN_PERSON)
    address = models.CharField(max_length=300, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    state = models.CharField(max_length=2, blank=True, default="", db_index=True)
    zip_code = models.CharField("ZIP code", max_length=10, blank=True, default="")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    seats = models.PositiveIntegerField()
    registration_deadline = models.DateTimeField()
    cost = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    contact = models.CharField(max_length=200, blank=True, default="")
    notes = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.CharField(max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=djtz.now)
    # Calendar files carry both, so a calendar that imported the session replaces its event when it changes.
    sequence = models.PositiveIntegerField(default=0, help_text="One more at every change (iCalendar SEQUENCE).")
    updated_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(seats__gt=0), name="course_session_seats_positive"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="course_session_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["latitude", "longitude"]),
        ]

    def __str__(self) -> str:
        return f"{self.course_type.code} {self.starts_local:%Y-%m-%d} ({self.provider})"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def starts_local(self) -> dt.datetime:
        return djtz.localtime(self.starts_at, self.zone)

    @property
    def ends_local(self) -> dt.datetime:
        return djtz.localtime(self.ends_at, self.zone)

    @property
    def deadline_local(self) -> dt.datetime:
        return djtz.localtime(self.registration_deadline, self.zone)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def place(self) -> str:
        if self.format == TrainingFormat.VIRTUAL and not self.city:
            return "Online"
        return ", ".join(p for p in (self.city, self.state) if p)

    @property
    def when_label(self) -> str:
        """The dates and times as registrants read them, in the session's own zone, naming the zone."""
        return f"{self.starts_local:%Y-%m-%d %H:%M} to {self.ends_local:%Y-%m-%d %H:%M} ({self.timezone})"

    @property
    def where_label(self) -> str:
        town = f"{self.place} {self.zip_code}".strip()
        return ", ".join(p for p in (self.address, town) if p) or "Online"

    def clean(self) -> None:
        """Every rule a session must satisfy; the form, the services and any API share it."""
        errors: dict[str, str] = {}
        try:
            zoneinfo.ZoneInfo(self.timezone or "")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = "Choose a time zone such as America/Chicago."
        for name in ("starts_at", "ends_at", "registration_deadline"):
            value = getattr(self, name)
            if value is not None and djtz.is_naive(value):
                errors[name] = "Give the time with its time zone."
        if self.seats is not None and self.seats <= 0:
            errors["seats"] = "A session needs at least one seat."
        if self.hours is not None and not 0 < self.hours <= 200:
            errors["hours"] = "Hours must be more than 0 and at most 200."
        if self.cost is not None and self.cost < 0:
            errors["cost"] = "The cost cannot be negative."
        aware = not {"starts_at", "ends_at", "registration_deadline"} & errors.keys()
        if aware and self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        if aware and self.starts_at and self.registration_deadline and self.registration_deadline > self.starts_at:
            errors["registration_deadline"] = "Registration must close before the session starts."
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = "Give both latitude and longitude, or neither."
        elif (
            self.latitude is not None
            and self.longitude is not None
            and not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180)
        ):
            errors["latitude"] = "Latitude must be between -90 and 90 and longitude between -180 and 180."
        if self.format != TrainingFormat.VIRTUAL and not (self.city and self.state):
            errors["city"] = "Give the city and state of an in-person or blended session."
        if errors:
            raise ValidationError(errors)


class Registration(models.Model):
    """One person of one agency on one session: a held seat, a waitlist place, or a cancelled request."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Seat held"
        WAITLISTED = "waitlisted", "Waitlisted"
        CANCELLED = "cancelled", "Cancelled"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(CourseSession, on_delete=models.PROTECT, related_name="registrations")
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.PROTECT, related_name="course_registrations")
    person = models.ForeignKey("roster.Person", on_delete=models.PROTECT, related_name="course_registrations")
    status = models.CharField(max_length=10, choices=Status.choices)
    # Waitlisted people are promoted by (position, id): the order they asked in.
    position = models.PositiveIntegerField(default=0)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=djtz.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    completed = models.BooleanField(null=True, blank=True)
    certificate_number = models.CharField(max_length=80, blank=True, default="")
    # The pending record attendance created; set once, so attendance never sends a record twice.
    training_record = models.OneToOneField(
        "training.TrainingRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="registration"
    )

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=~models.Q(status="cancelled"),
                name="registration_one_active_per_person",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "position"]), models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"{self.person} on {self.session_id} ({self.status})"
