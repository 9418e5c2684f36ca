"""The planner's inputs, read from the agency's own records through the compliance engine's public entry points.

One load of the agency (``load_agency``) and one evaluation today (``evaluate``) with the expiring window stretched
to the planning horizon, so every current MHFA certificate that expires before the horizon's end is listed with
its date. Hire and separation rates come from the same people's hire and separation dates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from onemind.compliance.engine import CIT, MHFA, AgencyResult, Person, evaluate
from onemind.compliance.loader import load_agency
from onemind.lib.dates import add_months
from onemind.planner.projection import Start, month_index
from onemind.tenancy.models import Agency

WINDOWS = (12, 24)
NO_PLEDGE_MONTHS = 12


@dataclass(frozen=True)
class RosterRates:
    window_months: int
    hires: int
    separations: int
    average_sworn: Fraction

    @property
    def hires_per_month(self) -> Fraction:
        return Fraction(self.hires, self.window_months)

    @property
    def attrition_percent_per_year(self) -> Fraction:
        if not self.average_sworn:
            return Fraction(0)
        return Fraction(self.separations * 12 * 100, self.window_months) / self.average_sworn


@dataclass(frozen=True)
class PlannerInputs:
    start: Start
    rates: RosterRates
    result: AgencyResult
    pledged: bool
    # Person ids (str) by course: who a seat of that course is for.
    candidates: dict[str, list[str]]


def _sworn_on(people: Sequence[Person], day: dt.date) -> int:
    return sum(
        1
        for p in people
        if p.sworn
        and (p.hire_date is None or p.hire_date <= day)
        and (p.separation_date is None or p.separation_date > day)
    )


def roster_rates(people: Sequence[Person], today: dt.date, window_months: int) -> RosterRates:
    """Sworn hires and separations in the last ``window_months``, and the average of the sworn headcount at the
    window's start and today (the attrition rate's denominator)."""
    since = add_months(today, -window_months)
    hires = sum(1 for p in people if p.sworn and p.hire_date is not None and since < p.hire_date <= today)
    separations = sum(
        1 for p in people if p.sworn and p.separation_date is not None and since < p.separation_date <= today
    )
    average = Fraction(_sworn_on(people, since) + _sworn_on(people, today), 2)
    return RosterRates(window_months, hires, separations, average)


def planner_inputs(agency: Agency, today: dt.date, window_months: int = 24) -> PlannerInputs:
    data = load_agency(agency, names=False)
    records = data.records_on(today)
    provisional = evaluate(records, today, data.edition, detail=False)
    pledged = provisional.deadline is not None
    deadline = provisional.deadline or add_months(today, NO_PLEDGE_MONTHS)
    month = today.replace(day=1)
    months = max(month_index(month, deadline) + 12, 12)
    window_end = add_months(month, months)
    stretched = replace(data.edition, expiring_window_days=(window_end - today).days)
    result = evaluate(records, today, stretched, detail=True)
    mhfa, cit = result.strategy(MHFA), result.strategy(CIT)
    sworn_ids = {str(p.id) for p in records.people if p.sworn}
    expiries: Counter[dt.date] = Counter(
        e.expires_on.replace(day=1) for e in mhfa.expiring if str(e.person_id) in sworn_ids
    )
    sworn_figure, cit_figure = mhfa.sworn, cit.sworn
    start = Start(
        month=month,
        sworn=sworn_figure.denominator if sworn_figure else 0,
        mhfa=sworn_figure.numerator if sworn_figure else 0,
        cit=cit_figure.numerator if cit_figure else 0,
        deadline=deadline,
        expiries=dict(expiries),
        mhfa_percent=data.edition.s3_target_percent,
        cit_percent=data.edition.s4_target_percent,
        valid_months=data.edition.mhfa_valid_months,
    )
    soon = today + dt.timedelta(days=180)
    candidates = {
        "MHFA-PS": [m.ref for m in mhfa.missing if m.ref in sworn_ids],
        "MHFA-RECERT": [str(e.person_id) for e in mhfa.expiring if e.expires_on <= soon],
        "CIT-40": [m.ref for m in cit.missing if m.ref in sworn_ids],
    }
    return PlannerInputs(start, roster_rates(records.people, today, window_months), result, pledged, candidates)


def whole(value: Fraction, places: int = 1) -> str:
    """A projected count as people read it: 12, or 12.4 when not whole."""
    rounded = round(float(value), places)
    return f"{rounded:g}" if not math.isclose(rounded, int(rounded)) else str(int(rounded))
