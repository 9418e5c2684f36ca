from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from onemind.lib.agency_types import AGENCY_TYPES
from onemind.tenancy.roles import Role


class Agency(models.Model):
    """A law-enforcement agency: a directory entry, and the tenant once someone signs up for it."""

    class Source(models.TextChoices):
        DIRECTORY = "directory", "Imported agency directory"
        SIGNUP = "signup", "Created at sign-up"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    # Normalized ORI: 9 characters, legacy 7, or blank for agencies outside the US (see lib/ori.py).
    ori = models.CharField("ORI", max_length=9, blank=True, default="")
    ori7 = models.CharField(max_length=7, blank=True, default="", db_index=True, editable=False)
    agency_type = models.CharField(max_length=20, choices=AGENCY_TYPES, default="other")
    state = models.CharField(max_length=2, blank=True, default="", db_index=True)
    county = models.CharField(max_length=200, blank=True, default="")
    country = models.CharField(max_length=2, default="US")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    sworn_count = models.PositiveIntegerField(null=True, blank=True)
    nonsworn_count = models.PositiveIntegerField(null=True, blank=True)
    head_name = models.CharField("agency head", max_length=150, blank=True, default="")
    head_title = models.CharField(max_length=100, blank=True, default="")
    contact_name = models.CharField("point of contact", max_length=150, blank=True, default="")
    contact_email = models.EmailField(blank=True, default="")
    contact_phone = models.CharField(max_length=40, blank=True, default="")
    website = models.URLField(blank=True, default="")
    # The agency's own e-mail domain as campaign staff confirmed it: a claimant whose verified address is on it is
    # approved without waiting for staff (tenancy.claims).
    verified_email_domain = models.CharField(max_length=253, blank=True, default="")
    public_profile = models.BooleanField(
        default=False, help_text="Show a public page with this agency's progress on the pledged list."
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.DIRECTORY)
    # Set by campaign staff's recognition; the public recognized list reads it.
    recognized_on = models.DateField(null=True, blank=True, db_index=True)
    # Years after a separation date when the person's identifying data is erased (ops/retention.py); None: kept.
    personnel_retention_years = models.PositiveSmallIntegerField(
        "erase separated personnel after (years)",
        null=True,
        blank=True,
        default=7,
        help_text="Blank keeps separated personnel's names and numbers for good.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["ori"], condition=~models.Q(ori=""), name="agency_unique_ori"),
        ]
        indexes = [models.Index(fields=["state", "agency_type"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.state})" if self.state else self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.ori7 = self.ori[:7]
        if not self.slug:
            self.slug = unique_agency_slug(self.name, self.state)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def unique_agency_slug(name: str, state: str) -> str:
    base = slugify(f"{name} {state}")[:60] or "agency"
    slug = base
    while Agency.objects.filter(slug=slug).exists():
        slug = f"{base}-{uuid.uuid4().hex[:6]}"
    return slug


class Membership(models.Model):
    """A user's role in one agency; every agency permission derives from this row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="membership_one_role_per_agency")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.agency}"


class StaffAccessGrant(models.Model):
    """Campaign staff's explicit, reasoned and time-limited opening of one agency's personnel data."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="staff_grants")
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "agency", "expires_at"])]

    def __str__(self) -> str:
        return f"Staff access to {self.agency} until {self.expires_at:%Y-%m-%d %H:%M}"


class AccessRequest(models.Model):
    """Someone asked to join an agency that already has an administrator; the administrator decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="access_requests")
    message = models.CharField(max_length=500, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Access request to {self.agency} ({self.get_status_display()})"


class AgencyClaim(models.Model):
    """Someone asks to administer an agency: a first claim, or a dispute of the administration it has.

    Nothing is granted while it is pending; campaign staff decide (or an automatic check on the agency's verified
    e-mail domain approves a first claim), and approving a dispute transfers the administration.
    """

    class Kind(models.TextChoices):
        CLAIM = "claim", "Claim to administer"
        DISPUTE = "dispute", "Dispute of the current administration"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_claims")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CLAIM)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    job_title = models.CharField("your title", max_length=100)
    phone = models.CharField("work phone", max_length=40, blank=True, default="")
    head_name = models.CharField("agency head's name", max_length=150, blank=True, default="")
    statement = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Null with a decided claim: the automatic domain check approved it (decision_reason says so).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.agency} ({self.get_status_display()})"


class AgencyVersion(models.Model):
    """How many times an agency's figures may have changed: ``agency_changed`` (changes.py) bumps ``version`` at the
    end of every write that can change them, inside the writing transaction.

    A dashboard body may be kept under the version it was computed at; the campaign's stored standing of the agency
    records in ``figures_version`` the version it reflects, so the agencies whose standing lags are the rows with
    ``version > figures_version`` (a partial index keeps finding them cheap however many agencies there are).
    No row means the agency has not changed since its figures were last computed.
    """

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveBigIntegerField(default=0)
    figures_version = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["agency"],
                condition=models.Q(version__gt=models.F("figures_version")),
                name="agency_figures_lag",
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.version} of agency {self.agency_id}"
