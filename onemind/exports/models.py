"""A spreadsheet export too large to build during a request: written by the worker, downloaded by its requester."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Writing the file"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    RUNNING = (Status.QUEUED, Status.RUNNING)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The registered exporter (exports/registry.py) and the filters it was started with.
    kind = models.CharField(max_length=60)
    params = models.JSONField(default=dict)
    fmt = models.CharField(max_length=4, choices=Format.choices)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # The file under PRIVATE_FILES_DIR/exports/, and the name the download is offered under.
    stored_name = models.CharField(max_length=80, blank=True, default="")
    download_name = models.CharField(max_length=200, blank=True, default="")
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "created_at"]), models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_fmt_display()}, {self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, 100 * self.rows_done // self.rows_total)

    @property
    def percent_step(self) -> int:
        """The percentage rounded down to a multiple of 5, for the om-pct-N CSS classes."""
        return self.percent - self.percent % 5

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
