from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.training.models import CourseType, TrainingRecord
from tests.conftest import Cast
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db


def _url(cast: Cast, name: str, **kwargs: object) -> str:
    return reverse(f"training:{name}", kwargs={"agency_slug": cast.agency.slug, **kwargs})


def _course(code: str) -> int:
    return CourseType.objects.get(code=code).pk


def test_recording_one_training_from_the_persons_page(cast: Cast) -> None:
    person = make_person(cast.agency)
    client = cast.client_for("coordinator")
    form = client.get(_url(cast, "add"), {"person": str(person.public_id)})
    assert form.status_code == 200 and person.full_name in form.content.decode()
    response = client.post(
        _url(cast, "add") + f"?person={person.public_id}",
        {
            "course_type": _course("MHFA-PS"),
            "completed_on": "2025-10-01",
            "hours": "8",
            "format": "in_person",
            "certificate_number": "MH-123",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        record = TrainingRecord.objects.get(person=person)
    assert (record.certificate_number, record.format, record.created_by) == ("MH-123", "in_person", cast.coordinator)


def test_an_unknown_employee_number_is_reported_on_the_form(cast: Cast) -> None:
    response = cast.client_for("coordinator").post(
        _url(cast, "add"), {"person_number": "nope", "course_type": _course("MHFA-PS"), "completed_on": "2025-10-01"}
    )
    assert "Nobody on the roster has employee or badge number nope" in response.content.decode()


def test_a_person_of_another_agency_cannot_be_picked(cast: Cast) -> None:
    foreign = make_person(cast.other_agency)
    client = cast.client_for("coordinator")
    assert client.get(_url(cast, "add"), {"person": str(foreign.public_id)}).status_code == 404
    response = client.post(
        _url(cast, "add"),
        {"person_number": foreign.employee_number, "course_type": _course("MHFA-PS"), "completed_on": "2025-10-01"},
    )
    assert response.status_code == 200
    with scopes_disabled():
        assert not TrainingRecord.objects.exists()


def test_entering_a_class_records_every_ticked_attendee_and_lists_duplicates(cast: Cast) -> None:
    people = [make_person(cast.agency, unit="Patrol") for _ in range(3)]
    make_training(people[0], "MHFA-PS", dt.date(2025, 11, 3))
    client = cast.client_for("coordinator")
    page = client.get(_url(cast, "class"), {"unit": "Patrol"})
    assert all(p.last_name in page.content.decode() for p in people)
    response = client.post(
        _url(cast, "class"),
        {
            "course_type": _course("MHFA-PS"),
            "completed_on": "2025-11-03",
            "hours": "8",
            "provider": "County CMHC",
            "attendees": [str(p.public_id) for p in people],
        },
        follow=True,
    )
    text = response.content.decode()
    assert "2 MHFA-PS records created" in text and f"not added again: {people[0].full_name}" in text
    with scopes_disabled():
        assert TrainingRecord.objects.filter(completed_on=dt.date(2025, 11, 3)).count() == 3


def test_a_class_with_a_foreign_attendee_id_writes_nothing(cast: Cast) -> None:
    home, foreign = make_person(cast.agency), make_person(cast.other_agency)
    response = cast.client_for("coordinator").post(
        _url(cast, "class"),
        {
            "course_type": _course("CIT-40"),
            "completed_on": "2025-11-03",
            "attendees": [str(home.public_id), str(foreign.public_id)],
        },
    )
    assert response.status_code == 200 and "not on this agency" in response.content.decode()
    with scopes_disabled():
        assert not TrainingRecord.objects.exists()


def test_the_training_list_filters_by_course_status_and_date_range(cast: Cast) -> None:
    person = make_person(cast.agency)
    make_training(person, "MHFA-PS", dt.date(2023, 1, 1))
    make_training(person, "CIT-40", dt.date(2025, 1, 1))
    make_training(person, "MHFA-RECERT", dt.date(2025, 6, 1), status="pending")
    make_training(make_person(cast.other_agency), "CIT-40", dt.date(2025, 1, 1))
    client = cast.client_for("viewer")

    def codes(**params: str) -> list[str]:
        return [r.course_type.code for r in client.get(_url(cast, "list"), params).context["page"]]

    assert codes() == ["MHFA-RECERT", "CIT-40", "MHFA-PS"]
    assert codes(course="CIT-40") == ["CIT-40"]
    assert codes(status="pending") == ["MHFA-RECERT"]
    assert codes(**{"from": "2024-01-01", "to": "2025-03-01"}) == ["CIT-40"]


def test_accepting_and_rejecting_pending_records_through_the_page(cast: Cast) -> None:
    a = make_training(make_person(cast.agency), status="pending", source="course")
    b = make_training(make_person(cast.agency), status="pending", source="self")
    client = cast.client_for("coordinator")
    assert a.person.last_name in client.get(_url(cast, "pending")).content.decode()
    assert client.post(_url(cast, "accept", record_id=a.public_id)).status_code == 302
    assert client.post(_url(cast, "reject", record_id=b.public_id), {"reason": "Wrong person"}).status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status, b.rejection_reason) == ("accepted", "rejected", "Wrong person")


def test_a_viewer_cannot_accept_and_an_outsider_cannot_see_pending_records(cast: Cast) -> None:
    record = make_training(make_person(cast.agency), status="pending")
    assert cast.client_for("viewer").post(_url(cast, "accept", record_id=record.public_id)).status_code == 403
    assert cast.client_for("outsider").get(_url(cast, "pending")).status_code == 404
    assert cast.client_for("outsider").post(_url(cast, "accept", record_id=record.public_id)).status_code == 404
    record.refresh_from_db()
    assert record.status == "pending"
