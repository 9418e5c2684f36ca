"""Strategy 1: partner organizations, written agreements with both sides' liaisons, and the joint-activities log."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from onemind.engine import rules as engine_rules
from onemind.lib.dates import add_months


class PartnerKind(models.TextChoices):
    # Slugs are the engine's (engine_rules.HEALTH_PARTNER_KINDS), so what staff accept is what the engine counts.
    CMHC = "cmhc", "Community mental health center"
    CCBHC = "ccbhc", "Certified community behavioral health clinic (CCBHC)"
    MOBILE_CRISIS = "mobile_crisis", "Mobile crisis team"
    CRISIS_LINE_988 = "crisis_line_988", "988 / crisis line"
    CRISIS_STABILIZATION = "crisis_stabilization", "Crisis stabilization unit"
    BEHAVIORAL_HEALTH_HOSPITAL = "behavioral_health_hospital", "Behavioral-health hospital"
    NAMI_AFFILIATE = "nami_affiliate", "NAMI affiliate"
    OTHER_APPROVED = "other_approved", "Other approved mental health organization"
    COMMUNITY_HEALTH = "community_health_organization", "Community health organization (2019 edition)"


assert {c.value for c in PartnerKind} == set(engine_rules.HEALTH_PARTNER_KINDS)  # noqa: S101 - fail at import


class PartnerOrganization(models.Model):
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="partner_organizations")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=PartnerKind.choices)
    street = models.CharField("street address", max_length=200, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    state = models.CharField(max_length=2, blank=True, default="")
    postal_code = models.CharField(max_length=10, blank=True, default="")
    contact_name = models.CharField(max_length=150, blank=True, default="")
    contact_email = models.EmailField(blank=True, default="")
    contact_phone = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    """One written agreement (MOU / MOA / letter of agreement) with one partner organization."""

    class AgreementType(models.TextChoices):
        MOU = "mou", "Memorandum of understanding (MOU)"
        MOA = "moa", "Memorandum of agreement (MOA)"
        LETTER = "letter", "Letter of agreement"

    class PartnerStatus(models.TextChoices):
        PENDING = "pending", "Awaiting the partner's confirmation"
        CONFIRMED = "confirmed", "Confirmed by the partner"
        DISPUTED = "disputed", "Disputed by the partner"

    class ResponseModel(models.TextChoices):
        NONE = "", "None recorded"
        CIT = "cit", "CIT"
        CO_RESPONDER = "co_responder", "Co-responder"
        MOBILE_CRISIS = "mobile_crisis", "Mobile crisis"

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="partnerships")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(PartnerOrganization, on_delete=models.PROTECT, related_name="partnerships")
    agreement_type = models.CharField(max_length=10, choices=AgreementType.choices, default=AgreementType.MOU)
    title = models.CharField(max_length=200, blank=True, default="")
    agency_signed_on = models.DateField("signed by the agency on", null=True, blank=True)
    partner_signed_on = models.DateField("signed by the partner on", null=True, blank=True)
    effective_on = models.DateField("effective from")
    ends_on = models.DateField("last day in force", null=True, blank=True, help_text="Blank: open-ended.")
    agency_liaison_name = models.CharField("agency liaison", max_length=150, blank=True, default="")
    agency_liaison_email = models.EmailField(blank=True, default="")
    partner_liaison_name = models.CharField("partner liaison", max_length=150, blank=True, default="")
    partner_liaison_email = models.EmailField(blank=True, default="")
    # Stored names under PRIVATE_FILES_DIR (lib/uploads); never public URLs.
    document = models.CharField(max_length=200, blank=True, default="")
    countersigned_document = models.CharField(max_length=200, blank=True, default="")
    partner_status = models.CharField(max_length=10, choices=PartnerStatus.choices, default=PartnerStatus.PENDING)
    partner_note = models.TextField(blank=True, default="")
    partner_answered_at = models.DateTimeField(null=True, blank=True)
    # Sustainability checklist (RULES.md): scored and shown, never required.
    info_sharing_agreement = models.BooleanField("information-sharing agreement in place", default=False)
    meeting_cadence = models.CharField(
        max_length=100, blank=True, default="", help_text="e.g. monthly case review; blank if none."
    )
    joint_training = models.BooleanField("joint training", default=False)
    response_model = models.CharField(max_length=20, choices=ResponseModel.choices, blank=True, default="")
    designated_receiving_facility = models.BooleanField("designated receiving facility", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-effective_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_agreement_type_display()} with {self.organization.name}"

    @property
    def has_document(self) -> bool:
        return bool(self.document or self.countersigned_document)

    @property
    def disputed(self) -> bool:
        return self.partner_status == self.PartnerStatus.DISPUTED


class PartnershipLiaison(models.Model):
    """Which partnership a partner-liaison account may see: the only thing that role can open."""

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="liaison_links")
    # The address the liaison was invited at (shown to the agency). Access is bound to `user` only: set when the link
    # names an existing liaison member, or when someone accepts `invitation` with its own token; never by matching
    # an account's e-mail address, which its owner can change.
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invitation = models.ForeignKey(
        "accounts.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "email"], name="partnership_liaison_unique")]

    def __str__(self) -> str:
        return f"{self.email} for {self.partnership_id}"


class JointActivity(models.Model):
    class Kind(models.TextChoices):
        TRAINING = "training", "Joint training"
        CASE_REVIEW = "case_review", "Case review"
        CO_RESPONDER = "co_responder", "Co-responder shift"
        MEETING = "meeting", "Meeting"
        OTHER = "other", "Other"

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField()
    description = models.CharField(max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name_plural = "joint activities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


def recent_activity_cutoff(on: dt.date) -> dt.date:
    """'Last joint activity within 6 months' of RULES.md."""
    return add_months(on, -6)
