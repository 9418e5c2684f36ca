"""Reads: the public course finder, a provider's sessions and registrants, an agency's registrations.

``public_sessions(filters)`` is the one query behind the finder, the feeds and the API: scheduled sessions that have
not started, with ``confirmed_count`` and ``waitlist_count`` annotated and ``seats_left`` derivable.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.courses.geo import Point, bounding_box, county_centre, haversine_miles, locate
from onemind.courses.models import CourseProvider, CourseSession, ProviderMember, Registration
from onemind.lib.query import BadQueryValue, int_or_none, parse_date
from onemind.tenancy.models import Agency, Membership
from onemind.tenancy.roles import Role
from onemind.training.models import TrainingFormat

RADIUS_CHOICES = (25, 50, 100, 200, 500)
DEFAULT_RADIUS = 100
MAX_RESULTS = 500


@dataclass
class SessionFilters:
    course: str = ""
    state: str = ""
    format: str = ""
    provider: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    seats_left: bool = False
    origin: Point | None = None
    radius: int = DEFAULT_RADIUS
    sort: str = "date"
    include_cancelled: bool = False
    errors: list[str] = field(default_factory=list)


def parse_filters(params: Mapping[str, str], *, user: Any = None) -> SessionFilters:
    """The finder's query string as filters; unusable values are dropped with a sentence in ``errors``."""
    f = SessionFilters(
        course=params.get("type", "")[:30],
        state=params.get("state", "")[:2].upper(),
        format=params.get("format", "") if params.get("format", "") in TrainingFormat.values else "",
        provider=params.get("provider", "")[:80],
        seats_left=params.get("seats", "") in ("1", "on", "true"),
    )
    for key in ("from", "to"):
        try:
            value = parse_date(params.get(key, ""))
        except BadQueryValue as exc:
            f.errors.append(str(exc))
            value = None
        setattr(f, "date_from" if key == "from" else "date_to", value)
    radius = int_or_none(params.get("radius", ""), maximum=max(RADIUS_CHOICES))
    f.radius = radius if radius in RADIUS_CHOICES else DEFAULT_RADIUS
    f.origin = _origin(params, user, f.errors)
    f.sort = "distance" if params.get("sort") == "distance" and f.origin else "date"
    if params.get("sort") == "distance" and f.origin is None and not f.errors:
        f.errors.append("Sorting by distance needs a place or your agency: sorted by date instead.")
    return f


def _origin(params: Mapping[str, str], user: Any, errors: list[str]) -> Point | None:
    agency_slug = params.get("agency", "")
    if agency_slug:
        agency = user_agencies(user).filter(slug=agency_slug).first() if user is not None else None
        if agency is None:
            errors.append("Distance from an agency is for its signed-in members.")
            return None
        point = agency_point(agency)
        if point is None:
            errors.append(f"{agency.name} has no location on file: enter a ZIP code or “City, ST” instead.")
        return point
    place = params.get("near", "").strip()[:100]
    if not place:
        return None
    point = locate(place)
    if point is None:
        errors.append(f"“{place}” was not found: enter a US ZIP code or “City, ST”.")
    return point


def user_agencies(user: Any) -> QuerySet[Agency]:
    if user is None or not user.is_authenticated:
        return Agency.objects.none()
    # Agency staff only: partner liaisons and course providers hold memberships that are not agency staff.
    staff = Membership.objects.filter(user=user).exclude(role__in=[Role.COURSE_PROVIDER, Role.PARTNER_LIAISON])
    return Agency.objects.filter(pk__in=staff.values("agency_id"))


def agency_point(agency: Agency) -> Point | None:
    if agency.latitude is not None and agency.longitude is not None:
        return Point(agency.latitude, agency.longitude, agency.name)
    return county_centre(agency.county, agency.state)


def with_counts(sessions: QuerySet[CourseSession]) -> QuerySet[CourseSession]:
    return sessions.select_related("provider", "course_type").annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
        waitlist_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
    )


