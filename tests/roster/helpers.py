"""Small builders for roster and training tests (generated names only)."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from django_scopes import scopes_disabled

from onemind.roster.models import Person
from onemind.tenancy.models import Agency
from onemind.training.models import CourseType, TrainingRecord

_numbers = count(1000)


def make_person(agency: Agency, **fields: Any) -> Person:
    number = next(_numbers)
    values: dict[str, Any] = {
        "last_name": f"Testperson{number}",
        "first_name": "Alex",
        "employee_number": f"E{number}",
        "badge_number": f"B{number}",
        "hire_date": dt.date(2015, 1, 5),
    }
    values.update(fields)
    with scopes_disabled():
        return Person.objects.create(agency=agency, **values)


def make_training(
    person: Person, code: str = "MHFA-PS", on: dt.date = dt.date(2025, 6, 1), **fields: Any
) -> TrainingRecord:
    with scopes_disabled():
        return TrainingRecord.objects.create(
            agency_id=person.agency_id,
            person=person,
            course_type=CourseType.objects.get(code=code),
            completed_on=on,
            **fields,
        )


def make_officer(cast: Any, **fields: Any) -> Person:
    """The cast's officer account linked to a new person on the home agency's roster (as after accepting)."""
    return make_person(cast.agency, user=cast.officer, email=cast.officer.email, **fields)
