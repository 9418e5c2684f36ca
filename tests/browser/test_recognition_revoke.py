"""Revoking a recognition in real Chromium: staff confirm with a reason, the public verification page says it was
revoked, the agency sees the reason and how to regain it. axe runs on every page; screenshots in var/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scope, scopes_disabled

from onemind.reviews import services
from tests.browser.conftest import assert_accessible, login
from tests.conftest import PASSWORD
from tests.evidence_helpers import make_partnership, make_policy

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "The partnership agreement ended and no new agreement is on file."


def _as(page: Any, live_server: Any, who: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, f"{who}@example.org", PASSWORD)


def _recognized(cast: Any) -> str:
    with scopes_disabled():
        make_partnership(cast.agency)
        make_policy(cast.agency)
    with scope(agency=cast.agency):
        for number in (1, 2, 3, 4):
            submission = services.submit_strategy(actor=cast.admin, agency=cast.agency, strategy=number)
            services.verify_submission(actor=cast.staff, submission=submission)
        return services.recognize_agency(actor=cast.staff, agency=cast.agency).code


def test_revoking_a_recognition(page: Any, live_server: Any, screenshot: Any, cast: Any) -> None:
    code = _recognized(cast)
    name = "Springfield Police Department"

    _as(page, live_server, "admin")
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/submissions/")
    assert "Renew by" in page.locator("h2#renewal-heading").inner_text()
    assert page.get_by_role("button", name="Re-attest now").count() == 1
    assert_accessible(page)
    screenshot("recognition_renew_by")

    _as(page, live_server, "staff")
    page.goto(f"{live_server.url}/campaign/agencies/{cast.agency.slug}/")
    page.get_by_role("link", name="Revoke recognition…").click()
    assert f"Revoke the recognition of {name}?" in page.locator("h1").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the recognition").click()
    # No reason: the browser refuses to send the form (the server refuses too, tested in tests/reviews/).
    reason = page.get_by_label("Reason for revoking")
    assert reason.evaluate("el => el.validity.valueMissing")
    assert page.url.endswith("/revoke/") and "is revoked" not in page.locator("main").inner_text()
    reason.fill(REASON)
    page.locator("label.usa-checkbox__label", has_text="1. Partnership").click()  # USWDS hides the input itself
    screenshot("recognition_revoke_confirm")
    page.get_by_role("button", name="Revoke the recognition").click()
    assert f"The recognition of {name} is revoked." in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot("recognition_revoke_staff_after")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/recognized/")
    assert name not in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/verify/{code}/")
    main = page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "Recognition revoked"
    assert "revoked this recognition on" in main and "is not currently recognized" in main
    assert REASON not in main
    assert_accessible(page)
    screenshot("recognition_revoke_public_verify")

    _as(page, live_server, "admin")
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/submissions/")
    main = page.locator("main").inner_text()
    assert "Recognition revoked on" in main and REASON in main and "How to regain recognition" in main
    assert "Returned to the agency" in main
    assert_accessible(page)
    screenshot("recognition_revoke_agency_submissions")
