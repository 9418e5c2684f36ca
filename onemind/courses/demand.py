"""Seats needed, from the compliance engine's "what's left": per agency before its deadline, and by state.

The engine says how many more people each training strategy needs; a seat already held on an upcoming session
counts against that need, so the page shows what is still to find.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.compliance.selectors import agency_dashboard, evaluate_campaign
from onemind.courses.geo import Point, haversine_miles
from onemind.courses.models import CourseSession, Registration
from onemind.courses.selectors import Found, SessionFilters, agency_point, public_sessions
from onemind.engine import CIT, MHFA, AgencyResult, Status, StrategyResult
from onemind.pledges.models import Pledge
from onemind.tenancy.models import Agency
from onemind.training.models import CourseType

# (course-type family, what the line is called, what kind of course fills it)
LINES = (
    (CourseType.Family.MHFA, "MHFA for Public Safety (or an approved equivalent)", "MHFA-PS"),
    (CourseType.Family.MHFA_RECERT, "MHFA recertification before certificates expire", "MHFA-RECERT"),
    (CourseType.Family.CIT, "CIT 40-hour, CRIT-40 or an approved equivalent", "CIT-40"),
    (CourseType.Family.CIT_DISPATCH, "CIT for call-takers and dispatchers", "CIT-911"),
)
NEAREST = 3


@dataclass
class DemandLine:
    family: str
    label: str
    code: str
    needed: int
    held: int = 0
    waitlisted: int = 0
    sessions: list[Found] = field(default_factory=list)

    @property
    def still_needed(self) -> int:
        return max(self.needed - self.held, 0)


def _shortfall(strategy: StrategyResult, designated: bool) -> int:
    figure = strategy.designated if designated else strategy.sworn
    return figure.shortfall if figure is not None else 0


def needs_from(result: AgencyResult) -> dict[str, int]:
    """Seats needed per course-type family, from the engine's result (pure: no queries)."""
    mhfa, cit = result.strategy(MHFA), result.strategy(CIT)
    return {
        CourseType.Family.MHFA: _shortfall(mhfa, False) + _shortfall(mhfa, True),
        CourseType.Family.MHFA_RECERT: len(mhfa.expiring),
        CourseType.Family.CIT: _shortfall(cit, False),
        CourseType.Family.CIT_DISPATCH: _shortfall(cit, True),
    }


@dataclass
class AgencyDemand:
    result: AgencyResult
    lines: list[DemandLine]
    located: bool


def agency_demand(agency: Agency, today: dt.date | None = None) -> AgencyDemand:
    today = today or timezone.localdate()
    board = agency_dashboard(agency, today, today=today, show_names=False)
    needs = needs_from(board.result)
    held = _held(agency)
    origin = agency_point(agency)
    lines = []
    for family, label, code in LINES:
        line = DemandLine(family, label, code, needs[family], *held.get(family, (0, 0)))
        if line.still_needed:
            line.sessions = _nearest(family, origin, board.result.deadline)
        lines.append(line)
    return AgencyDemand(board.result, lines, origin is not None)


def _held(agency: Agency) -> dict[str, tuple[int, int]]:
    """Seats held and waitlist places on upcoming sessions, per family."""
    with scopes_disabled():
        rows = (
            Registration.objects.filter(
                agency=agency,
                session__status=CourseSession.Status.SCHEDULED,
                session__starts_at__gte=timezone.now(),
            )
            .values("session__course_type__family")
            .annotate(
                held=Count("id", filter=Q(status=Registration.Status.CONFIRMED)),
                waiting=Count("id", filter=Q(status=Registration.Status.WAITLISTED)),
            )
        )
        return {r["session__course_type__family"]: (r["held"], r["waiting"]) for r in rows}


def _nearest(family: str, origin: Point | None, deadline: dt.date | None) -> list[Found]:
    sessions = public_sessions(SessionFilters(seats_left=True)).filter(course_type__family=family)
    if deadline is not None:
        sessions = sessions.filter(starts_at__date__lte=deadline)
    found = []
    for session in sessions[:200]:
        miles = None
        if origin is not None and session.latitude is not None and session.longitude is not None:
            miles = haversine_miles((origin.latitude, origin.longitude), (session.latitude, session.longitude))
        found.append(Found(session, miles))
    found.sort(key=lambda f: (f.miles if f.miles is not None else 1e9, f.session.starts_at))
    return found[:NEAREST]


@dataclass
class StateDemand:
    state: str
    agencies: int
    needs: dict[str, int]
    offered: dict[str, int]

    @property
    def columns(self) -> list[tuple[str, int, int]]:
        return [(code, self.needs.get(family, 0), self.offered.get(family, 0)) for family, _, code in LINES]


STATE_CACHE_SECONDS = 10 * 60


def state_demand(today: dt.date | None = None) -> list[StateDemand]:
    """Pledged agencies' needs summed by state, beside the seats offered on upcoming sessions there."""
    today = today or timezone.localdate()
    key = f"onemind:courses:state-demand:{today.isoformat()}"
    cached: list[StateDemand] | None = cache.get(key)
    if cached is not None:
        return cached
    # Campaign-wide figures without names: the same read the campaign pages make across agencies.
    with scopes_disabled():
        ids = list(Pledge.objects.filter(superseded_at__isnull=True).values_list("agency_id", flat=True))
        results = evaluate_campaign(today, ids)
    states = dict(Agency.objects.filter(pk__in=ids).values_list("pk", "state"))
    rows: dict[str, StateDemand] = {}
    for agency_id, result in results.items():
        if result.status in (Status.NOT_PLEDGED, Status.COMPLETED):
            continue
        row = rows.setdefault(states.get(agency_id) or "—", StateDemand(states.get(agency_id) or "—", 0, {}, {}))
        row.agencies += 1
        for family, n in needs_from(result).items():
            row.needs[family] = row.needs.get(family, 0) + n
    offered = (
        public_sessions(SessionFilters())
        .order_by()
        .values("state", "course_type__family")
        .annotate(seats_total=Sum("seats"))
    )
    for item in offered:
        if item["state"] in rows:
            rows[item["state"]].offered[item["course_type__family"]] = item["seats_total"]
    ordered = sorted(rows.values(), key=lambda r: (-sum(r.needs.values()), r.state))
    cache.set(key, ordered, STATE_CACHE_SECONDS)
    return ordered
