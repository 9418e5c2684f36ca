from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/pledged/",
        "/recognized/",
        "/resources/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/signup/new-agency/",
    ],
)
def test_public_page_renders_with_its_own_assets_and_passes_axe(
    path: str, page: Any, live_server: Any, screenshot: Any
) -> None:
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on(
        "request",
        lambda request: None if request.url.startswith(live_server.url) else failed.append(f"off-site: {request.url}"),
    )
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    # USWDS CSS applied: the header uses its font stack, which only loads from our static files.
    assert "Source Sans Pro" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert not failed, failed
    assert_accessible(page)
    screenshot("public" + path.replace("/", "_").rstrip("_"))
