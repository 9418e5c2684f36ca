from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.roster.models import Exemption, Person, PersonEvent
from tests.conftest import Cast
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db


def _url(cast: Cast, name: str, **kwargs: object) -> str:
    return reverse(f"roster:{name}", kwargs={"agency_slug": cast.agency.slug, **kwargs})


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.last_name for p in response.context["page"]]


def test_the_roster_list_shows_the_agencys_people_and_not_another_agencys(cast: Cast) -> None:
    make_person(cast.agency, last_name="Homeperson")
    make_person(cast.other_agency, last_name="Foreignperson")
    response = cast.client_for("viewer").get(_url(cast, "list"))
    assert response.status_code == 200
    assert _names(response) == ["Homeperson"]
    assert b"Foreignperson" not in response.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "Ablett"}, ["Ablett"]),
        ({"q": "E555"}, ["Ablett"]),
        ({"q": "B777"}, ["Brandt"]),
        ({"q": "jo brandt"}, ["Brandt"]),
        ({"sworn": "no"}, ["Brandt"]),
        ({"unit": "Traffic"}, ["Brandt"]),
        ({"shift": "Night"}, ["Ablett"]),
        ({"status": "separated"}, ["Cole"]),
        ({"status": "all"}, ["Ablett", "Brandt", "Cole"]),
        ({"training": "no_mhfa"}, ["Brandt"]),
        ({"training": "mhfa_current"}, ["Ablett"]),
        ({"training": "mhfa_expired"}, []),
        ({"training": "cit"}, ["Brandt"]),
        ({"order": "employee_number"}, ["Brandt", "Ablett"]),
    ],
)
@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))
def test_search_and_filters_narrow_the_roster(cast: Cast, query: dict[str, str], expected: list[str]) -> None:
    ablett = make_person(cast.agency, last_name="Ablett", first_name="Kim", employee_number="E555", shift="Night")
    brandt = make_person(
        cast.agency,
        last_name="Brandt",
        first_name="Jo",
        badge_number="B777",
        sworn=False,
        unit="Traffic",
        employee_number="A1",
    )
    make_person(cast.agency, last_name="Cole", status="separated", separation_date=dt.date(2020, 1, 1))
    make_training(ablett, "MHFA-PS", dt.date(2024, 5, 1))
    make_training(brandt, "CIT-911", dt.date(2024, 5, 1))
    response = cast.client_for("viewer").get(_url(cast, "list"), query)
    assert _names(response) == expected


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))
def test_mhfa_older_than_three_years_shows_as_expired_and_a_recertification_renews_it(cast: Cast) -> None:
    expired = make_person(cast.agency, last_name="Expired")
    renewed = make_person(cast.agency, last_name="Renewed")
    make_training(expired, "MHFA-PS", dt.date(2023, 2, 28))
    make_training(renewed, "MHFA-PS", dt.date(2022, 6, 1))
    make_training(renewed, "MHFA-RECERT", dt.date(2025, 5, 1))
    client = cast.client_for("viewer")
    assert _names(client.get(_url(cast, "list"), {"training": "mhfa_expired"})) == ["Expired"]
    assert _names(client.get(_url(cast, "list"), {"training": "mhfa_current"})) == ["Renewed"]
    page = client.get(_url(cast, "detail", person_id=renewed.public_id))
    assert page.context["certificates"].mhfa.expires_on == dt.date(2028, 5, 1)


