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
