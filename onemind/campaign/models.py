"""Campaign administration data: announcements shown to agencies, syllabus evidence for approved equivalents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Announcement(models.Model):
    """A message from campaign staff. Untargeted, it is a banner on every agency's pages; with a target (states,
    status, deadline) it reaches only those agencies' administrators and coordinators, in the app and by e-mail,
    when staff send it."""

    class Audience(models.TextChoices):
        ALL = "", "Every agency"
        PLEDGED = "pledged", "Pledged, not recognized"
        NOT_PLEDGED = "not_pledged", "Administered, not pledged yet"
        RECOGNIZED = "recognized", "Recognized"

    title = models.CharField(max_length=200)
    body = models.TextField()
    published_on = models.DateField(default=timezone.localdate)
    expires_on = models.DateField(null=True, blank=True, help_text="Blank: shown until unpublished.")
    is_published = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    target_states = models.CharField(
        "US states", max_length=200, blank=True, default="", help_text="Two-letter codes, comma-separated. Blank: all."
    )
    target_status = models.CharField("status", max_length=20, choices=Audience.choices, blank=True, default="")
    target_deadline_days = models.PositiveSmallIntegerField(
        "deadline within (days)",
        null=True,
        blank=True,
        help_text="Only agencies whose pledge deadline falls within this many days from today (or has passed).",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.PositiveIntegerField(default=0, help_text="People it was sent to.")

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_targeted(self) -> bool:
        return bool(self.target_states or self.target_status or self.target_deadline_days is not None)


class ContactLogEntry(models.Model):
    """Campaign staff's record of a contact with an agency: calls, e-mails, meetings, notes."""

    class Kind(models.TextChoices):
        CALL = "call", "Phone call"
        EMAIL = "email", "E-mail"
        MEETING = "meeting", "Meeting"
        NOTE = "note", "Note"

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="contact_log")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    contacted_on = models.DateField(default=timezone.localdate)
    summary = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-contacted_on", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with agency {self.agency_id} on {self.contacted_on}"


class SyllabusEvidence(models.Model):
    """A syllabus file campaign staff relied on to approve a course type as an equivalent."""

    course_type = models.ForeignKey("training.CourseType", on_delete=models.CASCADE, related_name="syllabus_files")
    file = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"Syllabus for {self.course_type_id}"


class AgencyStanding(models.Model):
    """One pledged agency's figures on one date, as the compliance engine judged them: what the campaign dashboard
    and the public figures add up.

    Judging 18,000 agencies takes tens of seconds, so pages never evaluate on request: a background task stores a
    row per agency for each month-end (``current=False``, the history) and one "now" snapshot (``current=True``),
    and the pages read them with GROUP BY queries. No names, only counts. State, type and size class are copied
    from the agency so the grouping needs no join.
    """

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    on = models.DateField()
    current = models.BooleanField(default=False)
    status = models.CharField(max_length=20)
    state = models.CharField(max_length=2, blank=True, default="")
    agency_type = models.CharField(max_length=20, default="other")
    size_class = models.CharField(max_length=8)
    sworn = models.PositiveIntegerField(default=0)
    pledged_on = models.DateField()
    deadline = models.DateField(null=True)
    s1_met = models.BooleanField(default=False)
    s2_met = models.BooleanField(default=False)
    s3_met = models.BooleanField(default=False)
    s4_met = models.BooleanField(default=False)
    strategies_met = models.PositiveSmallIntegerField(default=0)
    submitted = models.BooleanField(default=False, help_text="A strategy awaits campaign review on this date.")
    recognized = models.BooleanField(default=False)
    mhfa_trained = models.PositiveIntegerField(default=0, help_text="People with a current MHFA certificate.")
    cit_trained = models.PositiveIntegerField(default=0, help_text="People with current CIT training.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "on", "current"], name="standing_one_per_agency_and_date")
        ]
        indexes = [
            models.Index(fields=["current", "on", "state"]),
            models.Index(fields=["current", "deadline"]),
        ]

    def __str__(self) -> str:
        return f"Standing of agency {self.agency_id} on {self.on}"


class FiguresRefresh(models.Model):
    """One run of the campaign-figures refresh: when the stored standings were last brought up to date."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    on = models.DateField(default=timezone.localdate)
    months = models.PositiveSmallIntegerField(default=1)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    agencies = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Figures refresh of {self.on} ({self.status})"


class StandingRollup(models.Model):
    """The month-end history of ``AgencyStanding`` added up per (month-end, state, type, size class, status,
    submitted, recognized): what the dashboard's history table reads.

    Summing ~430,000 agency rows (18,000 agencies × 24 month-ends) took ~240 ms a request; these groups are a few
    thousand per month-end and give the same counts for every filter, because every filter and category is a
    condition on one of the key columns. The refresh rewrites a month-end's groups with its agency rows
    (``standings.store_rollup``); rows changed any other way are summed again only when that month-end is.
    """

    on = models.DateField()
    state = models.CharField(max_length=2, blank=True, default="")
    agency_type = models.CharField(max_length=20, default="other")
    size_class = models.CharField(max_length=8)
    status = models.CharField(max_length=20)
    submitted = models.BooleanField(default=False)
    recognized = models.BooleanField(default=False)
    agencies = models.PositiveIntegerField(default=0)
    mhfa_trained = models.PositiveIntegerField(default=0)
    cit_trained = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["on", "state", "agency_type", "size_class", "status", "submitted", "recognized"],
                name="rollup_one_per_group",
            )
        ]
        indexes = [models.Index(fields=["state", "on"], name="rollup_state_on")]

    def __str__(self) -> str:
        return f"{self.agencies} agencies on {self.on}"
