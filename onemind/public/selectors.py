"""Public, cross-agency reads. They bypass the tenant scope on purpose and return only public facts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum
from django_scopes import scopes_disabled

from onemind.pledges.models import Pledge
from onemind.tenancy.models import Agency


@dataclass(frozen=True)
class CampaignFigures:
    pledged: int
    recognized: int
    states: int
    sworn_covered: int


def campaign_figures() -> CampaignFigures:
    with scopes_disabled():
        current = Pledge.objects.filter(superseded_at__isnull=True)
        totals = current.aggregate(
            pledged=Count("id"), sworn=Sum("sworn_count"), states=Count("agency__state", distinct=True)
        )
    recognized = Agency.objects.filter(recognized_on__isnull=False).count()
    return CampaignFigures(
        pledged=totals["pledged"] or 0,
        recognized=recognized,
        states=totals["states"] or 0,
        sworn_covered=totals["sworn"] or 0,
    )


def pledged_agencies(*, state: str = "", agency_type: str = "") -> QuerySet[Pledge]:
    with scopes_disabled():
        pledges = Pledge.objects.filter(superseded_at__isnull=True).select_related("agency", "edition")
        if state:
            pledges = pledges.filter(agency__state=state)
        if agency_type:
            pledges = pledges.filter(agency__agency_type=agency_type)
        return pledges.order_by("agency__state", "agency__name")


def recognized_agencies(*, state: str = "", agency_type: str = "") -> QuerySet[Agency]:
    agencies = Agency.objects.filter(recognized_on__isnull=False)
    if state:
        agencies = agencies.filter(state=state)
    if agency_type:
        agencies = agencies.filter(agency_type=agency_type)
    return agencies.order_by("state", "name")


def pledged_states() -> list[str]:
    with scopes_disabled():
        return sorted(set(Pledge.objects.filter(superseded_at__isnull=True).values_list("agency__state", flat=True)))


def public_pledge(slug: str) -> Pledge | None:
    with scopes_disabled():
        return (
            Pledge.objects.filter(superseded_at__isnull=True, agency__slug=slug, agency__public_profile=True)
            .select_related("agency", "edition")
            .first()
        )