def public_sessions(filters: SessionFilters | Mapping[str, str]) -> QuerySet[CourseSession]:
    """Sessions open to the public that match ``filters``, soonest first; a place narrows to its bounding box."""
    f = filters if isinstance(filters, SessionFilters) else parse_filters(filters)
    statuses = [CourseSession.Status.SCHEDULED]
    if f.include_cancelled:
        statuses.append(CourseSession.Status.CANCELLED)
    sessions = with_counts(CourseSession.objects.filter(status__in=statuses, starts_at__gte=timezone.now()))
    if f.course:
        sessions = sessions.filter(course_type__code=f.course)
    if f.state:
        sessions = sessions.filter(state=f.state)
    if f.format:
        sessions = sessions.filter(format=f.format)
    if f.provider:
        sessions = sessions.filter(provider__slug=f.provider)
    if f.date_from:
        sessions = sessions.filter(starts_at__gte=_day_start(f.date_from))
    if f.date_to:
        sessions = sessions.filter(starts_at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    if f.seats_left:
        sessions = sessions.filter(seats__gt=F("confirmed_count"))
    if f.origin is not None:
        lat_min, lat_max, lon_min, lon_max = bounding_box((f.origin.latitude, f.origin.longitude), f.radius)
        sessions = sessions.filter(
            latitude__gte=lat_min, latitude__lte=lat_max, longitude__gte=lon_min, longitude__lte=lon_max
        )
    return sessions.order_by("starts_at", "id")


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Found:
    session: CourseSession
    miles: float | None

    @property
    def seats_left(self) -> int:
        return max(self.session.seats - getattr(self.session, "confirmed_count", 0), 0)


def find_sessions(f: SessionFilters) -> list[Found]:
    """The finder's list: within the radius when a place is given, sorted by distance or date."""
    found = []
    for session in public_sessions(f)[:MAX_RESULTS]:
        miles = None
        if f.origin is not None and session.latitude is not None and session.longitude is not None:
            miles = haversine_miles((f.origin.latitude, f.origin.longitude), (session.latitude, session.longitude))
            if miles > f.radius:
                continue
        found.append(Found(session, miles))
    if f.sort == "distance":
        found.sort(key=lambda item: (item.miles if item.miles is not None else 1e9, item.session.starts_at))
    return found


def session_by_public_id(public_id: uuid.UUID | str) -> CourseSession | None:
    return with_counts(CourseSession.objects.all()).filter(public_id=public_id).first()


def providers_of(user: Any) -> QuerySet[CourseProvider]:
    if not user.is_authenticated:
        return CourseProvider.objects.none()
    return CourseProvider.objects.filter(members__user=user).order_by("name")


def is_provider_member(user: Any, provider: CourseProvider) -> bool:
    return bool(user.is_authenticated and ProviderMember.objects.filter(user=user, provider=provider).exists())


def provider_sessions(providers: QuerySet[CourseProvider]) -> QuerySet[CourseSession]:
    return with_counts(CourseSession.objects.filter(provider__in=providers)).order_by("-starts_at", "id")


def registrants(session: CourseSession) -> list[tuple[Agency, list[Registration]]]:
    """The session's registrations grouped by agency, agencies by name; each group in seat/waitlist order."""
    with scopes_disabled():
        rows = list(
            Registration.objects.filter(session=session)
            .select_related("agency", "person", "training_record")
            .order_by("agency__name", "agency_id", "position", "id")
        )
    groups: dict[int, tuple[Agency, list[Registration]]] = {}
    for reg in rows:
        groups.setdefault(reg.agency_id, (reg.agency, []))[1].append(reg)
    return list(groups.values())


def agency_registrations(agency: Agency) -> QuerySet[Registration]:
    """The agency's registrations, upcoming sessions first (must run inside the agency's scope)."""
    return (
        Registration.objects.filter(agency=agency)
        .select_related("session", "session__course_type", "session__provider", "person", "training_record")
        .order_by("-session__starts_at", "session_id", "position", "id")
    )
