"""Public course pages: the finder, a session's page, its .ics file and the iCalendar feeds."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from onemind.courses import ics, selectors
from onemind.courses.models import CourseProvider, CourseSession
from onemind.courses.services import registration_problem
from onemind.lib.downloads import as_download
from onemind.tenancy.models import Membership
from onemind.tenancy.roles import COURSES_REGISTER, permissions_for_role
from onemind.training.models import CourseType, TrainingFormat

FILTER_KEYS = ("type", "state", "format", "near", "agency", "radius", "from", "to", "seats", "sort", "provider")
FEED_LIMIT = 300


def _params(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "")[:100] for k in FILTER_KEYS}


def finder(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    filters = selectors.parse_filters(params, user=request.user)
    found = selectors.find_sessions(filters)
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    query = {k: v for k, v in params.items() if v}
    return render(
        request,
        "courses/finder.html",
        {
            "page": page,
            "count": len(found),
            "params": params,
            "filters": filters,
            "query_string": urlencode(query),
            "feed_query": urlencode({k: v for k, v in query.items() if k not in ("sort", "agency")}),
            "course_types": CourseType.objects.filter(approved=True).order_by("family", "code"),
            "formats": TrainingFormat.choices,
            "radii": selectors.RADIUS_CHOICES,
            "my_agencies": list(selectors.user_agencies(request.user).order_by("name")),
            "is_provider": selectors.providers_of(request.user).exists(),
        },
    )


def _register_agencies(request: HttpRequest) -> list[Membership]:
    """The agencies where the signed-in user may register people."""
    if not request.user.is_authenticated:
        return []
    memberships = Membership.objects.filter(user=request.user).select_related("agency").order_by("agency__name")
    return [m for m in memberships if COURSES_REGISTER in permissions_for_role(m.role)]


def session_page(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = selectors.session_by_public_id(session_id)
    if session is None:
        raise Http404("No such session")
    seats_left = max(session.seats - session.confirmed_count, 0)  # type: ignore[attr-defined]
    context = {
        "session": session,
        "seats_left": seats_left,
        "problem": registration_problem(session),
        "register_memberships": _register_agencies(request),
        "manages": selectors.is_provider_member(request.user, session.provider),
    }
    return render(request, "courses/session.html", context)


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    return as_download(response, filename)


def session_ics(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = get_object_or_404(CourseSession.objects.select_related("provider", "course_type"), public_id=session_id)
    name = f"{session.course_type.code} {session.starts_local:%Y-%m-%d}"
    filename = f"{session.course_type.code.lower()}-{session.starts_local:%Y-%m-%d}.ics"
    return _ics_response(ics.calendar([session], name), filename)


def feed(request: HttpRequest) -> HttpResponse:
    """The finder's filters as a subscribable calendar (cancellations stay in it so calendars update)."""
    filters = selectors.parse_filters(_params(request))
    filters.include_cancelled = True
    sessions = [found.session for found in selectors.find_sessions(filters)[:FEED_LIMIT]]
    return _ics_response(ics.calendar(sessions, "One Mind courses"), "onemind-courses.ics")


def provider_feed(request: HttpRequest, provider_slug: str) -> HttpResponse:
    provider = get_object_or_404(CourseProvider, slug=provider_slug)
    filters = selectors.SessionFilters(provider=provider.slug, include_cancelled=True)
    sessions = list(selectors.public_sessions(filters)[:FEED_LIMIT])
    return _ics_response(ics.calendar(sessions, f"{provider.name} courses"), f"{provider.slug}.ics")
