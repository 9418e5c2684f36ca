"""The administrator's retention page and a refused stale save, in real Chromium, accessible (axe) and on a phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.roster import services as roster_services
from onemind.roster.models import Person
from tests.browser.conftest import assert_accessible, login
from tests.conftest import PASSWORD
from tests.roster.helpers import make_person

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_administrator_sets_retention_and_sees_who_falls_due(
    page: Any, live_server: Any, screenshot: Any, cast: Any
) -> None:
    today = timezone.localdate()
    person = make_person(cast.agency, hire_date=dt.date(2000, 1, 1))
    with scopes_disabled():
        separated_on = today.replace(year=today.year - 7) + dt.timedelta(days=40)
        roster_services.separate_person(actor=cast.admin, person=person, on=separated_on, reason="retired")
    login(page, live_server, "admin@example.org", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/retention/")
    assert page.locator("h1").inner_text() == "Retention of separated personnel"
    assert page.get_by_role("table", name="Falling due in the next twelve months").is_visible()
    assert person.last_name not in page.content()
    assert_accessible(page)
    screenshot("retention_phone")

    field = page.get_by_label("Erase separated personnel's identifying data after (years)")
    field.fill("10")
    field.press("Enter")
    page.wait_for_load_state()
    assert "erased 10 years after separation" in page.content()
    assert_accessible(page)


def test_a_stale_person_save_shows_what_changed_and_keeps_the_typed_input(
    page: Any, live_server: Any, screenshot: Any, cast: Any
) -> None:
    person = make_person(cast.agency, rank="Officer")
    login(page, live_server, "coordinator@example.org", PASSWORD)
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/roster/{person.public_id}/edit/")
    page.get_by_label("Rank/position").fill("Captain")
    with scopes_disabled():
        roster_services.update_person(actor=cast.admin, person=Person.objects.get(pk=person.pk), rank="Lieutenant")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Someone else saved this record" in page.content()
    table = page.get_by_role("table", name="Changed by the other save")
    assert "Captain" in table.inner_text() and "Lieutenant" in table.inner_text()
    assert page.get_by_label("Rank/position").input_value() == "Captain"
    assert_accessible(page)
    screenshot("stale_person_save")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).rank == "Captain"
