"""The planner's projection: each training figure month by month to the deadline and a year past it.

Pure standard library (no Django), exact arithmetic (``Fraction``): the same inputs always give the same months.
The method, which the planner page prints:

* The sworn headcount changes each month by attrition (a yearly percentage, one twelfth of it each month, taken
  evenly from trained and untrained officers) and by hires (who arrive untrained).
* MHFA certificates are tracked by the month they expire. In its expiry month a certificate is renewed by a
  recertification seat if one is left that month; otherwise it lapses and its holder needs the full course again.
  A certificate earned or renewed in month k expires ``valid_months`` later.
* Each month, MHFA-PS seats train officers without a current certificate and CIT-40 seats train officers without
  CIT, never more than there are such officers. CIT does not expire.
* Targets are the edition's: ``ceil(percent × headcount)`` (never more than the headcount); a figure is met in a
  month when its count at the end of that month reaches the target.
* Order within a month: attrition, hires, expiries and renewals, then training.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

MHFA_PS, MHFA_RECERT, CIT_40 = "MHFA-PS", "MHFA-RECERT", "CIT-40"
COURSES = (MHFA_PS, MHFA_RECERT, CIT_40)


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_index(start: date, day: date) -> int:
    """1 for ``start``'s month, 2 for the next, …; 0 or less for months before it."""
    return (day.year - start.year) * 12 + day.month - start.month + 1


@dataclass(frozen=True)
class Start:
    """The agency as it stands at the start of ``month`` (the current month)."""

    month: date
    sworn: int
    mhfa: int
    cit: int
    deadline: date
    # Current MHFA certificates by the month they expire (first of the month): how many expire then.
    expiries: Mapping[date, int] = field(default_factory=dict)
    mhfa_percent: int = 100
    cit_percent: int = 20
    valid_months: int = 36


@dataclass(frozen=True)
class Assumptions:
    hires_per_month: Fraction = Fraction(0)
    attrition_percent_per_year: Fraction = Fraction(0)
    seats: Mapping[str, int] = field(default_factory=dict)

    def seats_for(self, course: str) -> int:
        return max(int(self.seats.get(course, 0)), 0)


@dataclass(frozen=True)
class Month:
    index: int
    month: date
    sworn: Fraction
    mhfa: Fraction
    cit: Fraction
    mhfa_target: Fraction
    cit_target: Fraction
    trained: Mapping[str, Fraction]
    lapsed: Fraction
    expiring: Fraction

    @property
    def mhfa_met(self) -> bool:
        return self.sworn > 0 and self.mhfa >= self.mhfa_target

    @property
    def cit_met(self) -> bool:
        return self.sworn > 0 and self.cit >= self.cit_target


@dataclass(frozen=True)
class Projection:
    start: Start
    assumptions: Assumptions
    months: tuple[Month, ...]
    deadline_index: int

    def reached(self, figure: str) -> Month | None:
        """The first month the figure ("mhfa" or "cit") meets its target, or None within the horizon."""
        return next((m for m in self.months if getattr(m, f"{figure}_met")), None)

    def compliant_from_deadline(self, figure: str) -> bool:
        """Met at the deadline's month and every month after it to the end of the horizon."""
        first = max(self.deadline_index, 1)
        return all(getattr(m, f"{figure}_met") for m in self.months if m.index >= first)

    def first_gap_after_deadline(self, figure: str) -> Month | None:
        first = max(self.deadline_index, 1)
        return next((m for m in self.months if m.index >= first and not getattr(m, f"{figure}_met")), None)


def target(percent: int, headcount: Fraction) -> Fraction:
    """``ceil(percent × headcount)`` people, as the rules count them; a projected headcount can be fractional
    (an average), and then a 100% target is the headcount itself, never one more than there are officers."""
    return min(Fraction(math.ceil(Fraction(percent, 100) * headcount)), headcount)


def horizon(start: Start) -> int:
    """Months projected: to the deadline's month and twelve more (at least twelve in all)."""
    return max(month_index(start.month, start.deadline) + 12, 12)


