"""An agency administrator makes an API token and reads the API docs, in real Chromium (accessibility checked)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, assert_accessible, browser_type_launch_args, login, screenshot
from tests.conftest import PASSWORD

__all__ = ["browser_type_launch_args", "screenshot"]  # fixtures shared with tests/browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: install Debian's chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_an_administrator_makes_a_token_and_reads_the_docs(
    page: Any, live_server: Any, screenshot: Any, cast: Any
) -> None:  # noqa: F811
    login(page, live_server, "admin@example.org", PASSWORD)
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/profile/")
    page.get_by_role("link", name="API tokens").click()
    assert page.locator("h1").inner_text() == "API tokens"
    page.get_by_label("Name").fill("HR system nightly sync")
    page.locator("label[for=id_scopes_1]").click()  # USWDS draws the box on the label
    page.get_by_role("button", name="Make token").click()
    token = page.get_by_label("New token").input_value()
    assert token.startswith("om_")
    assert_accessible(page)
    screenshot("api_tokens")
    page.get_by_role("button", name="Revoke HR system nightly sync").click()
    assert "no longer works" in page.content()
    page.goto(f"{live_server.url}/api/v1/docs/")
    assert "OneMind API" in page.locator("h1").inner_text()
    assert_accessible(page)
    screenshot("api_docs")
