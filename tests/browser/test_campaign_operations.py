"""Campaign operations in real Chromium: the claim queue with its evidence, the review page with the engine's
answer and a sandboxed preview, and the staff's list of every agency. axe runs on every page; screenshots are in
var/screenshots/."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from onemind.reviews.models import Submission
from onemind.tenancy.models import AgencyClaim, Membership
from onemind.tenancy.roles import Role
from tests.browser.conftest import assert_accessible, login
from tests.conftest import PASSWORD, make_agency, make_user
from tests.evidence_helpers import make_policy
from tests.reviews.test_review_workflow import _store, real_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def _as(page: Any, live_server: Any, email: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, email, PASSWORD)


def test_a_claim_waits_for_the_address_and_for_staff_who_weigh_the_evidence(
    page: Any, live_server: Any, screenshot: Any, cast: Any
) -> None:
    agency = make_agency(
        "Riverton Police Department", "WY", "WY0130100", head_name="Robin Chief", website="https://riverton.gov/"
    )
    other = make_agency("Lander Police Department", "WY", "WY0130200", head_name="Sam Head")
    AgencyClaim.objects.create(
        agency=other, user=make_user("someone@gmail.com", "Some One"), job_title="Officer", head_name="Pat Other"
    )
    page.goto(f"{live_server.url}/accounts/signup/{agency.slug}/")
    page.get_by_label("Your full name").fill("Dana Designee")
    page.get_by_label("Work e-mail address").fill("dana@riverton.gov")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Your title at the agency").fill("Deputy Chief")
    page.get_by_label("Name of the agency head").fill("Robin Chief")
    assert_accessible(page)
    page.get_by_role("button", name="Create account and send the claim").click()
    page.get_by_role("heading", name="Confirm your e-mail address").wait_for()
    assert_accessible(page)
    screenshot("claim-1-verify-email")
    link = re.search(r"/accounts/verify-email/[^/\s]+/", mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    page.goto(f"{live_server.url}{link}")
    page.get_by_role("button", name="Confirm my address").click()
    page.get_by_text("Pending review").wait_for()
    assert_accessible(page)
    screenshot("claim-2-pending")

    _as(page, live_server, "staff@example.org")
    page.goto(f"{live_server.url}/campaign/")
    page.get_by_role("link", name="Agency claims").click()
    page.get_by_role("heading", name="Agency claims").wait_for()
    assert page.get_by_text("public webmail").count() == 1
    assert_accessible(page)
    screenshot("claim-3-staff-queue")
    page.get_by_role("link", name=re.compile("Riverton Police Department")).click()
    assert "matches" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot("claim-4-evidence")
    page.get_by_role("radio", name="Approve").check()
    page.get_by_label("Reason (the claimant sees it)").fill("Website domain matches; chief's office confirmed.")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("is decided").wait_for()
    with scopes_disabled():
        assert Membership.objects.get(agency=agency).user.email == "dana@riverton.gov"


def test_the_review_page_puts_the_engines_answer_beside_the_evidence(
    page: Any, live_server: Any, screenshot: Any, cast: Any
) -> None:
    with scopes_disabled():
        make_policy(cast.agency, covered=5)
        submission = Submission.objects.create(
            agency=cast.agency,
            strategy=2,
            submitted_on=dt.date(2026, 3, 1),
            figures={"state": "unmet", "numerator": 5, "denominator": 12, "target": 12, "explanation": "5 of 12"},
            attachment=_store(real_pdf()),
        )
    _as(page, live_server, "staff@example.org")
    page.goto(f"{live_server.url}/campaign/reviews/")
    page.get_by_role("link", name="Review the next submission").click()
    page.get_by_role("heading", name="The engine today").wait_for()
    image = page.get_by_role("img", name=re.compile("First page of"))
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") > 100
    page.get_by_role("button", name="Assign").click()
    page.get_by_text("Assigned to Staff").first.wait_for()
    assert_accessible(page)
    screenshot("review-1-engine-and-preview")
    page.locator("label.usa-radio__label", has_text="Verify").click()
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("To verify it anyway, write the reason").wait_for()
    assert_accessible(page)
    page.locator("label.usa-radio__label", has_text="Verify").click()
    page.get_by_label("Reason for verifying although the engine judges it not met").fill(
        "Elements 6-12 are in the annex, pages 4-9."
    )
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("strategy 2 verified").wait_for()
    screenshot("review-2-verified-over-engine")
    submission.refresh_from_db()
    assert submission.override_reason.startswith("Elements 6-12")


def test_staff_search_every_agency(page: Any, live_server: Any, screenshot: Any, cast: Any) -> None:
    for i, (name, state) in enumerate([("Cheyenne", "WY"), ("Casper", "WY"), ("Boise", "ID"), ("Nampa", "ID")]):
        make_agency(f"{name} Police Department", state, f"{state}00{i}0100", sworn_count=10 + i * 40)
    _as(page, live_server, "staff@example.org")
    page.goto(f"{live_server.url}/campaign/")
    page.get_by_role("link", name="Agencies", exact=True).click()
    page.get_by_label("US state").select_option("WY")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("Agencies by name (2)").wait_for()
    assert_accessible(page)
    screenshot("agencies-1-list")
    page.get_by_role("link", name="Springfield Police Department").count()
    page.goto(f"{live_server.url}/campaign/agencies/?q=springfield")
    page.get_by_role("link", name="Springfield Police Department").click()
    page.get_by_label("Summary").fill("Chief asked for CIT seats in March.")
    page.get_by_role("button", name="Log the contact").click()
    page.get_by_text("Contact logged.").wait_for()
    assert "Pledge signed" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot("agencies-2-timeline")
    with scopes_disabled():
        assert Membership.objects.filter(agency=cast.agency, role=Role.AGENCY_ADMIN).exists()