def project(start: Start, assumptions: Assumptions, months: int | None = None) -> Projection:
    count = months if months is not None else horizon(start)
    keep = 1 - Fraction(assumptions.attrition_percent_per_year) / 1200
    hires = Fraction(assumptions.hires_per_month)
    sworn = Fraction(start.sworn)
    cit = Fraction(start.cit)
    cohorts: dict[int, Fraction] = {}
    for day, n in start.expiries.items():
        index = max(month_index(start.month, day), 1)
        cohorts[index] = cohorts.get(index, Fraction(0)) + n
    # Holders whose expiry is not listed (beyond the horizon, or none) sit in a cohort that never expires here.
    listed = sum(cohorts.values(), Fraction(0))
    never = Fraction(start.mhfa) - listed
    out = []
    for k in range(1, count + 1):
        sworn = sworn * keep + hires
        cit *= keep
        never *= keep
        cohorts = {i: n * keep for i, n in cohorts.items()}
        expiring = cohorts.pop(k, Fraction(0))
        renewed = min(expiring, Fraction(assumptions.seats_for(MHFA_RECERT)))
        lapsed = expiring - renewed
        renew_at = k + start.valid_months
        if renewed:
            cohorts[renew_at] = cohorts.get(renew_at, Fraction(0)) + renewed
        mhfa = never + sum(cohorts.values(), Fraction(0))
        new_mhfa = min(Fraction(assumptions.seats_for(MHFA_PS)), max(sworn - mhfa, Fraction(0)))
        if new_mhfa:
            cohorts[renew_at] = cohorts.get(renew_at, Fraction(0)) + new_mhfa
        new_cit = min(Fraction(assumptions.seats_for(CIT_40)), max(sworn - cit, Fraction(0)))
        cit += new_cit
        out.append(
            Month(
                index=k,
                month=add_months(start.month, k - 1),
                sworn=sworn,
                mhfa=mhfa + new_mhfa,
                cit=cit,
                mhfa_target=target(start.mhfa_percent, sworn),
                cit_target=target(start.cit_percent, sworn),
                trained={MHFA_PS: new_mhfa, MHFA_RECERT: renewed, CIT_40: new_cit},
                lapsed=lapsed,
                expiring=expiring,
            )
        )
    return Projection(start, assumptions, tuple(out), month_index(start.month, start.deadline))


@dataclass(frozen=True)
class Recommendation:
    """Seats per month, by course, that meet every target from the deadline to a year past it."""

    seats: dict[str, int]
    projection: Projection


def _smallest(course: str, start: Start, base: Assumptions, figure: str) -> int:
    """The fewest seats a month of ``course`` for which ``figure`` is met from the deadline on (binary search:
    more seats never leave fewer people trained)."""

    def enough(n: int) -> bool:
        trial = Assumptions(base.hires_per_month, base.attrition_percent_per_year, {**base.seats, course: n})
        return project(start, trial).compliant_from_deadline(figure)

    months = horizon(start)
    high = max(start.sworn + math.ceil(Fraction(base.hires_per_month) * months) + sum(start.expiries.values()), 1)
    if not enough(high):
        return high
    low = 0
    while low < high:
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle + 1
    return low


def recommend(start: Start, assumptions: Assumptions) -> Recommendation:
    """Recertify every certificate as it expires, then the fewest MHFA-PS and CIT-40 seats a month that keep
    each figure at target from the deadline to a year past it, under the same hires and attrition."""
    hires, attrition = assumptions.hires_per_month, assumptions.attrition_percent_per_year
    every_renewal = Assumptions(hires, attrition, {MHFA_RECERT: 10**9})
    mhfa = _smallest(MHFA_PS, start, every_renewal, "mhfa")
    cit = _smallest(CIT_40, start, every_renewal, "cit")
    # Recertification seats: the busiest month of expiries once every certificate is renewed.
    renewing = project(start, Assumptions(hires, attrition, {MHFA_RECERT: 10**9, MHFA_PS: mhfa}))
    peak = max((math.ceil(m.expiring) for m in renewing.months), default=0)
    seats = {MHFA_PS: mhfa, MHFA_RECERT: peak, CIT_40: cit}
    return Recommendation(seats, project(start, Assumptions(hires, attrition, seats)))
