"""The roster list's training-state filters agree with the compliance engine, at a constant query count."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.compliance.loader import load_agency_records
from onemind.engine import certificate_on
from onemind.roster.models import Person
from onemind.training.models import CourseType, TrainingRecord
from onemind.training.selectors import edition_for
from tests.conftest import Cast
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_1_march_2026() -> object:
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


def _names(cast: Cast, training: str) -> list[str]:
    url = reverse("roster:list", kwargs={"agency_slug": cast.agency.slug})
    response = cast.client_for("viewer").get(url, {"training": training})
    assert response.status_code == 200
    return sorted(p.last_name for p in response.context["page"])


def _people(cast: Cast) -> dict[str, Person]:
    """One person per case of RULES.md's renewal rule, on 2026-03-01."""
    people = {
        name: make_person(cast.agency, last_name=name)
        for name in (
            "Current",
            "Expiring",
            "Lapsed",
            "Renewed",
            "RecertAfterLapse",
            "RecertOnly",
            "Never",
            "Cit",
            "Dispatcher",
        )
    }
    make_training(people["Current"], "MHFA-PS", dt.date(2025, 1, 10))
    make_training(people["Expiring"], "MHFA-PS", dt.date(2023, 4, 15))  # ends 2026-04-15: within 90 days
    make_training(people["Lapsed"], "MHFA-PS", dt.date(2022, 1, 5))
    make_training(people["Renewed"], "MHFA-PS", dt.date(2021, 6, 1))
    make_training(people["Renewed"], "MHFA-RECERT", dt.date(2024, 5, 1))  # before 2024-06-01: renews to 2027-05-01
    # The recertification came after the certificate lapsed (2023-01-10): it renews nothing. The old list query
    # counted this person as current because the recertification is recent.
    make_training(people["RecertAfterLapse"], "MHFA-PS", dt.date(2020, 1, 10))
    make_training(people["RecertAfterLapse"], "MHFA-RECERT", dt.date(2023, 9, 1))
    make_training(people["RecertOnly"], "MHFA-RECERT", dt.date(2025, 9, 1))  # never held the full course
    make_training(people["Cit"], "CIT-40", dt.date(2019, 3, 1))
    with scopes_disabled():
        Person.objects.filter(pk=people["Dispatcher"].pk).update(sworn=False, designated_cit=True)
    make_training(people["Dispatcher"], "CIT-911", dt.date(2024, 3, 1))
    make_training(people["Cit"], "MHFA-PS", dt.date(2025, 2, 1), status="pending")  # pending never counts
    return people


@pytest.mark.parametrize(
    ("training", "expected"),
    [
        ("mhfa_current", ["Current", "Expiring", "Renewed"]),
        ("mhfa_expiring", ["Expiring"]),
        ("mhfa_expired", ["Lapsed", "RecertAfterLapse"]),
        ("no_mhfa", ["Cit", "Dispatcher", "Never", "RecertOnly"]),
        ("cit", ["Cit", "Dispatcher"]),
        ("no_cit", ["Current", "Expiring", "Lapsed", "Never", "RecertAfterLapse", "RecertOnly", "Renewed"]),
    ],
)
def test_training_filters_follow_the_renewal_rule(cast: Cast, training: str, expected: list[str]) -> None:
    _people(cast)
    assert _names(cast, training) == expected


def test_the_list_agrees_with_the_compliance_engine_person_by_person(cast: Cast) -> None:
    people = _people(cast)
    on = dt.date(2026, 3, 1)
    with scopes_disabled():
        records = load_agency_records(cast.agency, on)
        edition = edition_for(cast.agency)
    current, expired = set(_names(cast, "mhfa_current")), set(_names(cast, "mhfa_expired"))
    for name, person in people.items():
        mine = [t for t in records.trainings if t.person_id == person.pk]
        engine = certificate_on(mine, on, edition, edition.mhfa_codes)
        assert (name in current) == engine.current, name
        assert (name in expired) == (engine.ever_trained and not engine.current), name


def test_the_badges_on_each_row_say_the_same(cast: Cast) -> None:
    _people(cast)
    url = reverse("roster:list", kwargs={"agency_slug": cast.agency.slug})
    page = cast.client_for("viewer").get(url).context["page"]
    states = {p.last_name: p.training.mhfa_state for p in page}
    assert states["RecertAfterLapse"] == "expired" and states["Renewed"] == "current"
    assert states["Expiring"] == "expiring" and states["RecertOnly"] == "none"


def _bulk_people(cast: Cast, start: int, stop: int) -> None:
    """People numbered start..stop-1: half with an MHFA course, a third with CIT (bulk inserts: a quick test)."""
    with scopes_disabled():
        mhfa, cit = CourseType.objects.get(code="MHFA-PS"), CourseType.objects.get(code="CIT-40")
        people = Person.objects.bulk_create(
            [
                Person(agency=cast.agency, last_name=f"Bulk{i:05d}", employee_number=f"X{i}", public_id=uuid.uuid4())
                for i in range(start, stop)
            ],
            batch_size=2000,
        )
        records = []
        for i, person in enumerate(people, start):
            if i % 2:
                records.append(
                    TrainingRecord(
                        agency=cast.agency, person=person, course_type=mhfa, completed_on=dt.date(2024, 1, 1)
                    )
                )
            if i % 3 == 0:
                records.append(
                    TrainingRecord(agency=cast.agency, person=person, course_type=cit, completed_on=dt.date(2023, 1, 1))
                )
        TrainingRecord.objects.bulk_create(records, batch_size=2000)


def test_the_query_count_is_the_same_for_3_and_36000_people(cast: Cast) -> None:
    """Without a training filter, with an "these people" filter and with an "everyone but" filter."""
    client = cast.client_for("viewer")
    url = reverse("roster:list", kwargs={"agency_slug": cast.agency.slug})
    filters = {"": 36_000, "mhfa_current": 18_000, "no_cit": 24_000}
    _bulk_people(cast, 0, 3)
    client.get(url)  # warm caches (session, content types)
    small = {}
    for training in filters:
        with CaptureQueriesContext(connection) as queries:
            client.get(url, {"training": training})
        small[training] = len(queries)
    _bulk_people(cast, 3, 36_000)
    for training, count in filters.items():
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as large:
            response = client.get(url, {"training": training})
        elapsed = time.perf_counter() - started
        assert response.context["page"].paginator.count == count
        assert len(response.context["page"]) == 50
        assert len(large) == small[training], [q["sql"][:200] for q in large.captured_queries]
        assert elapsed < 5, f"the roster list took {elapsed:.1f} s at 36,000 people ({training or 'no filter'})"
