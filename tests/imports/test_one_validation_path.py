"""One table of bad values, refused alike by the form, the API and the importer (one validation path)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from onemind.imports.models import ImportChange
from onemind.roster.forms import PersonForm
from onemind.training.forms import SessionFields
from onemind.training.models import CourseType
from tests.api.conftest import ApiClient, make_token
from tests.conftest import Cast
from tests.imports.conftest import csv_bytes, upload
from tests.roster.helpers import make_person

pytestmark = pytest.mark.django_db

FAR = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
SOON = (timezone.localdate() + dt.timedelta(days=5)).isoformat()

# (field, bad value, words the refusal must contain wherever it comes from)
TRAINING = [
    ("hours", "500", "at most 200"),
    ("hours", "0", "more than 0"),
    ("completed_on", SOON, "in the future"),
    ("completed_on", "1949-12-31", "before 1950"),
]
PEOPLE = [
    ("hire_date", FAR, "more than 366 days in the future"),
    ("hire_date", "1949-06-01", "before 1950"),
]


def import_errors(batch: Any) -> str:
    with scopes_disabled():
        return " | ".join(e[2] for c in ImportChange.objects.filter(batch=batch, action="error") for e in c.errors)


@pytest.mark.parametrize(("field", "value", "words"), TRAINING)
def test_a_bad_training_value_is_refused_by_form_api_and_import(cast: Cast, field: str, value: str, words: str) -> None:
    person = make_person(cast.agency)
    good = {"course_type": "", "completed_on": "2025-05-01", "hours": "8"}
    with scopes_disabled():
        good["course_type"] = str(CourseType.objects.get(code="MHFA-PS").pk)
    form = SessionFields({**good, field: value})
    assert not form.is_valid() and words in " ".join(form.errors.get(field, []))

    client = ApiClient(make_token(cast.admin, cast.agency))
    body = {"employee_number": person.employee_number, "course": "MHFA-PS", "completed_on": "2025-05-01", "hours": 8}
    response = client.send("POST", "/api/v1/training-records/", {**body, field: value})
    assert response.status_code == 400 and words in str(response.json()["error"])

    header = ["employee_number", "course_code", "completed_on", "hours"]
    row = {"employee_number": person.employee_number, "course_code": "MHFA-PS", "completed_on": "2025-05-01"}
    row |= {"hours": "8", field: value}
    batch = upload(cast.agency, cast.coordinator, csv_bytes([header, [row[h] for h in header]]), kind="training")
    assert batch.counts["create"] == 0 and words in import_errors(batch)


@pytest.mark.parametrize(("field", "value", "words"), PEOPLE)
def test_a_bad_person_value_is_refused_by_form_api_and_import(cast: Cast, field: str, value: str, words: str) -> None:
    with scope(agency=cast.agency):
        form = PersonForm({"last_name": "Ames", field: value}, agency=cast.agency)
        assert not form.is_valid() and words in " ".join(form.errors.get(field, []))

    client = ApiClient(make_token(cast.admin, cast.agency))
    response = client.send("PUT", "/api/v1/people/H-1/", {"last_name": "Ames", field: value})
    assert response.status_code == 400 and words in str(response.json()["error"])

    header = ["employee_number", "last_name", "sworn", field]
    batch = upload(cast.agency, cast.coordinator, csv_bytes([header, ["H-1", "Ames", "Y", value]]))
    assert batch.counts["create"] == 0 and words in import_errors(batch)
