"""The verification loop in real Chromium: submit S1-S4, return S2, answer and resubmit, verify, recognize,
download the certificate, confirm it on the public page. axe runs on every page; screenshots in var/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scopes_disabled

from onemind.reviews.models import Recognition
from tests.browser.conftest import assert_accessible, login
from tests.conftest import PASSWORD
from tests.evidence_helpers import make_partnership, make_policy

pytestmark = pytest.mark.django_db(transaction=True)


def _as(page: Any, live_server: Any, who: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, f"{who}@example.org", PASSWORD)


def test_the_full_verification_loop(page: Any, live_server: Any, screenshot: Any, cast: Any) -> None:
    with scopes_disabled():
        make_partnership(cast.agency)
        make_policy(cast.agency)
    base = f"{live_server.url}/agencies/{cast.agency.slug}"

    _as(page, live_server, "admin")
    page.goto(f"{base}/partnerships/")
    assert_accessible(page)
    screenshot("verification_partnerships")
    page.goto(f"{base}/policy/")
    assert_accessible(page)
    for number in (1, 2, 3, 4):
        page.goto(f"{base}/submissions/{number}/")
        page.get_by_role("button", name=f"Submit strategy {number}").click()
        assert f"Strategy {number} submitted" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(f"{base}/submissions/")
    assert page.get_by_text("Submitted, awaiting review").count() == 4
    assert_accessible(page)
    screenshot("verification_agency_submitted")

    _as(page, live_server, "staff")
    page.goto(f"{live_server.url}/campaign/reviews/")
    assert_accessible(page)
    screenshot("verification_queue")
    page.get_by_role("link", name="Strategy 2: Policy").click()
    assert_accessible(page)
    page.locator("label.usa-radio__label", has_text="Return to the agency").click()
    page.get_by_label("Comment to the agency").fill("Please say which section covers information sharing.")
    page.get_by_role("button", name="Record the decision").click()
    assert "returned with your comment" in page.locator("main").inner_text()

    _as(page, live_server, "admin")
    page.goto(f"{base}/submissions/2/")
    assert "Please say which section covers information sharing." in page.locator("main").inner_text()
    page.get_by_role("button", name="Submit strategy 2").click()
    assert "Nothing has changed" in page.locator("main").inner_text()
    page.get_by_label("Your comment").fill("Section 9.2 covers information sharing; page 14.")
    page.get_by_role("button", name="Add my answer").click()
    page.get_by_role("button", name="Submit strategy 2").click()
    assert "Strategy 2 submitted" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot("verification_agency_answered")

    _as(page, live_server, "staff")
    for number in (1, 2, 3, 4):
        page.goto(f"{live_server.url}/campaign/reviews/?strategy={number}")
        page.get_by_role("link", name=f"Strategy {number}:").click()
        page.locator("label.usa-radio__label", has_text="Verify").click()
        page.get_by_role("button", name="Record the decision").click()
        assert "verified" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/campaign/agencies/{cast.agency.slug}/")
    assert_accessible(page)
    page.get_by_role("link", name="Recognize Springfield Police Department…").click()
    # A confirmation page: each strategy's verification beside the engine's answer today.
    assert "Engine today" in page.locator("main").inner_text()
    assert_accessible(page)
    page.locator("label.usa-checkbox__label", has_text="I checked the four verified strategies").click()
    page.get_by_role("button", name="Recognize Springfield Police Department").click()
    assert "is recognized" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot("verification_recognized")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Certificate (PDF)").click()
    path = download_info.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.context.clear_cookies()
    with scopes_disabled():
        code = Recognition.objects.get(agency=cast.agency).code
    page.goto(f"{live_server.url}/verify/{code}/")
    assert "is a genuine One Mind Campaign recognition" in page.locator("main").inner_text()
    assert "Springfield Police Department" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot("verification_public_ok")
    page.goto(f"{live_server.url}/verify/AAAA-BBBB-CCCC-DDDD/")
    assert "Certificate not found" in page.locator("h1").inner_text()
    assert_accessible(page)
    screenshot("verification_public_forged")