def test_the_roster_list_makes_the_same_number_of_queries_for_3_and_60_people(cast: Cast) -> None:
    client = cast.client_for("viewer")
    url = _url(cast, "list")

    def populate(n: int) -> None:
        for i in range(n):
            person = make_person(cast.agency, unit=f"Unit {i % 4}")
            if i % 2:
                make_training(person, "MHFA-PS", dt.date(2025, 1, 1))
            if i % 3 == 0:
                make_training(person, "CIT-40", dt.date(2024, 1, 1))

    populate(3)
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url).context["page"]) == 3
    populate(57)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["page"]) == 50 and response.context["page"].paginator.count == 60
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_a_coordinator_adds_a_person_and_the_page_shows_the_audit_trail(cast: Cast) -> None:
    client = cast.client_for("coordinator")
    response = client.post(
        _url(cast, "add"),
        {
            "last_name": "Newhire",
            "first_name": "Lee",
            "employee_number": "9001",
            "sworn": "on",
            "hire_date": "2025-09-01",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        person = Person.objects.get(employee_number="9001")
        assert person.events.get().kind == PersonEvent.Kind.HIRED
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"roster.person_created" in page.content and b"coordinator@example.org" in page.content


def test_adding_a_duplicate_employee_number_re_renders_the_form_with_the_message(cast: Cast) -> None:
    make_person(cast.agency, last_name="First", first_name="Ann", employee_number="42")
    response = cast.client_for("coordinator").post(_url(cast, "add"), {"last_name": "Second", "employee_number": "42"})
    assert response.status_code == 200
    assert "Employee number 42 is already used by Ann First" in response.content.decode()


def test_editing_a_unit_records_a_transfer_with_the_effective_date(cast: Cast) -> None:
    person = make_person(cast.agency, last_name="Mover", unit="Patrol")
    data = {
        "last_name": "Mover",
        "first_name": "Alex",
        "employee_number": person.employee_number,
        "sworn": "on",
        "unit": "Detectives",
        "hire_date": "2015-01-05",
        "effective_on": "2025-07-01",
    }
    response = cast.client_for("coordinator").post(_url(cast, "edit", person_id=person.public_id), data)
    assert response.status_code == 302
    with scopes_disabled():
        event = person.events.get(kind=PersonEvent.Kind.TRANSFERRED)
    assert (event.effective_on, event.details) == (dt.date(2025, 7, 1), {"unit": ["Patrol", "Detectives"]})


def test_separating_before_hire_through_the_page_shows_the_reason(cast: Cast) -> None:
    person = make_person(cast.agency, hire_date=dt.date(2020, 1, 1))
    response = cast.client_for("coordinator").post(
        _url(cast, "separate", person_id=person.public_id), {"on": "2019-01-01", "reason": "Retired"}
    )
    assert response.status_code == 200
    assert "is before the hire date 2020-01-01" in response.content.decode()


def test_adding_an_exemption_makes_the_signed_in_user_the_approver(cast: Cast) -> None:
    person = make_person(cast.agency)
    response = cast.client_for("coordinator").post(
        _url(cast, "add_exemption", person_id=person.public_id),
        {"reason": "military", "start": "2026-01-01", "end": "2026-12-31", "note": "Deployment"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Exemption.objects.get(person=person).approved_by == cast.coordinator


def test_a_viewer_cannot_write_to_the_roster(cast: Cast) -> None:
    person = make_person(cast.agency, last_name="Keep")
    client = cast.client_for("viewer")
    assert client.post(_url(cast, "add"), {"last_name": "Sneaky"}).status_code == 403
    assert client.post(_url(cast, "edit", person_id=person.public_id), {"last_name": "Changed"}).status_code == 403
    assert client.post(_url(cast, "positions"), {}).status_code == 403
    with scopes_disabled():
        assert not Person.objects.filter(last_name__in=["Sneaky", "Changed"]).exists()


def test_an_outsider_gets_404_for_a_person_and_anonymous_is_sent_to_sign_in(cast: Cast) -> None:
    person = make_person(cast.agency)
    url = _url(cast, "detail", person_id=person.public_id)
    assert cast.client_for("outsider").get(url).status_code == 404
    assert cast.client_for("anonymous").get(url)["Location"].startswith(reverse("accounts:login"))


def test_a_person_of_another_agency_is_not_found_through_this_agencys_url(cast: Cast) -> None:
    foreign = make_person(cast.other_agency)
    assert cast.client_for("admin").get(_url(cast, "detail", person_id=foreign.public_id)).status_code == 404
    response = cast.client_for("admin").post(
        _url(cast, "separate", person_id=foreign.public_id), {"on": "2026-01-01", "reason": "x"}
    )
    assert response.status_code == 404


def test_the_positions_page_saves_titles_and_applies_them(cast: Cast) -> None:
    person = make_person(cast.agency, sworn=False, rank="Dispatcher")
    data = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "0",
        "form-0-title": "dispatcher",
        "form-0-for_mhfa": "on",
        "form-1-title": "",
        "form-2-title": "",
    }
    response = cast.client_for("coordinator").post(_url(cast, "positions"), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.designated_mhfa and not person.designated_cit


def test_a_coordinator_can_put_a_person_on_leave_from_the_edit_page(cast: Cast) -> None:
    person = make_person(cast.agency, last_name="Resting")
    data = {"last_name": "Resting", "employee_number": person.employee_number, "sworn": "on", "status": "leave"}
    response = cast.client_for("coordinator").post(_url(cast, "edit", person_id=person.public_id), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == "leave"
