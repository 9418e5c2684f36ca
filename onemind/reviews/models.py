"""Verification of the four strategies, the review thread, recognition and yearly re-attestation."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

STRATEGIES = {1: "Partnership", 2: "Policy", 3: "Mental Health First Aid", 4: "Crisis Intervention Team training"}

# No 0/O/1/I/L: a code read aloud or typed from paper is unambiguous. 16 symbols of 32 = 80 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


class Submission(models.Model):
    """The agency's claim that one strategy is done, with the engine's figures frozen on the submission date.

    One row per agency and strategy; a returned submission is resubmitted on the same row, and the thread of
    comments stays with it.
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Submitted, awaiting review"
        RETURNED = "returned", "Returned to the agency"
        VERIFIED = "verified", "Verified"

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="submissions")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    strategy = models.PositiveSmallIntegerField(choices=sorted(STRATEGIES.items()))
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    round = models.PositiveSmallIntegerField(default=1)
    submitted_on = models.DateField()
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The engine's StrategyResult on `submitted_on` (figures only for strategies 3-4: no personnel names).
    figures = models.JSONField(default=dict)
    # [{"kind": "partnership"|"policy_version"|"attachment", "id": ..., "label": ..., "file": stored name}]
    evidence = models.JSONField(default=list)
    note = models.TextField(blank=True, default="")
    attachment = models.CharField(max_length=200, blank=True, default="")
    # What the submission looked like when it was returned, so an unchanged resubmission can be refused.
    returned_fingerprint = models.CharField(max_length=64, blank=True, default="")
    returned_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    verified_on = models.DateField(null=True, blank=True)
    # The reviewer who has taken it; anyone may take it over, and the change is audited.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    # The engine's answer when the reviewer decided, and the reviewer's written reason for verifying a strategy the
    # engine judged not met (kept, and shown to staff and to the agency).
    engine_state_on_decision = models.CharField(max_length=20, blank=True, default="")
    engine_explanation_on_decision = models.TextField(blank=True, default="")
    override_reason = models.TextField(blank=True, default="")

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["submitted_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "strategy"], name="submission_one_per_strategy")]
        indexes = [models.Index(fields=["state", "submitted_at"])]

    def __str__(self) -> str:
        return f"Strategy {self.strategy} ({STRATEGIES[self.strategy]})"


class SubmissionComment(models.Model):
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_staff = models.BooleanField(default=False)
    round = models.PositiveSmallIntegerField(default=1)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on {self.submission_id} by {'staff' if self.from_staff else 'agency'}"


class Recognition(models.Model):
    """Campaign staff's recognition of a completed agency: the certificate and its public verification code."""

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="recognitions")
    code = models.CharField(max_length=19, unique=True, default=new_verification_code)
    recognized_on = models.DateField()
    recognized_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reattest_due_on = models.DateField()
    # Strategy number -> verified_on, as they stood at recognition.
    verified = models.JSONField(default=dict)
    # Revocation keeps the row: the public page for this code then says when it was revoked, never "not found".
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_on = models.DateField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Shown to the agency's members, never on the public page.
    revoke_reason = models.TextField(blank=True, default="")
    # The second staff member who confirmed, when the campaign asks for two (settings.RECOGNITION_SECOND_APPROVER).
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-recognized_on", "-pk"]
        constraints = [
            # At most one recognition in force per agency; revoked ones stay as history.
            models.UniqueConstraint(
                fields=["agency"], condition=models.Q(revoked_at__isnull=True), name="recognition_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"Recognition of {self.agency} on {self.recognized_on}"


class RecognitionProposal(models.Model):
    """A staff member's proposal to recognize an agency, waiting for a second staff member's confirmation."""

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency"], condition=models.Q(closed_at__isnull=True), name="recognition_one_open_proposal"
            )
        ]

    def __str__(self) -> str:
        return f"Recognition of {self.agency_id} proposed by {self.proposed_by_id}"


class Reattestation(models.Model):
    """The yearly statement of a recognized agency that the four strategies are still in place."""

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    recognition = models.ForeignKey(Recognition, on_delete=models.CASCADE, related_name="reattestations")
    attested_on = models.DateField()
    attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    figures = models.JSONField(default=dict)
    statement = models.TextField(blank=True, default="")

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-attested_on", "-pk"]

    def __str__(self) -> str:
        return f"Re-attestation on {self.attested_on}"
