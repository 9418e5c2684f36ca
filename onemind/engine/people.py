"""Who is in scope on a date, and whose certificate is current on it (RULES.md, "Definitions")."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import NamedTuple

from onemind.engine.records import Person, PersonId, Training, add_months
from onemind.engine.rules import DESIGNATED_CIT, DESIGNATED_MHFA, Edition

# (completed_on, course_code), sorted by date: the per-person shape the hot loop works on.
History = Sequence[tuple[date, str]]


class Scope(Enum):
    OUT = "out"
    IN = "in"
    GRACE = "grace"


def scope_on(person: Person, on: date, grace_days: int = 0) -> tuple[Scope, date | None]:
    """Whether ``person`` counts on ``on``; for GRACE also the date their training is due.

    Separation on D means gone on D; an exemption covers both its start and end days.
    """
    hired = person.hire_date
    if hired is not None and hired > on:
        return Scope.OUT, None
    if person.separation_date is not None and person.separation_date <= on:
        return Scope.OUT, None
    for exemption in person.exemptions:
        if exemption.start <= on <= exemption.end:
            return Scope.OUT, None
    if grace_days > 0 and hired is not None:
        due = hired + timedelta(days=grace_days)
        if on < due:
            return Scope.GRACE, due
    return Scope.IN, None


def designation_scopes(person: Person) -> frozenset[str]:
    scopes = set()
    if person.designated_mhfa:
        scopes.add(DESIGNATED_MHFA)
    if person.designated_cit:
        scopes.add(DESIGNATED_CIT)
    return frozenset(scopes)


def histories_on(trainings: Iterable[Training], on: date) -> dict[PersonId, list[tuple[date, str]]]:
    """Trainings completed on or before ``on``, grouped by person, sorted by date: one pass, one sort each."""
    grouped: dict[PersonId, list[tuple[date, str]]] = {}
    for training in trainings:
        if training.completed_on <= on:
            entry = (training.completed_on, training.course_code)
            history = grouped.get(training.person_id)
            if history is None:
                grouped[training.person_id] = [entry]
            else:
                history.append(entry)
    for history in grouped.values():
        if len(history) > 1:
            history.sort()
    return grouped


class Certificate(NamedTuple):
    """A person's standing for one strategy on one date.

    ``expires_on`` is the first day it no longer counts: in the future while current (None = never expires),
    in the past once lapsed, None if never trained. A NamedTuple rather than a dataclass because the engine
    builds one per person per strategy and frozen dataclasses cost three times as much to create.
    """

    ever_trained: bool
    current: bool
    expires_on: date | None
    last_course_on: date | None  # latest accepted full course; recertifications are not new coverage


NEVER_TRAINED = Certificate(ever_trained=False, current=False, expires_on=None, last_course_on=None)


@dataclass(frozen=True, slots=True)
class Courses:
    """One strategy's accepted courses, compiled so the per-person loop does one dict lookup per record."""

    # accepted code -> (months it stays valid, None = forever; whether a recertification renews it)
    rules: dict[str, tuple[int | None, bool]]
    recert_codes: frozenset[str]
    recert_months: int


def compile_courses(edition: Edition, accepted: frozenset[str]) -> Courses:
    rules = {code: (edition.valid_months(code), code in edition.mhfa_codes) for code in accepted}
    return Courses(rules, edition.recert_codes, edition.mhfa_valid_months)


def certificate_from_history(history: History, on: date, courses: Courses) -> Certificate:
    """Standing on ``on`` from a date-sorted history already cut off at ``on``.

    A recertification renews only an MHFA certificate still current on the recert day; once lapsed, only the
    full course brings it back.
    """
    rules = courses.rules
    renewable_until: date | None = None
    other_until: date | None = None
    never_expires = False
    last_course: date | None = None
    for day, code in history:
        rule = rules.get(code)
        if rule is None:
            if renewable_until is not None and day < renewable_until and code in courses.recert_codes:
                renewed = add_months(day, courses.recert_months)
                if renewed > renewable_until:
                    renewable_until = renewed
            continue
        last_course = day
        months, renewable = rule
        if months is None:
            never_expires = True
            continue
        until = add_months(day, months)
        if renewable:
            if renewable_until is None or until > renewable_until:
                renewable_until = until
        elif other_until is None or until > other_until:
            other_until = until
    if last_course is None:
        return NEVER_TRAINED
    if never_expires:
        return Certificate(True, True, None, last_course)
    if renewable_until is None or (other_until is not None and other_until > renewable_until):
        renewable_until = other_until
    return Certificate(True, renewable_until is not None and on < renewable_until, renewable_until, last_course)


def certificate_on(
    trainings: Iterable[Training], on: date, edition: Edition, accepted: frozenset[str] | None = None
) -> Certificate:
    """One person's standing on ``on`` for a set of accepted courses (default: the edition's strategy 3)."""
    history = sorted((t.completed_on, t.course_code) for t in trainings if t.completed_on <= on)
    courses = compile_courses(edition, edition.s3_accepts if accepted is None else accepted)
    return certificate_from_history(history, on, courses)


def certification_expiry(trainings: Iterable[Training], edition: Edition, on: date) -> date | None:
    """When the person's MHFA certificate (as known on ``on``) stops counting; None if they never held one.

    The date may already have passed: that is the day it lapsed.
    """
    return certificate_on(trainings, on, edition, edition.mhfa_codes).expires_on


# (effective_on, sworn before, sworn after) for each change of a person's sworn status, oldest first.
SwornChange = tuple[date, bool, bool]


def sworn_on(changes: Sequence[SwornChange], on: date, now: bool) -> bool:
    """Whether a person was sworn on ``on``, given today's flag ``now`` and the changes that led to it."""
    for effective_on, before, _after in changes:
        if effective_on > on:
            return before  # the first change still ahead of D tells what was true on D
    return now
