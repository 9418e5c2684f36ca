"""Reads of the roster: the list page's query, the roster on a past date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from onemind.lib.dates import add_months
from onemind.roster.models import Person, PersonEvent, PersonStatus
from onemind.tenancy.models import Agency
from onemind.training.models import CourseType, TrainingRecord

PAGE_SIZE = 50
MHFA_VALID_MONTHS = 36

TRAINING_STATES = {
    "no_mhfa": "No MHFA",
    "mhfa_current": "MHFA current",
    "mhfa_expired": "MHFA expired",
    "cit": "CIT trained",
    "no_cit": "No CIT",
}
# Conditions on the annotations of with_training_state.
_TRAINING_FILTERS = {
    "no_mhfa": Q(has_mhfa=False),
    "mhfa_current": Q(has_mhfa=True, mhfa_recent=True),
    "mhfa_expired": Q(has_mhfa=True, mhfa_recent=False),
    "cit": Q(has_cit=True),
    "no_cit": Q(has_cit=False),
}
ORDERINGS = {
    "name": ("last_name", "first_name", "id"),
    "employee_number": ("employee_number", "id"),
    "hire_date": ("hire_date", "id"),
    "unit": ("unit", "last_name", "first_name", "id"),
}


def _accepted(person_ref: str = "pk") -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(
        person=OuterRef(person_ref), status=TrainingRecord.Status.ACCEPTED, course_type__approved=True
    )


def with_training_state(people: QuerySet[Person], today: dt.date | None = None) -> QuerySet[Person]:
    """Annotate `has_mhfa`, `mhfa_current` and `has_cit` with EXISTS subqueries (no per-row queries).

    "MHFA current" here is: an approved MHFA course, or an MHFA recertification, completed within the last
    36 months, by a person who has ever completed the full course. The person page shows the compliance
    engine's exact answer (which also checks that each recertification came before the certificate lapsed).
    """
    today = today or timezone.localdate()
    cutoff = add_months(today, -MHFA_VALID_MONTHS)
    mhfa = _accepted().filter(course_type__family=CourseType.Family.MHFA)
    recent = _accepted().filter(
        course_type__family__in=[CourseType.Family.MHFA, CourseType.Family.MHFA_RECERT], completed_on__gt=cutoff
    )
    cit = _accepted().filter(
        Q(course_type__family=CourseType.Family.CIT)
        | Q(course_type__family=CourseType.Family.CIT_DISPATCH, person__sworn=False)
    )
    return people.annotate(has_mhfa=Exists(mhfa), has_cit=Exists(cit), mhfa_recent=Exists(recent))


def roster_list(agency: Agency, params: Mapping[str, str]) -> QuerySet[Person]:
    """The roster list: search (name, employee or badge number), filters and ordering from GET parameters."""
    people = with_training_state(Person.objects.filter(agency=agency))
    q = params.get("q", "").strip()
    if q:
        condition = Q(employee_number__iexact=q) | Q(badge_number__iexact=q)
        for word in q.split()[:4]:
            condition |= Q(last_name__istartswith=word) | Q(first_name__istartswith=word)
        if len(q.split()) > 1:
            first, *_, last = q.split()
            condition |= Q(first_name__istartswith=first, last_name__istartswith=last)
        people = people.filter(condition)
    sworn = params.get("sworn", "")
    if sworn in ("yes", "no"):
        people = people.filter(sworn=sworn == "yes")
    for field in ("unit", "shift"):
        if params.get(field):
            people = people.filter(**{field: params[field]})
    status = params.get("status", "current")
    if status == "current":
        people = people.exclude(status=PersonStatus.SEPARATED)
    elif status in PersonStatus.values:
        people = people.filter(status=status)
    training_filter = _TRAINING_FILTERS.get(params.get("training", ""))
    if training_filter is not None:
        people = people.filter(training_filter)
    return people.order_by(*ORDERINGS.get(params.get("order", ""), ORDERINGS["name"]))


def filter_choices(agency: Agency) -> dict[str, list[str]]:
    """Distinct units and shifts for the filter selects (two indexed queries, independent of page size)."""
    people = Person.objects.filter(agency=agency)
    return {
        field: [v for v in people.order_by(field).values_list(field, flat=True).distinct() if v]
        for field in ("unit", "shift")
    }


@dataclass(frozen=True)
class RosterEntry:
    """A person as they stood on a past date."""

    person: Person
    sworn: bool
    unit: str
    shift: str
    district: str
    designated_mhfa: bool
    designated_cit: bool


def roster_on(agency: Agency, on: dt.date) -> list[RosterEntry]:
    """Who was on the roster on `on`, with the unit/shift/district/sworn/designation they had that day.

    Employment comes from HIRED / REHIRED / SEPARATED events (the latest one on or before `on` decides); a
    person without such events falls back to hire_date / separation_date. Attribute changes dated after `on`
    are undone using the [old, new] pairs the events carry. Two queries whatever the roster size.
    """
    people = list(Person.objects.filter(agency=agency).order_by("last_name", "first_name", "id"))
    events: dict[int, list[_Event]] = {}
    rows = PersonEvent.objects.filter(agency=agency).order_by("effective_on", "id")
    for person_id, kind, effective_on, details in rows.values_list("person_id", "kind", "effective_on", "details"):
        events.setdefault(person_id, []).append(_Event(kind, effective_on, details))
    entries = []
    for person in people:
        history = events.get(person.pk, [])
        if not _employed_on(person, history, on):
            continue
        values: dict[str, Any] = {
            "sworn": person.sworn,
            "unit": person.unit,
            "shift": person.shift,
            "district": person.district,
            "designated_mhfa": person.designated_mhfa,
            "designated_cit": person.designated_cit,
        }
        for event in reversed(history):
            if event.effective_on <= on:
                break
            for field, pair in event.details.items():
                if field in values and isinstance(pair, list) and len(pair) == 2:
                    values[field] = pair[0]
        entries.append(RosterEntry(person=person, **values))
    return entries


class _Event(NamedTuple):
    kind: str
    effective_on: dt.date
    details: dict[str, Any]


_EMPLOYMENT = {PersonEvent.Kind.HIRED, PersonEvent.Kind.REHIRED, PersonEvent.Kind.SEPARATED}


def _employed_on(person: Person, history: list[_Event], on: dt.date) -> bool:
    employment = [e for e in history if e.kind in _EMPLOYMENT]
    if not employment:
        if person.hire_date and person.hire_date > on:
            return False
        return not (person.separation_date and person.separation_date <= on)
    latest = None
    for event in employment:
        if event.effective_on > on:
            break
        latest = event
    if latest is None:
        # Hired after `on`, or the history starts later than the records do (e.g. an import with no hire date).
        first = employment[0]
        return first.kind == PersonEvent.Kind.SEPARATED and first.effective_on > on
    return latest.kind != PersonEvent.Kind.SEPARATED
