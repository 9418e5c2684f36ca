"""CSV/XLSX downloads of the campaign administration lists (editions, course types, resources, announcements)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.campaign.models import Announcement
from onemind.lib.spreadsheet import export_response
from onemind.pledges.models import RuleEdition
from onemind.public.models import Resource
from onemind.tenancy.access import AuthenticatedRequest, campaign_view
from onemind.tenancy.roles import CAMPAIGN_MANAGE
from onemind.training.models import CourseType

Rows = Callable[[], Iterable[Sequence[Any]]]


def _editions() -> Iterable[Sequence[Any]]:
    with scopes_disabled():
        rows = list(RuleEdition.objects.annotate(pledge_count=Count("pledges")).order_by("code"))
    for e in rows:
        yield (e.code, e.name, e.min_months, e.max_months, e.s3_target_percent, e.s4_target_percent,
               e.mhfa_valid_months, e.cit_valid_months, e.pledge_count)  # fmt: skip


def _course_types() -> Iterable[Sequence[Any]]:
    for c in CourseType.objects.order_by("family", "code"):
        yield (c.code, c.name, c.get_family_display(), c.default_hours, c.valid_months, c.is_equivalent, c.approved)


def _resources() -> Iterable[Sequence[Any]]:
    for r in Resource.objects.all():
        yield (r.title, r.url, r.description, r.position, r.is_published)


def _announcements() -> Iterable[Sequence[Any]]:
    for a in Announcement.objects.all():
        yield (a.title, a.published_on, a.expires_on, a.is_published, a.body)


LISTS: dict[str, tuple[Sequence[str], Rows]] = {
    "editions": (
        (
            "Code",
            "Name",
            "Shortest months",
            "Longest months",
            "MHFA target %",
            "CIT target %",
            "MHFA valid months",
            "CIT valid months",
            "Pledges",
        ),  # fmt: skip
        _editions,
    ),
    "course-types": (
        ("Code", "Name", "Family", "Default hours", "Valid months", "Equivalent", "Approved"),
        _course_types,
    ),
    "resources": (("Title", "URL", "Description", "Position", "Published"), _resources),
    "announcements": (("Title", "Published on", "Expires on", "Published", "Text"), _announcements),
}


@campaign_view(CAMPAIGN_MANAGE)
def export_list(request: AuthenticatedRequest, name: str, fmt: str) -> HttpResponse:
    headers, rows = LISTS[name]
    filename = f"campaign-{name}-{timezone.localdate():%Y-%m-%d}"
    return export_response(filename, headers, (_yes(row) for row in rows()), fmt)  # type: ignore[return-value]


def _yes(row: Sequence[Any]) -> list[Any]:
    return [("yes" if v else "no") if isinstance(v, bool) else v for v in row]
