"""Outcomes and the planner in headless Chromium: they read clearly, work by keyboard, and axe passes."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onemind.lib.dates import add_months
from tests.browser.conftest import assert_accessible, login
from tests.conftest import PASSWORD, Cast
from tests.courses.helpers import make_provider, make_session
from tests.outcomes.helpers import make_month
from tests.planner.test_planner_page import _roster

pytestmark = pytest.mark.django_db(transaction=True)


def _months(cast: Cast) -> None:
    first = add_months(timezone.localdate().replace(day=1), -13)
    for i in range(13):  # to last month: this month is entered in the test
        month = add_months(first, i)
        if i == 5:
            make_month(cast.agency, month, status="not_collected")
            continue
        calls = 40 + i * 3
        make_month(
            cast.agency,
            month,
            mh_calls=calls,
            cit_requested=calls // 3,
            cit_dispatched=calls // 3,
            cit_arrived=calls // 2 + i,
            resolved_on_scene=calls // 2,
            referred=6,
            arrest=2 + i % 3,
            force_any=i % 4,
            force_fbi=0,
        )


def test_the_outcomes_page_and_a_month_form(cast: Cast, page: Any, live_server: Any, screenshot: Any) -> None:
    _months(cast)
    login(page, live_server, cast.coordinator.email, PASSWORD)
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/outcomes/")
    assert page.locator("h1").inner_text() == "Crisis-response outcomes"
    assert page.get_by_text("Not collected", exact=True).first.is_visible()
    assert_accessible(page)
    screenshot("outcomes_months")
    page.get_by_role("link", name="Enter this month's figures").click()
    page.wait_for_load_state()
    page.get_by_label("Mental-health-related calls").fill("12")
    page.get_by_label("CIT officer arrived").fill("13")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("cannot exceed the month's mental-health calls (12)").is_visible()
    assert_accessible(page)
    screenshot("outcomes_month_form_error")
    page.get_by_label("CIT officer arrived").fill("9")
    page.get_by_label("CIT officer arrived").press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text("saved").first.is_visible()


def test_the_planner_moves_with_its_assumptions(cast: Cast, page: Any, live_server: Any, screenshot: Any) -> None:
    _roster(cast, sworn=30, cit=2, mhfa=12)
    make_session(make_provider(cast.provider), code="CIT-40")
    login(page, live_server, cast.coordinator.email, PASSWORD)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/planner/")
    assert page.locator("h1").inner_text() == "Training planner"
    assert page.locator("#projection svg[role=img] title").count() == 1
    before = page.locator("#projection ul").first.inner_text()
    page.get_by_label("CIT 40-hour seats per month").fill("0")
    page.get_by_label("CIT 40-hour seats per month").press("Tab")  # change → htmx redraws the projection
    expect(page.locator("#projection")).to_contain_text("CIT (strategy 4): target not reached")
    assert page.locator("#projection ul").first.inner_text() != before
    assert "seats_cit=0" in page.url
    assert_accessible(page)
    screenshot("planner")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("planner_phone")


def test_the_trend_charts(cast: Cast, page: Any, live_server: Any, screenshot: Any) -> None:
    _months(cast)
    _roster(cast, sworn=12, cit=3, mhfa=6)
    login(page, live_server, cast.viewer.email, PASSWORD)
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/outcomes/")
    page.get_by_role("link", name="Trends: each figure over time, before and after the pledge").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Outcome trends"
    assert page.locator("svg[role=img]").count() == 3
    assert_accessible(page)
    screenshot("outcomes_trends")


def test_the_campaign_wide_view(cast: Cast, page: Any, live_server: Any, screenshot: Any) -> None:
    _months(cast)
    make_month(cast.other_agency, add_months(timezone.localdate().replace(day=1), -2), mh_calls=120, arrest=3)
    login(page, live_server, cast.staff.email, PASSWORD)
    page.goto(f"{live_server.url}/campaign/outcomes/?by=state")
    assert page.locator("h1").inner_text() == "Crisis-response outcomes across the campaign"
    assert page.get_by_text("fewer than 5").first.is_visible()
    assert_accessible(page)
    screenshot("outcomes_campaign")
