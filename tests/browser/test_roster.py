"""A training coordinator opens the roster, adds a person and records their MHFA training, in real Chromium."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django_scopes import scopes_disabled

from onemind.roster.models import Person
from onemind.training.models import TrainingRecord
from tests.browser.conftest import assert_accessible, login
from tests.conftest import PASSWORD
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_adds_a_person_and_records_mhfa(page: Any, live_server: Any, screenshot: Any, cast: Any) -> None:
    for i, name in enumerate(["Ashbrook", "Bellmoor", "Caddell"]):
        person = make_person(cast.agency, last_name=name, first_name="Avery", unit="Patrol", shift="Day")
        if i != 1:
            make_training(person, "MHFA-PS", dt.date(2024, 4, 1) if i == 0 else dt.date(2021, 4, 1))
    login(page, live_server, "coordinator@example.org", PASSWORD)
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/roster/")
    page.get_by_role("link", name="Roster", exact=True).first.wait_for()
    assert page.locator("h1").inner_text() == "Roster"
    assert_accessible(page)
    screenshot("roster_list")

    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Last name").fill("Fairhaven")
    page.get_by_label("First name").fill("Quinn")
    page.get_by_label("Employee number").fill("4471")
    page.get_by_label("Badge/star number").fill("812")
    page.get_by_label("Rank/position").fill("Officer")
    page.get_by_label("Unit").fill("Patrol")
    page.get_by_label("Hire date").fill("2022-08-15")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Quinn Fairhaven"

    page.get_by_role("link", name="Record a training").click()
    page.get_by_label("Course").select_option(label="MHFA-PS — Mental Health First Aid for Public Safety")
    page.get_by_label("Completion date").fill("2025-10-14")
    page.get_by_label("Hours").fill("8")
    page.get_by_label("Provider").fill("County Behavioral Health")
    page.get_by_label("Format", exact=True).select_option(label="In person")
    assert_accessible(page)
    page.get_by_role("button", name="Save training").click()
    page.wait_for_load_state()
    assert "MHFA-PS recorded for Quinn Fairhaven" in page.content()
    assert page.get_by_text("Current", exact=True).count() >= 1
    assert "2028-10-14" in page.content()
    assert_accessible(page)
    screenshot("roster_person_after_mhfa")

    with scopes_disabled():
        person = Person.objects.get(employee_number="4471")
        assert TrainingRecord.objects.get(person=person).course_type.code == "MHFA-PS"
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/roster/?training=mhfa_current")
    assert page.locator("tbody tr").count() == 2
    screenshot("roster_list_mhfa_current")


@pytest.mark.parametrize(
    "path", ["roster/positions/", "training/", "training/class/?unit=Patrol", "training/pending/", "roster/add/"]
)
def test_roster_and_training_pages_pass_axe(path: str, page: Any, live_server: Any, screenshot: Any, cast: Any) -> None:
    person = make_person(cast.agency, last_name="Glenholt", first_name="Rowan", unit="Patrol")
    make_training(person, "MHFA-PS", dt.date(2025, 2, 1), status="pending", source="course", provider="County CMHC")
    login(page, live_server, "coordinator@example.org", PASSWORD)
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/{path}")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    screenshot("roster_" + path.split("?")[0].replace("/", "_").rstrip("_"))
