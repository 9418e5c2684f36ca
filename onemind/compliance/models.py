"""Cached history figures: the engine's numbers for one agency on one past date, valid for one data fingerprint."""

from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager


class ComplianceSnapshot(models.Model):
    """Figures of one agency on one date, computed from records whose fingerprint was ``stamp``.

    A pure cache: the dashboard recomputes and replaces a snapshot whenever the agency's records (or the rules)
    no longer match the stamp, so deleting every row is always safe.
    """

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    on = models.DateField()
    stamp = models.CharField(max_length=64)
    figures = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "on"], name="compliance_snapshot_one_per_day")]

    def __str__(self) -> str:
        return f"Snapshot of agency {self.agency_id} on {self.on}"


class DataVersion(models.Model):
    """A counter bumped on every write to an agency's roster or training records (see signals.py).

    Cached dashboards are keyed by it, so reading it is one primary-key lookup instead of aggregating a
    36,000-person roster. Bulk writes that bypass model signals (bulk_create, queryset.update, raw SQL) must call
    ``bump_data_version``; cached dashboards also expire on their own after a few minutes as a backstop.
    """

    agency = models.OneToOneField("tenancy.Agency", on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Data version {self.version} of agency {self.agency_id}"


class RulesVersion(models.Model):
    """One counter for every agency, bumped when rule editions or the course catalog change (signals.py).

    Together with an agency's DataVersion and its current pledge it makes the dashboard's cache key, read in a
    single query (stamp.py).
    """

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Rules version {self.version}"


class DashboardPage(models.Model):
    """The rendered body of one agency's dashboard, shared by every web process (a second-level cache).

    Written by the web process that computed it or by the worker after a write (tasks.py); ``key`` holds the data
    stamp, so a page is found only while the data it shows is unchanged. A pure cache: deleting rows is safe.
    """

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255, unique=True)
    stamp = models.CharField(max_length=255)
    html = models.TextField()
    stored_at = models.DateTimeField()

    objects = ScopedManager(agency="agency")

    def __str__(self) -> str:
        return f"Dashboard page of agency {self.agency_id}"
