"""Deadline, pace and projection (RULES.md, "Deadline"; PRODUCT.md C13 planner)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from onemind.engine.records import add_months

# The Gregorian calendar repeats every 400 years (146,097 days, 4,800 months): the exact mean month, kept as a
# ratio so "per month" figures stay in integer arithmetic.
DAYS_PER_400_YEARS = 146_097
MONTHS_PER_400_YEARS = 4_800


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def months_between(start: date, end: date) -> Fraction:
    """Calendar months from ``start`` to ``end`` (2025-01-01 to 2026-01-01 is exactly 12), days pro rata."""
    whole = (end.year - start.year) * 12 + end.month - start.month
    while whole > 0 and add_months(start, whole) > end:
        whole -= 1
    month_start = add_months(start, whole)
    month_days = (add_months(start, whole + 1) - month_start).days
    return whole + Fraction((end - month_start).days, month_days)


def people_per_month_needed(remaining: int, on: date, deadline: date) -> int:
    """People to train per month from ``on`` to finish by ``deadline``.

    With no time left everything is due at once, so the whole remainder is returned.
    """
    if remaining <= 0:
        return 0
    if deadline <= on:
        return remaining
    return math.ceil(remaining / months_between(on, deadline))


@dataclass(frozen=True, slots=True)
class Projection:
    """Where the current pace leads. ``projected_on`` None means never: nobody covered since the pledge."""

    remaining: int
    newly_covered: int
    days_elapsed: int
    projected_on: date | None
    needed_per_month: int

    @property
    def per_month(self) -> float:
        """Current pace in people per month, for display only."""
        if self.days_elapsed <= 0:
            return 0.0
        return self.newly_covered * DAYS_PER_400_YEARS / (MONTHS_PER_400_YEARS * self.days_elapsed)


def project(remaining: int, newly_covered: int, since: date, on: date, deadline: date) -> Projection:
    """Extrapolate ``newly_covered`` people between ``since`` and ``on`` to cover ``remaining`` more."""
    elapsed = (on - since).days
    projected: date | None
    if remaining <= 0:
        projected = on
    elif newly_covered <= 0 or elapsed <= 0:
        projected = None
    else:
        projected = on + timedelta(days=ceil_div(remaining * elapsed, newly_covered))
    return Projection(
        remaining=max(remaining, 0),
        newly_covered=newly_covered,
        days_elapsed=elapsed,
        projected_on=projected,
        needed_per_month=people_per_month_needed(remaining, on, deadline),
    )


def under_time_fraction(on: date, start: date, deadline: date, percent: int) -> bool:
    """Whether less than ``percent`` % of the pledge's time frame is left on ``on``."""
    total = (deadline - start).days
    left = (deadline - on).days
    return left * 100 < percent * total
