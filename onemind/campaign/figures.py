"""Reads of the stored campaign figures: the staff dashboard and the public pages add up the same rows.

Every figure is a GROUP BY over ``AgencyStanding`` (one query per table, whatever the number of agencies), read
after ``standings.bring_current`` has judged again the agencies changed since their rows were stored, so the
figures are current when the page is drawn. Filters compose: each narrows the rows every table counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from onemind.campaign.models import AgencyStanding, FiguresRefresh, StandingRollup
from onemind.campaign.standings import SIZE_CLASSES, SIZE_LABELS, bring_current, now_date
from onemind.engine import Status
from onemind.lib.agency_types import AGENCY_TYPE_LABELS, AGENCY_TYPES
from onemind.lib.ori import STATE_CODES

M = TypeVar("M", AgencyStanding, StandingRollup)

# The campaign's categories of agencies: key, label, the rows it counts.
CATEGORIES: tuple[tuple[str, str, Q], ...] = (
    ("pledged", "Pledged", Q()),
    ("in_progress", "In progress", Q(status__in=[Status.ON_TRACK, Status.AT_RISK])),
    ("at_risk", "At risk", Q(status=Status.AT_RISK)),
    ("submitted", "Submitted for review", Q(submitted=True)),
    ("completed", "Completed", Q(status=Status.COMPLETED)),
    ("recognized", "Recognized", Q(recognized=True)),
    ("overdue", "Overdue", Q(status=Status.OVERDUE)),
    ("maintenance", "Maintenance needed", Q(status=Status.MAINTENANCE_NEEDED)),
)
CATEGORY_LABELS = {key: label for key, label, _q in CATEGORIES}
CATEGORY_FILTERS = {key: q for key, _label, q in CATEGORIES}
PEOPLE = (("mhfa_trained", "People trained in MHFA"), ("cit_trained", "People trained in CIT"))
PEOPLE_LABELS = dict(PEOPLE)
# Figures the map can shade states by.
MAP_FIGURES: dict[str, str] = {**CATEGORY_LABELS, **PEOPLE_LABELS}
HISTORY_CHOICES = (12, 24, 36, 60)
DEADLINE_DAYS = 90
DEADLINE_ROWS = 100
STRATEGY_NAMES = (
    (1, "Partnership"),
    (2, "Model policy"),
    (3, "Mental Health First Aid"),
    (4, "Crisis Intervention Team"),
)


def status_label(status: str) -> str:
    """The engine's words for a stored status (imported late: the campaign app loads before the dashboards)."""
    from onemind.compliance.selectors import STATUS_LABELS

    try:
        return STATUS_LABELS[Status(status)]
    except (ValueError, KeyError):
        return status


@dataclass(frozen=True)
class Filters:
    state: str = ""
    agency_type: str = ""
    size: str = ""
    category: str = ""
    figure: str = "pledged"
    months: int = 24

    def apply(self, rows: QuerySet[M]) -> QuerySet[M]:
        """Narrow agency rows, or history groups (they have the same filter columns)."""
        if self.state:
            rows = rows.filter(state=self.state)
        if self.agency_type:
            rows = rows.filter(agency_type=self.agency_type)
        if self.size:
            rows = rows.filter(size_class=self.size)
        if self.category:
            rows = rows.filter(CATEGORY_FILTERS[self.category])
        return rows

    def query(self, **changes: Any) -> str:
        """This filter set as a query string (for shareable links and export links); ``changes`` override."""
        values = {
            "state": self.state,
            "type": self.agency_type,
            "size": self.size,
            "category": self.category,
            "figure": "" if self.figure == "pledged" else self.figure,
            "months": "" if self.months == 24 else str(self.months),
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v})

    @property
    def description(self) -> str:
        parts = []
        if self.category:
            parts.append(CATEGORY_LABELS[self.category].lower())
        if self.agency_type:
            parts.append(AGENCY_TYPE_LABELS[self.agency_type])
        if self.size:
            parts.append(SIZE_LABELS[self.size].lower())
        if self.state:
            parts.append(f"in {STATE_CODES[self.state]}")
        return ", ".join(parts) if parts else "all pledged agencies"


