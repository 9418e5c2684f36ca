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
