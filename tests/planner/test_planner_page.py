"""The planner page: the agency's own figures, assumptions that move the projection (htmx), seats reserved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.courses.models import Registration
from tests.conftest import Cast
from tests.courses.helpers import make_provider, make_session
from tests.roster.helpers import make_person, make_training


def _url(cast: Cast, name: str = "planner:index") -> str:
    return reverse(name, kwargs={"agency_slug": cast.agency.slug})


def _roster(cast: Cast, sworn: int = 9, cit: int = 1, mhfa: int = 4) -> list[Any]:
    today = timezone.localdate()
    people = []
    for i in range(sworn):
        person = make_person(cast.agency, sworn=True, hire_date=dt.date(2015, 1, 5))
        if i < mhfa:
            make_training(person, "MHFA-PS", today - dt.timedelta(days=30))
        if i < cit:
            make_training(person, "CIT-40", today - dt.timedelta(days=30))
        people.append(person)
    # One sworn hire and one separation in the last year, for the rates.
    make_person(cast.agency, sworn=True, hire_date=today - dt.timedelta(days=100))
    make_person(
        cast.agency,
        sworn=True,
        hire_date=dt.date(2010, 1, 1),
        separation_date=today - dt.timedelta(days=50),
        status="separated",
    )
    return people


@pytest.mark.django_db
def test_the_planner_shows_todays_figures_the_advice_and_the_method(cast: Cast) -> None:
    _roster(cast)
    page = cast.client_for("coordinator").get(_url(cast)).content.decode()
    assert "10 sworn officers in scope, 4 with a current MHFA certificate, 1 with CIT" in page
    assert "1 sworn hire" in page and "1 separation" in page
    assert "How the projection works" in page and "Order within a month" in page
    assert "People to train per month, by course" in page
    assert '<svg class="om-chart"' in page and "Projected training coverage" in page


@pytest.mark.django_db
def test_changing_an_assumption_moves_the_projection_through_htmx(cast: Cast) -> None:
    _roster(cast)
    client = cast.client_for("coordinator")
    partial = client.get(_url(cast), {"seats_cit": "0"}, headers={"HX-Request": "true"}).content.decode()
    assert "<h1>" not in partial  # only the projection is redrawn
    assert "CIT (strategy 4): <strong>target not reached</strong>" in partial
    enough = client.get(_url(cast), {"seats_cit": "5"}, headers={"HX-Request": "true"}).content.decode()
    assert "CIT (strategy 4): target reached in" in enough


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{"hires": "-3"}, {"attrition": "250"}, {"seats_mhfa": "²"}, {"window": "7"}, {"radius": "x"}, {"hires": "1e400"}],
)
def test_bad_assumptions_are_named_and_never_a_500(cast: Cast, params: dict[str, str]) -> None:
    _roster(cast)
    response = cast.client_for("coordinator").get(_url(cast), params)
    assert response.status_code == 200
    assert "usa-error-message" in response.content.decode()


@pytest.mark.django_db
def test_seats_are_reserved_in_bulk_for_chosen_people(cast: Cast) -> None:
    people = _roster(cast, cit=0)
    session = make_session(make_provider(cast.provider), code="CIT-40")
    page = cast.client_for("coordinator").get(_url(cast)).content.decode()
    assert str(session.public_id) in page and "2 seats left" in page
    assert str(people[3].public_id) in page  # without CIT: a candidate
    response = cast.client_for("coordinator").post(
        _url(cast, "planner:reserve"),
        {"session": str(session.public_id), "people": [str(people[0].public_id), str(people[1].public_id)]},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Registration.objects.filter(session=session, status="confirmed").count() == 2


@pytest.mark.django_db
def test_another_agencys_person_cannot_be_reserved(cast: Cast) -> None:
    _roster(cast)
    stranger = make_person(cast.other_agency, sworn=True)
    session = make_session(make_provider(cast.provider))
    cast.client_for("coordinator").post(
        _url(cast, "planner:reserve"), {"session": str(session.public_id), "people": [str(stranger.public_id)]}
    )
    with scopes_disabled():
        assert not Registration.objects.filter(session=session).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("outsider", 404), ("staff", 403), ("liaison", 404)])
def test_only_coordinators_and_admins_reserve(cast: Cast, who: str, status: int) -> None:
    people = _roster(cast)
    session = make_session(make_provider(cast.provider))
    response = cast.client_for(who).post(
        _url(cast, "planner:reserve"), {"session": str(session.public_id), "people": [str(people[0].public_id)]}
    )
    assert response.status_code == status
    with scopes_disabled():
        assert not Registration.objects.filter(session=session).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("viewer", 200), ("staff", 200), ("outsider", 404), ("officer", 404)])
def test_who_sees_the_planner(cast: Cast, who: str, status: int) -> None:
    people = _roster(cast)
    response = cast.client_for(who).get(_url(cast))
    assert response.status_code == status
    if who in ("viewer", "staff"):
        # Reading the plan is not registering people: no names, no reserve button.
        assert people[5].last_name not in response.content.decode()
        assert "Reserve seats" not in response.content.decode()


def _queries(cast: Cast) -> int:
    client = cast.client_for("coordinator")
    client.get(_url(cast))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(cast)).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_planner_costs_the_same_queries_whatever_the_roster_size(cast: Cast) -> None:
    _roster(cast, sworn=3)
    few = _queries(cast)
    _roster(cast, sworn=40)
    assert _queries(cast) == few
