"""The two-factor pages in headless Chromium, left open as a user would: nothing loaded after the page may pull the
page into itself (docs/security.md, "Session management")."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import assert_accessible, login
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db(transaction=True)

# How long the page is left open: an observation window (the old fault nested 65 copies in 8 s), not a wait for
# something to happen.
OPEN_FOR_MS = 5000


def _watch(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if "/static/" not in request.url else None)
    return seen


@pytest.mark.parametrize("step", ["verify", "setup"])
def test_a_two_factor_page_left_open_for_five_seconds_stays_one_page(
    cast: Cast, page: Any, live_server: Any, screenshot: Any, settings: Any, step: str
) -> None:
    settings.REQUIRE_TWO_FACTOR = True
    user = cast.staff if step == "verify" else cast.admin
    if step == "verify":
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    login(page, live_server, user.email, PASSWORD)
    assert f"/accounts/two-factor/{step}/" in page.url
    page.wait_for_load_state("networkidle")
    requests = _watch(page)
    page.wait_for_timeout(OPEN_FOR_MS)
    assert requests == []  # no badge, no polling: nothing at all after the page
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("nav").get_by_text("Notifications").count() == 0
    assert page.get_by_role("button", name="Sign out").first.is_visible()
    assert_accessible(page)
    screenshot(f"two_factor_{step}_after_5s")
