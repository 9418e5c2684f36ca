"""The agency dashboard in headless Chromium: renders, keyboard reaches the as-of date, axe passes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, login
from tests.compliance.test_loader import staff_roster
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dashboard_reads_clearly_and_is_keyboard_usable(
    cast: Cast, page: Any, live_server: Any, screenshot: Any
) -> None:
    staff_roster(cast.agency, 12, mhfa=9, cit=2)
    login(page, live_server, cast.viewer.email, PASSWORD)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/dashboard/?on=2026-06-01")
    # The second visit is served from the kept page shell: its scripts must carry this response's CSP nonce.
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/dashboard/?on=2026-06-01")
    assert not errors, errors
    assert page.evaluate("document.documentElement.classList.contains('usa-js-loading')") is False
    assert page.locator("h1").inner_text() == "Compliance dashboard"
    assert page.get_by_text("9 of 12").first.is_visible()
    assert page.locator("svg[role=img] title").count() == 1
    focused = ""
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.id")
        if focused == "as-of":
            break
    assert focused == "as-of", "Tab never reached the as-of date field"
    page.keyboard.type("05012026")  # Chromium's date field takes month, day, year in keystrokes
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert "on=2026-05-01" in page.url
    page.locator("details summary").first.click()
    assert_accessible(page)
    screenshot("compliance_dashboard")
