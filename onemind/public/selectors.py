"""Public, cross-agency reads. They bypass the tenant scope on purpose and return only public facts."""

from __future__ import annotations

from django.db.models import QuerySet
from django_scopes import scopes_disabled

from onemind.pledges.models import Pledge
from onemind.tenancy.models import Agency


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
