"""Campaign-wide outcomes: the monthly figures summed across the agencies that report, by state, size class and
month, with the reporting coverage beside them and small counts suppressed as on the public figures.

Aggregates only, in a fixed number of queries whatever the number of agencies or months: every sum is done by
the database (one GROUP BY per table).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When
from django_scopes import scopes_disabled

from onemind.campaign.figures import FEWER_THAN, suppress_column
from onemind.campaign.standings import SIZE_CLASSES, SIZE_LABELS
from onemind.lib.dates import add_months
from onemind.outcomes.fields import FIELDS
from onemind.outcomes.models import OutcomeMonth
from onemind.pledges.models import Pledge

DIMENSIONS = {"state": "State", "size": "Size class", "month": "Month"}
METHODOLOGY = """\
Method. Each participating agency reports, per calendar month, counts of mental-health-related calls and of how
they ended (definitions shown beside every figure in OneMind; use of force also by the FBI National Use-of-Force
Data Collection definition). Agencies enter the counts by hand, import a monthly file, or aggregate a call-level
crisis-contact export inside OneMind (no call is kept). A month may be marked "not collected"; such months, and
figures left blank, are excluded from sums - never counted as zero. Rows are sums over the agencies reporting in
the period; "agencies reporting" counts agencies with at least one collected month in the period, beside the
number of pledged agencies (reporting coverage). Rates per 100 calls use only months that report both the figure
and the calls. Counts from 1 to 4 are shown as "fewer than 5" (and, where a total is published, the next smallest
cell is withheld) so that no small group of people can be identified. Size classes use the agency's sworn count.
No person-level, call-level or health data is collected or exported.
"""


def _size_case() -> Case:
    whens = []
    for key, _label, low, high in SIZE_CLASSES:
        condition = Q(agency__sworn_count__gte=low)
        if high is not None:
            condition &= Q(agency__sworn_count__lte=high)
        whens.append(When(condition, then=Value(key)))
    return Case(*whens, default=Value(SIZE_CLASSES[0][0]))


@dataclass(frozen=True)
class Filters:
    first: dt.date
    last: dt.date
    state: str = ""
    size: str = ""
    errors: tuple[str, ...] = ()


def parse_filters(params: Mapping[str, str], today: dt.date) -> Filters:
    errors = []
    last = today.replace(day=1)
    first = add_months(last, -11)
    for key in ("from", "to"):
        raw = params.get(key, "").strip()[:10]
        if not raw:
            continue
        try:
            value = dt.date.fromisoformat(raw + "-01" if len(raw) == 7 else raw).replace(day=1)
        except ValueError:
            errors.append(f"“{raw}” is not a month: use YYYY-MM.")
            continue
        if not dt.date(1990, 1, 1) <= value <= last:
            errors.append(f"{value:%Y-%m} is outside the months reported.")
            continue
        if key == "from":
            first = value
        else:
            last = value
    if first > last:
        errors.append("The first month is after the last: showing the last 12 months.")
        last, first = today.replace(day=1), add_months(today.replace(day=1), -11)
    state = params.get("state", "").strip().upper()[:2]
    state = state if state.isalpha() and len(state) == 2 else ""
    size = params.get("size", "") if params.get("size", "") in SIZE_LABELS else ""
    return Filters(first, last, state, size, tuple(errors))


@dataclass
class Row:
    key: str
    label: str
    agencies: int
    pledged: int | None
    sums: dict[str, int]
    shown: dict[str, str | int]

    @property
    def cells(self) -> list[str | int]:
        return [self.shown.get(f.name, 0) for f in FIELDS]


def _base(f: Filters) -> QuerySet[OutcomeMonth]:
    rows = OutcomeMonth.objects.filter(status=OutcomeMonth.Status.COLLECTED, month__gte=f.first, month__lte=f.last)
    if f.state:
        rows = rows.filter(agency__state=f.state)
    if f.size:
        rows = rows.annotate(size=_size_case()).filter(size=f.size)
    return rows


NOT_REPORTED = "—"


def _sums() -> dict[str, Sum | Count]:
    """Each figure's sum, and how many months reported it (a figure nobody reported is "—", never 0)."""
    return {f"s_{f.name}": Sum(f.name) for f in FIELDS} | {f"n_{f.name}": Count(f.name) for f in FIELDS}


