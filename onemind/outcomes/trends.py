"""An agency's outcome trends: each figure over time, rates per 100 mental-health calls before and after the
pledge, and the share of calls with a CIT officer on scene beside the agency's CIT coverage.

Reads the months in one query and the compliance history through the dashboard's public entry point
(``agency_dashboard``: month-ends since the pledge, kept current by the engine's own cache rules).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString

from onemind.compliance.engine import State
from onemind.compliance.history import HistoryPoint
from onemind.compliance.selectors import Coverage, agency_dashboard
from onemind.lib.dates import add_months
from onemind.lib.linechart import Line, line_chart
from onemind.outcomes.fields import BY_NAME, FIELDS, OutcomeField
from onemind.outcomes.models import OutcomeMonth
from onemind.tenancy.models import Agency

MAX_MONTHS = 120
RATE_FIELDS = ("arrest", "involuntary_evaluation", "force_any")
STRATEGIES = (("partnership", "Strategy 1"), ("policy", "Strategy 2"), ("mhfa", "Strategy 3"), ("cit", "Strategy 4"))


def per_100(count: int | None, calls: int | None) -> float | None:
    if count is None or not calls:
        return None
    return round(100 * count / calls, 1)


@dataclass(frozen=True)
class Period:
    label: str
    months: int
    calls: int
    rates: dict[str, float | None]


def period(label: str, rows: Sequence[OutcomeMonth]) -> Period:
    """Rates per 100 calls over ``rows``: each figure over the calls of the months that report both."""
    rates: dict[str, float | None] = {}
    collected = [r for r in rows if r.collected and r.mh_calls]
    for f in FIELDS:
        if not f.per_call:
            continue
        pairs: list[tuple[int, int]] = [
            (getattr(r, f.name), r.mh_calls or 0) for r in collected if getattr(r, f.name) is not None
        ]
        rates[f.name] = per_100(sum(c for c, _ in pairs), sum(n for _, n in pairs)) if pairs else None
    return Period(label, len(collected), sum(r.mh_calls or 0 for r in collected), rates)


@dataclass
class Trends:
    months: list[dt.date]
    rows: list[OutcomeMonth | None]
    pledged_on: dt.date | None
    completions: list[tuple[str, dt.date]]
    before: Period
    after: Period
    coverage: Coverage
    cit_coverage: list[int | None]
    charts: list[SafeString]

    @property
    def rate_table(self) -> list[tuple[OutcomeField, float | None, float | None]]:
        return [(f, self.before.rates.get(f.name), self.after.rates.get(f.name)) for f in FIELDS if f.per_call]

    def table(self) -> list[tuple[dt.date, OutcomeMonth | None, float | None, int | None]]:
        return [
            (m, r, per_100(r.cit_arrived, r.mh_calls) if r and r.collected else None, c)
            for m, r, c in zip(self.months, self.rows, self.cit_coverage, strict=True)
        ]


def _completions(history: Sequence[HistoryPoint]) -> list[tuple[str, dt.date]]:
    """Each strategy's first month-end met since the pledge (a later lapse does not move it)."""
    found = []
    for attr, label in STRATEGIES:
        for point in history:
            value = getattr(point, attr)
            state = value if isinstance(value, State) else value.state
            if state is State.MET:
                found.append((label, point.on))
                break
    return found


def agency_trends(agency: Agency, today: dt.date) -> Trends:
    rows = list(OutcomeMonth.objects.filter(agency=agency).order_by("-month")[:MAX_MONTHS])
    board = agency_dashboard(agency, today, today=today, show_names=False)
    pledged_on = board.pledged_on
    first_candidates = [r.month for r in rows]
    if pledged_on:
        first_candidates.append(add_months(pledged_on.replace(day=1), -12))
    first = min(first_candidates, default=add_months(today.replace(day=1), -11))
    first = max(first, add_months(today.replace(day=1), -(MAX_MONTHS - 1)))
    months = []
    cursor = first
    while cursor <= today:
        months.append(cursor)
        cursor = add_months(cursor, 1)
    by_month = {r.month: r for r in rows}
    ordered = [by_month.get(m) for m in months]
    coverage_by_month = {p.on.replace(day=1): p.cit.percent for p in board.history}
    cit_coverage = [coverage_by_month.get(m) for m in months]
    completions = _completions(board.history)
    pledge_month = pledged_on.replace(day=1) if pledged_on else None
    present = [r for r in ordered if r is not None]
    before = period("Before the pledge", [r for r in present if pledge_month and r.month < pledge_month])
    after = period("Since the pledge", [r for r in present if pledge_month and r.month >= pledge_month])
    trends = Trends(months, ordered, pledged_on, completions, before, after, board.coverage, cit_coverage, [])
    trends.charts = _charts(trends)
    return trends


def _rules(t: Trends) -> list[tuple[int, str]]:
    index = {m: i for i, m in enumerate(t.months)}
    rules = []
    if t.pledged_on and t.pledged_on.replace(day=1) in index:
        rules.append((index[t.pledged_on.replace(day=1)], f"Pledged {t.pledged_on:%b %Y}"))
    for label, on in t.completions:
        if on.replace(day=1) in index:
            rules.append((index[on.replace(day=1)], f"{label} met"))
    return rules


def _charts(t: Trends) -> list[SafeString]:
    labels = [m.strftime("%b %Y") for m in t.months]
    calls = [float(r.mh_calls) if r and r.collected and r.mh_calls is not None else None for r in t.rows]
    rates = {
        name: [per_100(getattr(r, name), r.mh_calls) if r and r.collected else None for r in t.rows]
        for name in RATE_FIELDS
    }
    on_scene = [per_100(r.cit_arrived, r.mh_calls) if r and r.collected else None for r in t.rows]
    coverage = [float(c) if c is not None else None for c in t.cit_coverage]
    span = f"{labels[0]} to {labels[-1]}" if labels else ""
    reported = [c for c in calls if c is not None]
    rules = _rules(t)
    return [
        line_chart(
            chart_id="trend-calls",
            title="Mental-health-related calls per month",
            description=f"{span}: {len(reported)} months reported, {int(sum(reported))} calls in all.",
            labels=labels,
            lines=[Line("Mental-health-related calls", calls)],
            rules=rules,
        ),
        line_chart(
            chart_id="trend-rates",
            title="Outcomes per 100 mental-health calls",
            description=_describe_rates(t),
            labels=labels,
            lines=[Line(BY_NAME[n].label, rates[n]) for n in RATE_FIELDS],
            rules=rules,
        ),
        line_chart(
            chart_id="trend-cit",
            title="Calls with a CIT officer on scene, beside CIT coverage of sworn officers",
            description=(
                f"{span}: share of mental-health calls with a CIT officer on scene, and the percentage of sworn "
                "officers holding CIT at each month-end since the pledge."
            ),
            labels=labels,
            lines=[Line("% of calls with CIT on scene", on_scene), Line("% of sworn with CIT", coverage)],
            rules=rules,
            y_suffix="%",
            y_max=100,
        ),
    ]


def _describe_rates(t: Trends) -> str:
    parts = []
    for name in RATE_FIELDS:
        label = BY_NAME[name].label
        before, after = t.before.rates.get(name), t.after.rates.get(name)
        parts.append(
            f"{label}: {'not reported' if before is None else before} per 100 calls before the pledge, "
            f"{'not reported' if after is None else after} since."
        )
    return " ".join(parts)
