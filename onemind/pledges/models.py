from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from onemind.lib.dates import add_months


class RuleEdition(models.Model):
    """A version of the campaign's rules. Every number the engine uses is a field here, editable by staff.

    New editions never change how old pledges were judged: a pledge keeps the edition it was made under.
    """

    class PartnerScope(models.TextChoices):
        MENTAL_HEALTH = "mental_health", "Community mental health organization"
        HEALTH = "health", "Community health organization"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    summary = models.TextField(blank=True, default="")
    is_default = models.BooleanField(default=False)
    min_months = models.PositiveSmallIntegerField(default=12)
    max_months = models.PositiveSmallIntegerField(default=36)
    partner_scope = models.CharField(max_length=20, choices=PartnerScope.choices, default=PartnerScope.MENTAL_HEALTH)
    policy_covers_idd = models.BooleanField(
        "policy scope includes intellectual/developmental disabilities", default=False
    )
    s3_accepts_cit = models.BooleanField("strategy 3 accepts CIT as well as MHFA", default=False)
    s4_counts_designated = models.BooleanField("strategy 4 also counts designated non-sworn staff", default=True)
    s3_target_percent = models.PositiveSmallIntegerField(default=100, validators=[MaxValueValidator(100)])
    s4_target_percent = models.PositiveSmallIntegerField(default=20, validators=[MaxValueValidator(100)])
    mhfa_valid_months = models.PositiveSmallIntegerField(default=36)
    cit_valid_months = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Blank: CIT never expires.")
    new_hire_grace_days = models.PositiveSmallIntegerField(default=0)
    at_risk_time_percent = models.PositiveSmallIntegerField(default=20, validators=[MaxValueValidator(100)])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Pledge(models.Model):
    """The signed One Mind pledge. Immutable once signed: a correction is a new pledge that supersedes it.

    The agency corrects only the signatory's details; edition, committed months and pledge date change only by
    campaign staff, with a reason the agency sees.
    """

    class Change(models.TextChoices):
        SIGNED = "signed", "Signed by the agency"
        SIGNATORY = "signatory", "Signatory's details corrected by the agency"
        TERMS = "terms", "Terms changed by campaign staff"

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.PROTECT, related_name="pledges")
    edition = models.ForeignKey(RuleEdition, on_delete=models.PROTECT, related_name="pledges")
    # Bounded by the edition's min_months and max_months (checked where a pledge is signed or changed).
    committed_months = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    pledged_on = models.DateField()
    sworn_count = models.PositiveIntegerField()
    nonsworn_count = models.PositiveIntegerField()
    head_name = models.CharField("agency head's full name", max_length=150)
    head_title = models.CharField("agency head's title", max_length=100)
    consent_text = models.TextField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)
    signer_ip = models.GenericIPAddressField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True, default="")
    change = models.CharField(max_length=20, choices=Change.choices, default=Change.SIGNED)
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"], condition=models.Q(superseded_at__isnull=True), name="one_current_pledge"
            ),
            models.CheckConstraint(condition=models.Q(committed_months__gte=1), name="pledge_months_positive"),
        ]

    def __str__(self) -> str:
        return f"Pledge of {self.agency} on {self.pledged_on:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not getattr(self, "_superseding", False):
            raise ValidationError("A signed pledge cannot be changed; sign a correction that supersedes it.")
        super().save(*args, **kwargs)

    @property
    def deadline(self) -> dt.date:
        return add_months(self.pledged_on, self.committed_months)

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
