"""The one invalidation point: every write that can change an agency's figures ends with ``agency_changed``.

Services of the record apps (roster, training, partnerships, policies, pledges, reviews, imports, courses, the
agency profile) call it last, inside their transaction, so the bump commits or rolls back with the write. Nothing
else decides when figures are stale: there are no model signals and no expiry times. Readers that keep anything
derived from an agency's records key it by ``agency_version`` (the dashboard body) or compare against it (the
campaign's stored standings, ``AgencyVersion.figures_version``).

Writes that change every agency's figures at once (a rule edition, the course catalog) call ``agencies_changed()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F

from onemind.tenancy.models import Agency, AgencyVersion


def agency_changed(agency: Agency | int) -> None:
    """Record that ``agency``'s figures may have changed (call it last in the writing service's transaction)."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    if not AgencyVersion.objects.filter(agency_id=agency_id).update(version=F("version") + 1):
        _, created = AgencyVersion.objects.get_or_create(agency_id=agency_id, defaults={"version": 1})
        if not created:  # a concurrent first write made the row between our update and the insert
            AgencyVersion.objects.filter(agency_id=agency_id).update(version=F("version") + 1)


def agencies_changed(agency_ids: Iterable[int] | None = None) -> None:
    """``agency_changed`` for many agencies in two queries; ``None`` means every agency (rules changed)."""
    ids = None if agency_ids is None else sorted(set(agency_ids))
    if ids == []:
        return
    agencies = Agency.objects.all() if ids is None else Agency.objects.filter(pk__in=ids)
    missing = agencies.exclude(pk__in=AgencyVersion.objects.values("agency_id")).values_list("pk", flat=True)
    # Rows first (at 0), then one bump for all: a row a concurrent writer creates meanwhile is bumped too.
    AgencyVersion.objects.bulk_create(
        [AgencyVersion(agency_id=pk) for pk in missing], batch_size=2000, ignore_conflicts=True
    )
    versions = AgencyVersion.objects.all() if ids is None else AgencyVersion.objects.filter(agency_id__in=ids)
    versions.update(version=F("version") + 1)


def agency_version(agency: Agency | int) -> int:
    """The agency's current version (0 when it never changed): one primary-key read."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    found = AgencyVersion.objects.filter(agency_id=agency_id).values_list("version", flat=True).first()
    return found or 0
