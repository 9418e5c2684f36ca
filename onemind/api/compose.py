"""API writes composed from the roster and training services (which hold every rule the UI and importer share).

Nothing here re-validates a field: it resolves references (employee numbers, course codes), locks the row an
update touches, and turns races into clean 409s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework import exceptions

from onemind.accounts.security import log_event
from onemind.api.errors import Conflict
from onemind.compliance.selectors import compliance_figures
from onemind.roster.models import Person
from onemind.roster.services import create_person, update_person, validate_person_fields
from onemind.tenancy.models import Agency
from onemind.training.models import CourseType, TrainingRecord
from onemind.training.services import record_training, validate_training_fields

DETAIL_FIELDS = ("hours", "provider", "instructor", "format", "certificate_number")


@transaction.atomic
def upsert_person(
    *,
    actor: Any,
    agency: Agency,
    employee_number: str,
    data: dict[str, Any],
    create: bool,
    check: Callable[[Person], None],
) -> tuple[Person, bool]:
    """Create the person with this employee number, or update them (row locked, so concurrent updates queue and
    the loser sees the new version in `check`)."""
    values = {k: v for k, v in data.items() if k != "effective_on"}
    person = Person.objects.select_for_update().filter(employee_number=employee_number).first()
    if person is not None:
        check(person)
        return update_person(actor=actor, person=person, effective_on=data.get("effective_on"), **values), False
    if not create:
        raise exceptions.NotFound("No person with this employee number.")
    try:
        with transaction.atomic():
            return create_person(actor=actor, agency=agency, employee_number=employee_number, **values), True
    except IntegrityError as exc:  # the same employee number created by a concurrent request
        raise Conflict("A person with this employee number was created at the same moment; retry.") from exc


@transaction.atomic
def upsert_people(
    *, actor: Any, agency: Agency, rows: list[dict[str, Any]], request: Any = None
) -> tuple[int, int, int]:
    """Create or update many people by employee number, all or nothing, with every row's errors reported first.

    Returns (created, updated, unchanged). Rows are checked with the same validate_person_fields the roster form
    and the importer use, then written with create_person / update_person (history events and audit entries)."""
    numbers = [row["employee_number"] for row in rows]
    existing = {
        p.employee_number: p
        for p in Person.objects.select_for_update().filter(agency=agency, employee_number__in=set(numbers))
    }
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for index, row in enumerate(rows):
        number = row["employee_number"]
        if number in seen:
            errors[f"people[{index}].employee_number"] = f"Employee number {number} appears twice in this request."
        seen.add(number)
        values = {k: v for k, v in row.items() if k != "effective_on"}
        found = validate_person_fields(agency, values, instance=existing.get(number), check_unique=False)
        errors |= {f"people[{index}].{field}": message for field, message in found.items()}
    if errors:
        raise ValidationError(errors)
    created = updated = 0
    for row in rows:
        values = {k: v for k, v in row.items() if k not in ("effective_on", "employee_number")}
        person = existing.get(row["employee_number"])
        if person is None:
            create_person(actor=actor, agency=agency, employee_number=row["employee_number"], **values)
            created += 1
        else:
            version = person.version
            update_person(actor=actor, person=person, effective_on=row.get("effective_on"), **values)
            updated += int(person.version != version)
    unchanged = len(rows) - created - updated
    log_event("api.roster_import", request, agency_id=agency.pk, created=created, updated=updated, unchanged=unchanged)
    return created, updated, unchanged


def _people(agency: Agency, rows: list[dict[str, Any]]) -> tuple[dict[str, Person], dict[str, Person]]:
    numbers = {r["employee_number"] for r in rows if r.get("employee_number")}
    ids = {r["person_id"] for r in rows if r.get("person_id")}
    by_number = {p.employee_number: p for p in Person.objects.filter(agency=agency, employee_number__in=numbers)}
    by_id = {str(p.public_id): p for p in Person.objects.filter(agency=agency, public_id__in=ids)}
    return by_number, by_id


def _resolve(
    row: dict[str, Any], by_number: dict[str, Person], by_id: dict[str, Person], courses: dict[str, CourseType]
) -> tuple[Person | None, CourseType | None, dict[str, str]]:
    errors: dict[str, str] = {}
    if row.get("person_id"):
        person = by_id.get(str(row["person_id"]))
        if person is None:
            errors["person_id"] = "No person with this id in your agency."
    else:
        person = by_number.get(row["employee_number"])
        if person is None:
            errors["employee_number"] = "No person with this employee number in your agency."
    course = courses.get(row["course"].upper())
    if course is None:
        errors["course"] = "Unknown course code."
    errors |= validate_training_fields(
        course_type=course, completed_on=row["completed_on"], hours=row.get("hours"), format=row.get("format", "")
    )
    errors.pop("course_type", None)
    return person, course, errors


def _courses() -> dict[str, CourseType]:
    return {c.code.upper(): c for c in CourseType.objects.all()}


def _details(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in DETAIL_FIELDS if k in row and row[k] is not None}


def create_training(*, actor: Any, agency: Agency, data: dict[str, Any]) -> TrainingRecord:
    by_number, by_id = _people(agency, [data])
    person, course, errors = _resolve(data, by_number, by_id, _courses())
    if errors or person is None or course is None:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return record_training(
                actor=actor,
                person=person,
                course_type=course,
                completed_on=data["completed_on"],
                source=TrainingRecord.Source.API,
                **_details(data),
            )
    except IntegrityError as exc:
        raise Conflict("The same record was created at the same moment.") from exc


@transaction.atomic
def upsert_training(
    *, actor: Any, agency: Agency, rows: list[dict[str, Any]], request: Any = None
) -> tuple[list[TrainingRecord], int]:
    """All or nothing: every row is checked first and errors are reported per row; existing records are kept."""
    by_number, by_id = _people(agency, rows)
    courses = _courses()
    errors: dict[str, str] = {}
    wanted: dict[tuple[int, int, dt.date], dict[str, Any]] = {}
    for index, row in enumerate(rows):
        person, course, row_errors = _resolve(row, by_number, by_id, courses)
        errors |= {f"records[{index}].{field}": message for field, message in row_errors.items()}
        if not row_errors and person is not None and course is not None:
            wanted.setdefault((person.pk, course.pk, row["completed_on"]), {**row, "_p": person, "_c": course})
    if errors:
        raise ValidationError(errors)
    existing = set(
        TrainingRecord.objects.filter(agency=agency, person_id__in={k[0] for k in wanted}).values_list(
            "person_id", "course_type_id", "completed_on"
        )
    )
    created = [
        record_training(
            actor=actor,
            person=row["_p"],
            course_type=row["_c"],
            completed_on=row["completed_on"],
            source=TrainingRecord.Source.API,
            **_details(row),
        )
        for key, row in wanted.items()
        if key not in existing
    ]
    unchanged = len(rows) - len(created)
    log_event("api.training_import", request, agency_id=agency.pk, created=len(created), unchanged=unchanged)
    return created, unchanged


def compliance_on(agency: Agency, on: dt.date) -> dict[str, Any]:
    """The compliance engine's figures for the agency on `on` (numbers only, no names)."""
    return compliance_figures(agency, on)
