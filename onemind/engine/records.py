"""The engine's inputs: flat, frozen copies of an agency's records, loaded by the Django layer.

Every date-bearing record is judged only by what was true on the evaluation date, so a loader passes the whole
history (separated people, ended agreements, superseded policies) and lets the engine pick.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TypeAlias

# Whatever the loader uses as a primary key; only equality, hashing and str() are relied on.
PersonId: TypeAlias = int | str


@dataclass(frozen=True, slots=True)
class Exemption:
    """An approved exemption; both ends inclusive. Only approved exemptions are passed in."""

    start: date
    end: date
    reason: str = ""


# Not frozen only because a frozen dataclass costs five times as much to build and a national roster builds a
# million of them; hashable and never mutated: treat it as frozen (``dataclasses.replace`` for a changed copy).
@dataclass(slots=True, unsafe_hash=True)
class Person:
    id: PersonId
    name: str
    sworn: bool
    designated_mhfa: bool = False
    designated_cit: bool = False
    hire_date: date | None = None
    separation_date: date | None = None
    exemptions: tuple[Exemption, ...] = ()
    shift: str = ""
    unit: str = ""
    district: str = ""


@dataclass(frozen=True, slots=True)
class Training:
    person_id: PersonId
    course_code: str
    completed_on: date


@dataclass(frozen=True, slots=True)
class Partnership:
    """One written agreement with one partner organization."""

    partner_name: str
    partner_kind: str
    effective_on: date
    ends_on: date | None = None  # the last day the agreement is in force; None = open-ended
    signed_by_agency: bool = False
    signed_by_partner: bool = False
    agency_liaison: str = ""
    partner_liaison: str = ""
    has_document: bool = False
    disputed: bool = False


@dataclass(frozen=True, slots=True)
class Policy:
    """An adopted policy version; ``elements_covered`` holds only elements marked covered with a section."""

    title: str
    adopted_on: date
    effective_on: date
    has_document: bool
    elements_covered: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Pledge:
    pledged_on: date
    months: int
    verified: frozenset[int] = frozenset()
    # When the fourth strategy was verified / the agency recognized; lets past dates ignore later reviews.
    completed_on: date | None = None
    recognized_on: date | None = None


@dataclass(frozen=True, slots=True)
class AgencyRecords:
    people: tuple[Person, ...] = ()
    trainings: tuple[Training, ...] = ()
    partnerships: tuple[Partnership, ...] = ()
    policies: tuple[Policy, ...] = ()
    pledge: Pledge | None = None


# Completion dates repeat heavily across a national roster: caching keeps expiry arithmetic off the profile.
@lru_cache(maxsize=65_536)
def add_months(day: date, months: int) -> date:
    """Calendar-month arithmetic, clamping to the month's last day (2024-01-31 + 1 month = 2024-02-29)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


def ceil_percent(percent: int, count: int) -> int:
    """ceil(percent% of count) in integers, so 20% of 9 is exactly 2 and never 1.8 rounded by float noise."""
    return -(-percent * count // 100)


def deadline_of(pledge: Pledge) -> date:
    return add_months(pledge.pledged_on, pledge.months)
