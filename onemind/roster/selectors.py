"""Reads of the roster: the list page's query and training states, the roster on a past date."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from onemind.compliance.loader import course_catalog, current_pledge_row
from onemind.compliance.loader import edition_for as edition_for_pledge
from onemind.engine import Edition, Training, histories_on
from onemind.engine.people import Courses
from onemind.roster.models import Person, PersonEvent, PersonStatus
from onemind.tenancy.models import Agency
from onemind.training.models import TrainingRecord
from onemind.training.selectors import PersonCertificates, certificates_from_history, compile_standing_courses

PAGE_SIZE = 50

TRAINING_STATES = {
    "mhfa_current": "MHFA current",
    "mhfa_expiring": "MHFA expiring within 90 days",
    "mhfa_expired": "MHFA expired",
    "no_mhfa": "No MHFA",
    "cit": "CIT trained",
    "no_cit": "No CIT",
}
# state → (does a person's standing match it, is the filter "these people" (True) or "everyone but these")
_STATE_TESTS: dict[str, tuple[Callable[[PersonCertificates], bool], bool]] = {
    "mhfa_current": (lambda c: c.mhfa.current, True),
    "mhfa_expiring": (lambda c: c.mhfa_state == "expiring", True),
    "mhfa_expired": (lambda c: c.mhfa_state == "expired", True),
    "no_mhfa": (lambda c: c.mhfa.ever_trained, False),
    "cit": (lambda c: c.cit.current, True),
    "no_cit": (lambda c: c.cit.current, False),
}
ORDERINGS = {
    "name": ("last_name", "first_name", "id"),
    "employee_number": ("employee_number", "id"),
    "hire_date": ("hire_date", "id"),
    "unit": ("unit", "last_name", "first_name", "id"),
}


@dataclass(frozen=True)
class TrainingContext:
    """What judging people's training needs, loaded once per page: the edition and the course codes."""

    on: dt.date
    edition: Edition
    codes: dict[int, str]  # course type id → code, only the codes MHFA/CIT standing depends on
    courses: tuple[Courses, Courses, Courses]


def training_context(agency: Agency, on: dt.date | None = None) -> TrainingContext:
    """Three small queries whatever the roster size: pledge (+ edition), course catalog, default edition."""
    catalog = course_catalog()
    edition = edition_for_pledge(current_pledge_row(agency), catalog)
    relevant = edition.mhfa_codes | edition.recert_codes | edition.s4_accepts | edition.s4_designated_accepts
    codes = {pk: code for pk, code in catalog.codes.items() if code in relevant}
    return TrainingContext(on or timezone.localdate(), edition, codes, compile_standing_courses(edition))


def training_standings(
    agency: Agency, ctx: TrainingContext, person_ids: Iterable[int] | None = None
) -> dict[int, PersonCertificates]:
    """The compliance engine's MHFA/CIT standing of everyone with accepted training (or of `person_ids`).

    One query for the records, then the engine's own per-person rule (renewal by recertification only while the
    certificate is current), so the roster list says exactly what the dashboard and the person's page say.
    People missing from the result have never been trained.
    """
    records = TrainingRecord.objects.filter(
        agency=agency, status=TrainingRecord.Status.ACCEPTED, course_type_id__in=list(ctx.codes)
    )
    ids = None if person_ids is None else list(person_ids)
    if ids is not None:
        records = records.filter(person_id__in=ids)
    codes = ctx.codes
    trainings = [
        Training(person_id, codes[course_id], completed_on)
        for person_id, course_id, completed_on in records.order_by().values_list(
            "person_id", "course_type_id", "completed_on"
        )
    ]
    # Non-sworn staff are the few: one narrow query instead of joining every record to its person.
    civilians = Person.objects.filter(agency=agency, sworn=False)
    if ids is not None:
        civilians = civilians.filter(pk__in=ids)
    non_sworn = set(civilians.values_list("pk", flat=True))
    return {
        int(pk): certificates_from_history(history, pk not in non_sworn, ctx.on, ctx.edition, ctx.courses)
        for pk, history in histories_on(trainings, ctx.on).items()
    }


def attach_training_state(people: list[Person], agency: Agency, ctx: TrainingContext | None = None) -> list[Person]:
    """Set `person.training` (a PersonCertificates) on each person of a page: one query for the page."""
    ctx = ctx or training_context(agency)
    standings = training_standings(agency, ctx, [p.pk for p in people]) if people else {}
    never = certificates_from_history((), True, ctx.on, ctx.edition, ctx.courses)
    for person in people:
        person.training = standings.get(person.pk, never)  # type: ignore[attr-defined]
    return people


def _ids_in(ids: Iterable[int]) -> RawSQL:
    """`pk__in` for any number of ids in ONE query parameter (a JSON array): a 36,000-person agency would
    otherwise exceed SQLite's limit on parameters."""
    payload = json.dumps(sorted(ids))
    if connection.vendor == "postgresql":
        return RawSQL("SELECT (jsonb_array_elements_text(%s::jsonb))::bigint", [payload])
    return RawSQL("SELECT value FROM json_each(%s)", [payload])


def _training_filter(people: QuerySet[Person], agency: Agency, state: str) -> QuerySet[Person]:
    test, include = _STATE_TESTS[state]
    standings = training_standings(agency, training_context(agency))
    ids = [pk for pk, standing in standings.items() if test(standing)]
    return people.filter(pk__in=_ids_in(ids)) if include else people.exclude(pk__in=_ids_in(ids))


def roster_list(agency: Agency, params: Mapping[str, str]) -> QuerySet[Person]:
    """The roster list: search (name, employee or badge number), filters and ordering from GET parameters."""
    people: QuerySet[Person] = Person.objects.filter(agency=agency)
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
    if params.get("training", "") in _STATE_TESTS:
        people = _training_filter(people, agency, params["training"])
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