class BadFilter(ValueError):
    """A filter value in the URL that is not one of the choices; the message says which and what is allowed."""


def _choice(params: Any, name: str, allowed: Sequence[str], what: str) -> str:
    value = params.get(name, "")
    if value and value not in allowed:
        raise BadFilter(
            f"“{value[:40]}” is not a known {what}. Leave “{name}” out or use one of: {', '.join(allowed)}."
        )
    return str(value)


def parse_filters(params: Any) -> Filters:
    """Filters from a query string; BadFilter on any value that is not one of the choices."""
    months_raw = params.get("months", "")
    allowed_months = [str(m) for m in HISTORY_CHOICES]
    _choice(params, "months", allowed_months, "number of months")
    return Filters(
        state=_choice(params, "state", sorted(STATE_CODES), "state code"),
        agency_type=_choice(params, "type", [slug for slug, _label in AGENCY_TYPES], "agency type"),
        size=_choice(params, "size", [key for key, *_rest in SIZE_CLASSES], "size class"),
        category=_choice(params, "category", list(CATEGORY_LABELS), "category"),
        figure=_choice(params, "figure", list(MAP_FIGURES), "map figure") or "pledged",
        months=int(months_raw) if months_raw else 24,
    )


def _counts() -> dict[str, Any]:
    counts: dict[str, Any] = {key: Count("id", filter=q) if q else Count("id") for key, _label, q in CATEGORIES}
    counts["mhfa_trained"] = Sum("mhfa_trained")
    counts["cit_trained"] = Sum("cit_trained")
    return counts


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (0 if v is None else v) for k, v in row.items()}


def current_rows(filters: Filters) -> QuerySet[AgencyStanding]:
    return filters.apply(AgencyStanding.objects.filter(current=True))


@dataclass
class Totals:
    counts: dict[str, int]
    sworn: int
    strategies: list[tuple[str, int]]  # per strategy: name, agencies that met it
    funnel: list[tuple[str, int]]  # pledged, then at least 1..4 strategies met, then recognized
    deadlines_due: int

    def __getitem__(self, key: str) -> int:
        return self.counts[key]


def _extra(today: dt.date) -> dict[str, Any]:
    """The headline's aggregates beyond the category and people counts: strategies, funnel, sworn, deadlines."""
    extra: dict[str, Any] = {f"s{n}": Count("id", filter=Q(**{f"s{n}_met": True})) for n, _name in STRATEGY_NAMES}
    extra.update({f"atleast{k}": Count("id", filter=Q(strategies_met__gte=k)) for k in range(1, 5)})
    extra["sworn"] = Sum("sworn")
    extra["deadlines"] = Count("id", filter=_deadline_q(today))
    return extra


def _totals_from(row: dict[str, Any]) -> Totals:
    counts = {key: row[key] for key in [*CATEGORY_LABELS, *PEOPLE_LABELS]}
    funnel = [("Pledged", row["pledged"])]
    funnel += [
        (f"{k} or more strategies met" if k < 4 else "All four strategies met", row[f"atleast{k}"])
        for k in (1, 2, 3, 4)
    ]
    funnel.append(("Recognized", row["recognized"]))
    return Totals(
        counts=counts,
        sworn=row["sworn"],
        strategies=[(name, row[f"s{n}"]) for n, name in STRATEGY_NAMES],
        funnel=funnel,
        deadlines_due=row["deadlines"],
    )


def totals(filters: Filters, *, today: dt.date | None = None) -> Totals:
    """The headline figures, the strategy funnel and the deadline count: one query."""
    today = today or timezone.localdate()
    return _totals_from(_clean(current_rows(filters).aggregate(**_counts(), **_extra(today))))


COUNT_FIELDS = [*CATEGORY_LABELS, *PEOPLE_LABELS]


