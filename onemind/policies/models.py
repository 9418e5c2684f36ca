"""Strategy 2: the agency's policy documents, their adopted versions and the model-policy checklist."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from onemind.engine.rules import POLICY_ELEMENT_LABELS

# The engine's element slugs (engine_rules.POLICY_ELEMENT_LABELS), in the model policy's order.
ELEMENT_CHOICES = [(slug, label[0].upper() + label[1:]) for slug, label in POLICY_ELEMENT_LABELS.items()]


class PolicyDocument(models.Model):
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="policy_documents")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    reference = models.CharField("policy number", max_length=50, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    """One adopted version of a policy document, with its file and checklist."""

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=40, help_text="e.g. 2026-1 or Rev. 3")
    adopted_on = models.DateField()
    effective_on = models.DateField()
    signing_authority = models.CharField(max_length=150, help_text="Name and title of whoever signed it.")
    # Stored name under PRIVATE_FILES_DIR (lib/uploads).
    file = models.CharField(max_length=200, blank=True, default="")
    acknowledged_count = models.PositiveIntegerField(
        "personnel who signed it", null=True, blank=True, help_text="Optional: how many personnel acknowledged it."
    )
    personnel_count = models.PositiveIntegerField("personnel asked to sign", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-effective_on", "-adopted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.document.title} ({self.version})"

    @property
    def acknowledgement_percent(self) -> int | None:
        if not self.personnel_count or self.acknowledged_count is None:
            return None
        return min(100, 100 * self.acknowledged_count // self.personnel_count)


class PolicyElement(models.Model):
    """One model-policy element on one version's checklist: covered, partial or missing, and where."""

    class Coverage(models.TextChoices):
        COVERED = "covered", "Covered"
        PARTIAL = "partial", "Partially covered"
        MISSING = "missing", "Missing"

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="elements")
    element = models.CharField(max_length=40, choices=ELEMENT_CHOICES)
    coverage = models.CharField(max_length=10, choices=Coverage.choices, default=Coverage.MISSING)
    section = models.CharField("page or section", max_length=100, blank=True, default="")

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "element"], name="policy_element_once")]

    def __str__(self) -> str:
        return f"{self.element}: {self.coverage}"
