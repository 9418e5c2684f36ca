"""The campaign dashboard and the public numbers page in headless Chromium: charts and map render, axe passes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, login
from tests.campaign.helpers import fake_standings
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_campaign_dashboard_and_its_map_render_and_are_accessible(
    cast: Cast, page: Any, live_server: Any, screenshot: Any
) -> None:
    fake_standings(60, months=18)
    login(page, live_server, cast.staff.email, PASSWORD)
    page.goto(f"{live_server.url}/campaign/dashboard/?figure=mhfa_trained")
    assert page.locator("h1").inner_text() == "Campaign dashboard"
    us_map = page.locator("svg#us-map, svg[aria-labelledby='us-map-title us-map-desc']")
    assert us_map.count() == 1 and us_map.bounding_box()["height"] > 200  # type: ignore[index]
    assert us_map.locator("path").count() >= 51
    assert "Map of the United States" in page.locator("#us-map-desc").text_content()  # the text alternative
    assert (
        page.get_by_role("table", name="By state").count() + page.locator("caption", has_text="By state").count() >= 1
    )
    page.get_by_label("State", exact=True).select_option("TX")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "state=TX" in page.url and "figure=mhfa_trained" in page.url
    page.goto(f"{live_server.url}/campaign/dashboard/?figure=mhfa_trained")
    assert_accessible(page)
    screenshot("campaign_dashboard")
    page.get_by_role("button", name="Export as XLSX").click()
    page.wait_for_load_state()
    assert "/exports/" in page.url
    assert page.get_by_role("progressbar", name="Export progress").count() == 1
    assert_accessible(page)


def test_the_public_numbers_page_renders_its_map_and_is_accessible(
    cast: Cast, page: Any, live_server: Any, screenshot: Any
) -> None:
    fake_standings(40, months=12)
    page.goto(f"{live_server.url}/numbers/")
    assert page.locator("h1").inner_text() == "The campaign in numbers"
    assert page.locator("svg[role=img] path").count() >= 51
    assert_accessible(page)
    screenshot("public_numbers")