def grouped(filters: Filters, dimension: str) -> list[dict[str, Any]]:
    """Every category and people count per value of ``dimension`` (state, agency_type or size_class)."""
    rows = current_rows(filters).values(dimension).annotate(**_counts()).order_by(dimension)
    return [_clean(row) for row in rows]


def _regroup(groups: Sequence[dict[str, Any]], dimension: str) -> list[dict[str, Any]]:
    """``grouped(filters, dimension)`` added up from finer groups (every count is a sum), in the same order."""
    found: dict[str, dict[str, Any]] = {}
    for group in groups:
        row = found.setdefault(group[dimension], {dimension: group[dimension], **dict.fromkeys(COUNT_FIELDS, 0)})
        for key in COUNT_FIELDS:
            row[key] += group[key]
    return [found[key] for key in sorted(found)]


def _size_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = {row["size_class"]: row for row in rows}
    empty = dict.fromkeys(COUNT_FIELDS, 0)
    return [{"size_class": key, "label": label, **found.get(key, empty)} for key, label, *_rest in SIZE_CLASSES]


def _type_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "label": AGENCY_TYPE_LABELS.get(row["agency_type"], row["agency_type"])} for row in rows]


def _state_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "label": STATE_CODES.get(row["state"], row["state"] or "Outside the US")} for row in rows]


def by_size(filters: Filters) -> list[dict[str, Any]]:
    return _size_rows(grouped(filters, "size_class"))


def by_type(filters: Filters) -> list[dict[str, Any]]:
    return _type_rows(grouped(filters, "agency_type"))


def by_state(filters: Filters) -> list[dict[str, Any]]:
    return _state_rows(grouped(filters, "state"))


@dataclass
class CurrentFigures:
    totals: Totals
    states: list[dict[str, Any]]
    types: list[dict[str, Any]]
    sizes: list[dict[str, Any]]


def current_figures(filters: Filters, *, today: dt.date | None = None) -> CurrentFigures:
    """``totals``, ``by_state``, ``by_type`` and ``by_size`` from one query instead of four.

    The "now" rows are grouped by state, type and size class together (at most a few thousand groups, however
    many agencies) and the four views are added up here: every figure is a count or a sum, so the totals equal
    the separate queries' exactly, for a quarter of the table scans.
    """
    today = today or timezone.localdate()
    aggregates = {**_counts(), **_extra(today)}
    rows = current_rows(filters).values("state", "agency_type", "size_class").annotate(**aggregates).order_by()
    groups = [_clean(dict(row)) for row in rows]
    overall = {key: sum(group[key] for group in groups) for key in aggregates}
    return CurrentFigures(
        totals=_totals_from(overall),
        states=_state_rows(_regroup(groups, "state")),
        types=_type_rows(_regroup(groups, "agency_type")),
        sizes=_size_rows(_regroup(groups, "size_class")),
    )


def _rollup_counts() -> dict[str, Any]:
    """``_counts()`` over the history groups: a category counts the agencies of the groups it matches."""
    counts: dict[str, Any] = {key: Sum("agencies", filter=q) if q else Sum("agencies") for key, _label, q in CATEGORIES}
    counts["mhfa_trained"] = Sum("mhfa_trained")
    counts["cit_trained"] = Sum("cit_trained")
    return counts


