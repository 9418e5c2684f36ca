"""Personnel of one agency, effective-dated so the roster on any past date can be rebuilt."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager


class PersonStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    LEAVE = "leave", "On leave"
    SEPARATED = "separated", "Separated"


class DesignatedPosition(models.Model):
    """A non-sworn position the agency puts in scope for MHFA and/or CIT (e.g. dispatcher/telecommunicator)."""

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="designated_positions")
    title = models.CharField(max_length=100, help_text="Matched against a person's rank/position, ignoring case.")
    for_mhfa = models.BooleanField("in scope for MHFA", default=True)
    for_cit = models.BooleanField("in scope for CIT", default=False)

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "title"], name="designated_position_unique")]

    def __str__(self) -> str:
        return self.title


class Person(models.Model):
    """One member of an agency's personnel. Officers need no account; `public_id` is what URLs show."""

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.PROTECT, related_name="personnel")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(max_length=100, blank=True, default="")
    last_name = models.CharField(max_length=100)
    employee_number = models.CharField(max_length=40, blank=True, default="")
    badge_number = models.CharField(max_length=40, blank=True, default="")
    sworn = models.BooleanField(default=True)
    rank = models.CharField("rank/position", max_length=100, blank=True, default="")
    unit = models.CharField(max_length=100, blank=True, default="")
    shift = models.CharField(max_length=50, blank=True, default="")
    district = models.CharField(max_length=100, blank=True, default="")
    hire_date = models.DateField(null=True, blank=True)
    separation_date = models.DateField(null=True, blank=True)
    separation_reason = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=12, choices=PersonStatus.choices, default=PersonStatus.ACTIVE)
    # Set from the agency's designated positions, or by hand for a one-off designation.
    designated_mhfa = models.BooleanField("designated for MHFA", default=False)
    designated_cit = models.BooleanField("designated for CIT", default=False)
    email = models.EmailField(blank=True, default="", help_text="Only to invite the officer to see their record.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="personnel_records"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking for API and concurrent edits: incremented by every service write.
    version = models.PositiveIntegerField(default=1)
    # When the retention period erased this separated person's identifying data (ops/retention.py).
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "employee_number"],
                condition=~models.Q(employee_number=""),
                name="person_unique_employee_number",
            ),
            models.CheckConstraint(
                condition=models.Q(separation_date__isnull=True)
                | models.Q(hire_date__isnull=True)
                | models.Q(separation_date__gte=models.F("hire_date")),
                name="person_separation_after_hire",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "last_name", "first_name"]),
            models.Index(fields=["agency", "badge_number"]),
            models.Index(fields=["agency", "status", "sworn"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class PersonEvent(models.Model):
    """An effective-dated change to a person: hire, separation, transfer, sworn status, rehire.

    The roster on a past date is rebuilt from these rows, so compliance can be evaluated on any date.
    """

    class Kind(models.TextChoices):
        HIRED = "hired", "Hired"
        SEPARATED = "separated", "Separated"
        REHIRED = "rehired", "Rehired"
        TRANSFERRED = "transferred", "Transferred (unit/shift/district)"
        SWORN_CHANGED = "sworn_changed", "Sworn status changed"
        DESIGNATION_CHANGED = "designation_changed", "Designation changed"

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    effective_on = models.DateField()
    details = models.JSONField(default=dict, blank=True)  # e.g. {"unit": ["Patrol", "Traffic"]}
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    import_batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["effective_on", "id"]
        indexes = [models.Index(fields=["agency", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.effective_on}"


class Exemption(models.Model):
    """An approved absence that removes a person from the denominator between start and end (inclusive)."""

    class Reason(models.TextChoices):
        LONG_TERM_LEAVE = "long_term_leave", "Long-term leave"
        MILITARY = "military", "Military deployment"
        LIGHT_DUTY = "light_duty", "Light duty"
        MEDICAL = "medical", "Medical leave"
        OTHER = "other", "Other"

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="exemptions")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=300, blank=True, default="")
    start = models.DateField()
    end = models.DateField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="exemption_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.start} – {self.end}"
