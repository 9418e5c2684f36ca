"""Notifications in headless Chromium: the header's unread count arrives by htmx; list and preferences pass axe."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from onemind.notifications.sender import send_due
from tests.browser.conftest import assert_accessible, login
from tests.conftest import PASSWORD, Cast
from tests.notifications.helpers import at, run_worker
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_unread_count_list_and_preferences_render_and_are_accessible(
    cast: Cast, page: Any, live_server: Any, screenshot: Any
) -> None:
    make_training(make_person(cast.agency, first_name="Jordan"), on=dt.date(2023, 9, 1))
    run_worker(at(dt.date(2026, 6, 3)))
    send_due()
    login(page, live_server, cast.coordinator.email, PASSWORD)
    page.goto(f"{live_server.url}/notifications/")
    badge = page.locator("nav .usa-tag").first
    badge.wait_for()
    assert badge.inner_text().startswith("2")  # the 90-day reminder and the week's digest
    assert "Jordan" in page.locator("table").inner_text()
    assert_accessible(page)
    screenshot("notifications_list")
    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_load_state("networkidle")  # the badge fragment has arrived
    assert page.locator("nav").get_by_text("Notifications").count() == 1
    assert page.locator("nav .usa-tag").count() == 0
    page.goto(f"{live_server.url}/notifications/preferences/")
    assert_accessible(page)
    screenshot("notifications_preferences")