def history(filters: Filters, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Each stored month-end of the last ``filters.months`` months with every category count: one query.

    It reads the refresh's per-group sums (``StandingRollup``), not the agency rows: every filter and category
    is a condition on a group's key, so the counts are the same.
    """
    today = today or timezone.localdate()
    start = dt.date(today.year, today.month, 1) - dt.timedelta(days=31 * filters.months)
    rows = filters.apply(StandingRollup.objects.filter(on__gt=start))
    return [_clean(dict(row)) for row in rows.values("on").annotate(**_rollup_counts()).order_by("on")]


def _deadline_q(today: dt.date) -> Q:
    return Q(deadline__gte=today, deadline__lte=today + dt.timedelta(days=DEADLINE_DAYS)) & ~Q(
        status__in=[Status.COMPLETED, Status.MAINTENANCE_NEEDED]
    )


@dataclass(frozen=True)
class DeadlineRow:
    name: str
    slug: str
    state: str
    deadline: dt.date | None
    status: str
    strategies_met: int


def upcoming_deadlines(
    filters: Filters, *, today: dt.date | None = None, limit: int = DEADLINE_ROWS
) -> list[DeadlineRow]:
    """Agencies not yet done whose deadline falls in the next 90 days, soonest first."""
    today = today or timezone.localdate()
    rows = current_rows(filters).filter(_deadline_q(today)).order_by("deadline", "agency__name")
    values = rows.values_list("agency__name", "agency__slug", "state", "deadline", "status", "strategies_met")
    return [DeadlineRow(*row) for row in values[:limit]]


@dataclass(frozen=True)
class Freshness:
    """Whether the figures a page shows count every saved change (``current``), and the date they are for."""

    current: bool
    on: dt.date | None


def fresh(today: dt.date | None = None) -> Freshness:
    """Bring the stored figures up to date (standings.bring_current) and say how current they are."""
    current = bring_current(today)
    return Freshness(current=current, on=now_date())


STALE_REFRESH = dt.timedelta(hours=2)


def pending_refresh() -> FiguresRefresh | None:
    """A refresh someone asked for that has not finished (the nightly one waiting for its hour does not count)."""
    # One left "running" by a worker that died long ago must not block the button for ever.
    since = timezone.now() - STALE_REFRESH
    return (
        FiguresRefresh.objects.filter(
            status__in=[FiguresRefresh.Status.QUEUED, FiguresRefresh.Status.RUNNING],
            requested_by__isnull=False,
            requested_at__gte=since,
        )
        .order_by("-requested_at")
        .first()
    )


# Public figures ---------------------------------------------------------------------------------------------------

SUPPRESS_BELOW = 5
FEWER_THAN = f"fewer than {SUPPRESS_BELOW}"
WITHHELD = "withheld"


def suppressed(value: int) -> str | int:
    """A count of people as the public sees it: 1–4 could point at individuals, so it becomes "fewer than 5"."""
    if 0 < value < SUPPRESS_BELOW:
        return FEWER_THAN
    return value


def suppress_column(values: Sequence[int], total: int | None = None) -> list[str | int]:
    """Suppress small counts in one column of a table whose total is also published.

    With exactly one small cell, the total minus the other cells would give it away, so the next smallest
    non-zero cell is withheld too (secondary suppression).
    """
    shown: list[str | int] = [suppressed(v) for v in values]
    small = [i for i, v in enumerate(shown) if v == FEWER_THAN]
    if total is not None and len(small) == 1:
        others = sorted((v, i) for i, v in enumerate(values) if i not in small and v > 0)
        if others:
            shown[others[0][1]] = WITHHELD
    return shown


@dataclass
class PublicFigures:
    """The campaign in numbers, as the public sees it: agency counts as they are, people counts suppressed."""

    totals: Totals
    states: int
    freshness: Freshness
    people: dict[str, str | int] = field(default_factory=dict)
    state_rows: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)


def public_figures(*, with_tables: bool = False) -> PublicFigures:
    """Landing page (headline only) and the "campaign in numbers" page (with tables), from the same rows."""
    freshness = fresh()
    everything = Filters()
    # With the tables, the headline and the state rows come from one query (see current_figures).
    now = current_figures(everything) if with_tables else None
    headline = now.totals if now is not None else totals(everything)
    figures = PublicFigures(
        totals=headline,
        states=current_rows(everything).exclude(state="").values("state").distinct().count(),
        freshness=freshness,
        people={key: suppressed(headline[key]) for key in PEOPLE_LABELS},
    )
    if now is not None:
        rows = now.states
        for key in PEOPLE_LABELS:
            column = suppress_column([row[key] for row in rows], total=headline[key])
            for row, shown in zip(rows, column, strict=True):
                row[f"{key}_shown"] = shown
        figures.state_rows = rows
        figures.history = history(everything)
    return figures