def aggregate(f: Filters, dimension: str) -> tuple[list[Row], Row]:
    """Rows by ``dimension`` (state, size or month) and the total row, counts suppressed per column."""
    with scopes_disabled():
        base = _base(f)
        if dimension == "size":
            base, group = base.annotate(group=_size_case()), "group"
        else:
            group = "month" if dimension == "month" else "agency__state"
        raw = list(base.values(group).annotate(agencies=Count("agency_id", distinct=True), **_sums()).order_by(group))
        # Totals are the sums of the groups (one scan of the months, not two); agencies are disjoint across states
        # and size classes, but one agency reports in many months, so months count them once more, cheaply.
        total: dict[str, int] = {k: sum(item[k] or 0 for item in raw) for k in _sums()}
        if dimension == "month":
            total["agencies"] = _base(f).values("agency_id").distinct().count()
        else:
            total["agencies"] = sum(item["agencies"] for item in raw)
        pledged = _pledged(dimension, f)
    rows = []
    for item in raw:
        key = item[group]
        key_text = key.strftime("%Y-%m") if isinstance(key, dt.date) else str(key or "—")
        label = SIZE_LABELS.get(key_text, key_text) if dimension == "size" else key_text
        sums = {fl.name: int(item[f"s_{fl.name}"] or 0) for fl in FIELDS}
        rows.append(Row(key_text, label, item["agencies"], pledged.get(key_text), sums, {}))
    total_row = Row(
        "all",
        "All reporting agencies",
        total["agencies"] or 0,
        sum(pledged.values()) if pledged else None,
        {fl.name: int(total[f"s_{fl.name}"] or 0) for fl in FIELDS},
        {},
    )
    reported = {(item[group], fl.name): item[f"n_{fl.name}"] for item in raw for fl in FIELDS}
    for fl in FIELDS:
        column = suppress_column([r.sums[fl.name] for r in rows], total=total_row.sums[fl.name])
        for item, row, value in zip(raw, rows, column, strict=True):
            row.shown[fl.name] = value if reported[(item[group], fl.name)] else NOT_REPORTED
        shown = suppress_column([total_row.sums[fl.name]])[0]
        total_row.shown[fl.name] = shown if total[f"n_{fl.name}"] else NOT_REPORTED
    return rows, total_row


def _pledged(dimension: str, f: Filters) -> dict[str, int]:
    """Pledged agencies per group (the denominator of reporting coverage); none for months."""
    if dimension == "month":
        return {}
    pledges = Pledge.objects.filter(superseded_at__isnull=True)
    if f.state:
        pledges = pledges.filter(agency__state=f.state)
    if dimension == "size" or f.size:
        pledges = pledges.annotate(group=_size_case())
        if f.size:
            pledges = pledges.filter(group=f.size)
    field = "group" if dimension == "size" else "agency__state"
    return {str(r[field] or "—"): r["n"] for r in pledges.values(field).annotate(n=Count("agency_id", distinct=True))}


def research_rows(f: Filters) -> Sequence[Sequence[object]]:
    """State × month aggregates for researchers, suppressed like the page (aggregates only)."""
    with scopes_disabled():
        raw: list[dict[str, Any]] = [
            dict(item)
            for item in _base(f)
            .values("agency__state", "month")
            .annotate(agencies=Count("agency_id", distinct=True), **_sums())
            .order_by("agency__state", "month")
        ]
    out = []
    for item in raw:
        cells = [
            ""
            if not item[f"n_{fl.name}"]
            else FEWER_THAN
            if 0 < (item[f"s_{fl.name}"] or 0) < 5
            else item[f"s_{fl.name}"]
            for fl in FIELDS
        ]
        out.append([item["agency__state"] or "—", item["month"].strftime("%Y-%m"), item["agencies"], *cells])
    return out
