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
        "/about/",
        "/about/methodology/",
        "/about/privacy/",
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


def test_resource_links_say_they_are_external_and_pass_axe(page: Any, live_server: Any, screenshot: Any) -> None:
    from onemind.public.models import Resource

    Resource.objects.create(
        title="Crisis response toolkit",
        description="The background and reasoning behind the model policy.",
        url="https://publisher.example/concepts",
    )
    Resource.objects.create(
        title="Find a Mental Health First Aid course",
        description="Courses for Mental Health First Aid for Public Safety.",
        url="https://publisher.example/finder",
        finder_type="CIT-911",
        position=1,
    )
    page.goto(f"{live_server.url}/resources/")
    external = page.get_by_role("link", name="Crisis response toolkit (external site)")
    assert external.count() == 1
    assert page.get_by_role("link", name="Search OneMind’s course finder for CIT-911 sessions").get_attribute(
        "href"
    ) == ("/courses/?type=CIT-911")
    assert_accessible(page)
    screenshot("public_resources_external")
