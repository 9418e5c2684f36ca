"""Import batches (one uploaded file, previewed, applied, maybe undone), their per-row changes, and mapping presets."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager


class ImportKind(models.TextChoices):
    ROSTER = "roster", "Full roster"
    UPDATE = "update", "Separations or transfers (update only)"
    TRAINING = "training", "Training records"


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        READ_QUEUED = "read_queued", "Reading the file"
        UPLOADED = "uploaded", "Uploaded: choose the columns"
        PREVIEW_QUEUED = "preview_queued", "Waiting to be checked"
        PREVIEWING = "previewing", "Checking rows"
        PREVIEWED = "previewed", "Preview ready"
        APPLY_QUEUED = "apply_queued", "Waiting to be applied"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed: nothing was changed"
        UNDONE = "undone", "Undone"
        UNDO_QUEUED = "undo_queued", "Waiting to be undone"
        UNDOING = "undoing", "Undoing"

    RUNNING = (
        Status.READ_QUEUED,
        Status.PREVIEW_QUEUED,
        Status.PREVIEWING,
        Status.APPLY_QUEUED,
        Status.APPLYING,
        Status.UNDO_QUEUED,
        Status.UNDOING,
    )

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.PROTECT, related_name="import_batches")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=ImportKind.choices, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    file_name = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=100, help_text="File name under PRIVATE_FILES_DIR/imports.")
    file_size = models.PositiveIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True, default="")
    headers = models.JSONField(default=list, blank=True)
    # The first values of each column, read with the headers by the worker (the mapping page never parses the file).
    samples = models.JSONField(default=dict, blank=True)
    mapping = models.JSONField(default=dict, blank=True)  # {header: field or ""}
    options = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)  # {"create": n, "update": n, ...}
    preview_digest = models.CharField(max_length=64, blank=True, default="")
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=60, blank=True, default="")
    message = models.TextField(blank=True, default="")
    task_id = models.CharField(max_length=64, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # "host:pid" of the worker process running this batch, so a restarted worker can tell a dead run from a live one.
    worker = models.CharField(max_length=100, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.file_name}"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def percent_step(self) -> int:
        """The percentage rounded down to a multiple of 5, for the om-pct-N CSS classes."""
        return self.percent - self.percent % 5

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def error_count(self) -> int:
        return int(self.counts.get("error", 0))


class ImportChange(models.Model):
    """One row's outcome. Preview rows are replaced by applied rows, whose before-values let undo restore exactly."""

    class Action(models.TextChoices):
        CREATE = "create", "New"
        UPDATE = "update", "Update"
        SEPARATION = "separation", "Separation"
        SKIPPED = "skipped", "Skipped"
        ERROR = "error", "Error"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    row_number = models.PositiveIntegerField(null=True, blank=True, help_text="As the spreadsheet shows it.")
    action = models.CharField(max_length=12, choices=Action.choices)
    label = models.CharField(max_length=300, blank=True, default="")
    person = models.ForeignKey("roster.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    record = models.ForeignKey(
        "training.TrainingRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)  # {field: [before, after]}
    errors = models.JSONField(default=list, blank=True)  # [[column, value, reason], ...]
    matched_by = models.CharField(max_length=40, blank=True, default="", help_text="Which key found the person.")
    version_after = models.PositiveIntegerField(null=True, blank=True)
    applied = models.BooleanField(default=False)

    objects = ScopedManager(agency="batch__agency")

    class Meta:
        ordering = ["batch", "row_number", "id"]
        indexes = [models.Index(fields=["batch", "action", "row_number"])]

    def __str__(self) -> str:
        return f"Row {self.row_number}: {self.get_action_display()}"


class MappingPreset(models.Model):
    """The last mapping an agency used for files with the same set of headers."""

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    signature = models.CharField(max_length=32)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    options = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "signature"], name="mapping_preset_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} mapping {self.signature[:8]}"
