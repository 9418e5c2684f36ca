"""Course types (campaign reference data) and each person's training records."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from onemind.lib.dates import add_months


class CourseType(models.Model):
    """A kind of course. Codes of RULES.md (MHFA-PS, CIT-40, …) plus equivalents campaign staff approve."""

    class Family(models.TextChoices):
        MHFA = "mhfa", "Mental Health First Aid"
        MHFA_RECERT = "mhfa_recert", "MHFA recertification"
        CIT = "cit", "Crisis Intervention Team (40-hour or equivalent)"
        CIT_DISPATCH = "cit_dispatch", "CIT for call-takers/dispatchers"
        OTHER = "other", "Other (not qualifying)"

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    family = models.CharField(max_length=20, choices=Family.choices)
    default_hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    valid_months = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Blank: never expires.")
    # An agency- or state-specific course accepted in place of a standard one, with its syllabus as evidence.
    is_equivalent = models.BooleanField(default=False)
    approved = models.BooleanField(default=True, help_text="Only approved course types count for compliance.")
    syllabus_note = models.TextField(blank=True, default="")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["family", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class TrainingFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    BLENDED = "blended", "Blended"
    VIRTUAL = "virtual", "Virtual"


class TrainingRecord(models.Model):
    """One person's completion of one course."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        PENDING = "pending", "Pending the agency's acceptance"
        REJECTED = "rejected", "Rejected"

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        CLASS = "class", "Entered with a class"
        IMPORT = "import", "Imported"
        COURSE = "course", "From a course provider's attendance"
        SELF = "self", "Uploaded by the officer"
        API = "api", "Sent through the API"

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.PROTECT, related_name="training_records")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="training_records")
    course_type = models.ForeignKey(CourseType, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    provider = models.CharField(max_length=200, blank=True, default="")
    instructor = models.CharField(max_length=200, blank=True, default="")
    format = models.CharField(max_length=12, choices=TrainingFormat.choices, blank=True, default="")
    certificate_number = models.CharField(max_length=80, blank=True, default="")
    # Name of the stored evidence file under PRIVATE_FILES_DIR; never a public URL.
    certificate_file = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    rejection_reason = models.CharField(max_length=300, blank=True, default="")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    import_batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-completed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "course_type", "completed_on"], name="training_one_record_per_course_and_day"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "completed_on"]),
            models.Index(fields=["person", "completed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.course_type.code} on {self.completed_on}"

    @property
    def nominal_expiry(self) -> dt.date | None:
        """Expiry of this record alone; renewal by recertification is the compliance engine's job."""
        months = self.course_type.valid_months
        return add_months(self.completed_on, months) if months else None
