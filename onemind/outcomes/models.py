"""Monthly crisis-response figures per agency (aggregates only: no call, no person, no health detail).

``OutcomeMonth`` holds one agency's figures for one calendar month; a month is either collected (each figure a
count, blank = not reported) or marked not collected (distinct from zero). ``OutcomeImport`` is one file brought
in (monthly aggregates, or a call-level export reduced to monthly counts before anything is saved), with the
figures it would write and, once applied, the figures it replaced, so it can be undone. ``ExportMapping``
remembers how an agency's export values map onto the figures.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from onemind.outcomes.fields import FIELD_NAMES, FIELDS


class OutcomeMonth(models.Model):
    class Status(models.TextChoices):
        COLLECTED = "collected", "Collected"
        NOT_COLLECTED = "not_collected", "Not collected"

    class Source(models.TextChoices):
        FORM = "form", "Entered by hand"
        AGGREGATES = "aggregates", "Monthly figures file"
        CALL_EXPORT = "call_export", "Aggregated from a call export"

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="outcome_months")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    month = models.DateField(help_text="The first day of the month.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COLLECTED)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.FORM)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    mh_calls = models.PositiveIntegerField(null=True, blank=True)
    cit_requested = models.PositiveIntegerField(null=True, blank=True)
    cit_dispatched = models.PositiveIntegerField(null=True, blank=True)
    cit_arrived = models.PositiveIntegerField(null=True, blank=True)
    resolved_on_scene = models.PositiveIntegerField(null=True, blank=True)
    referred = models.PositiveIntegerField(null=True, blank=True)
    transported_voluntary = models.PositiveIntegerField(null=True, blank=True)
    involuntary_evaluation = models.PositiveIntegerField(null=True, blank=True)
    arrest = models.PositiveIntegerField(null=True, blank=True)
    disposition_other = models.PositiveIntegerField(null=True, blank=True)
    force_fbi = models.PositiveIntegerField(null=True, blank=True)
    force_any = models.PositiveIntegerField(null=True, blank=True)
    officer_injuries = models.PositiveIntegerField(null=True, blank=True)
    subject_injuries = models.PositiveIntegerField(null=True, blank=True)
    swat_callouts = models.PositiveIntegerField(null=True, blank=True)
    crisis_line_transfers = models.PositiveIntegerField(null=True, blank=True)
    co_responder = models.PositiveIntegerField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["agency", "month"], name="outcome_month_once_per_agency")]

    def __str__(self) -> str:
        return f"Outcomes {self.month:%Y-%m}"

    @property
    def collected(self) -> bool:
        return self.status == self.Status.COLLECTED

    def values(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in FIELD_NAMES}

    def cells(self) -> list[tuple[Any, int | None]]:
        return [(f, getattr(self, f.name)) for f in FIELDS]


class OutcomeImport(models.Model):
    class Kind(models.TextChoices):
        AGGREGATES = "aggregates", "Monthly figures (CSV or XLSX)"
        CALL_EXPORT = "call_export", "Call-level crisis-contact export (aggregated, calls not kept)"

    class Status(models.TextChoices):
        MAPPING = "mapping", "Waiting for the mapping to be confirmed"
        PREVIEW = "preview", "Preview"
        APPLIED = "applied", "Applied"
        UNDONE = "undone", "Undone"
        DISCARDED = "discarded", "Discarded"

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="outcome_imports")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    file_name = models.CharField(max_length=200)
    # Call exports only, between upload and the mapping's confirmation: the uploaded file's private name. It is
    # deleted as soon as the monthly figures are computed (or the import is discarded).
    pending_file = models.CharField(max_length=200, blank=True, default="")
    # The export's distinct values per mapped column, with how many contacts carry each (no call-level data).
    values_found = models.JSONField(default=dict, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    # {"YYYY-MM": {field: count|None}}: what apply writes.
    figures = models.JSONField(default=dict, blank=True)
    # {"YYYY-MM": {"status": ..., field: ...} | None}: what apply replaced (None = the month did not exist).
    replaced = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Outcome import {self.file_name}"


class ExportMapping(models.Model):
    """How one agency's call export maps onto the figures, remembered for its next file."""

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency"], name="outcome_export_mapping_once_per_agency")]

    def __str__(self) -> str:
        return "Call-export mapping"
