from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from onemind.pledges.models import Pledge
from onemind.tenancy.models import Agency, Membership
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD, ensure_reference_data, make_agency

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_designee_finds_the_agency_signs_up_and_takes_the_pledge(
    page: Any, live_server: Any, screenshot: Any
) -> None:
    ensure_reference_data()
    # The agency's e-mail domain was confirmed by campaign staff: a verified address on it is approved at once.
    make_agency("Riverton Police Department", "WY", "WY0130100", sworn_count=9, verified_email_domain="riverton.gov")
    make_agency("Riverton Police Department", "UT", "UT0180900")

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Take the pledge").first.click()
    page.get_by_label("Agency name, ORI or state").fill("riverton wy")
    page.get_by_role("link", name="This is my agency").wait_for()
    assert page.get_by_text("UT0180900").count() == 0  # the state narrowed the type-ahead
    assert_accessible(page)
    screenshot("signup-1-find")
    page.get_by_role("link", name="This is my agency").click()

    page.get_by_label("Your full name").fill("Dana Designee")
    page.get_by_label("Work e-mail address").fill("dana@riverton.gov")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Your title at the agency").fill("Deputy Chief")
    page.get_by_label("Name of the agency head").fill("Pat Chief")
    assert_accessible(page)
    page.get_by_role("button", name="Create account and send the claim").click()
    page.get_by_role("heading", name="Confirm your e-mail address").wait_for()
    link = re.search(r"/accounts/verify-email/[^/\s]+/", mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    page.goto(f"{live_server.url}{link}")
    page.get_by_role("button", name="Confirm my address").click()
    page.get_by_text("your claim is approved").wait_for()
    page.get_by_role("link", name="Take the One Mind pledge").click()

    page.get_by_role("heading", name="Take the One Mind pledge").wait_for()
    page.get_by_label("Months to complete the four strategies").fill("36")
    page.get_by_text("within 36 months").wait_for()  # the pledge text follows the months chosen
    page.get_by_label("Sworn officers today").fill("9")
    page.get_by_label("Non-sworn staff today").fill("2")
    page.get_by_label("Agency head's full name (typed signature)").fill("Pat Chief")
    page.get_by_label("Agency head's title").fill("Chief of Police")
    # Submitting without consent keeps everything typed and says what is missing.
    page.get_by_role("button", name="Sign the pledge").click()
    page.get_by_text("cannot be signed without the agency head").first.wait_for()
    assert page.get_by_label("Agency head's title").input_value() == "Chief of Police"
    assert_accessible(page)
    screenshot("signup-2-pledge-error")
    page.get_by_text("The agency head has read the pledge").click()
    page.get_by_role("button", name="Sign the pledge").click()

    page.get_by_text("has taken the One Mind pledge").wait_for()
    assert_accessible(page)
    screenshot("signup-3-pledged")
    with scopes_disabled():
        agency = Agency.objects.get(ori="WY0130100")
        pledge = Pledge.objects.get(agency=agency)
        assert pledge.committed_months == 36 and pledge.head_name == "Pat Chief"
        assert Membership.objects.get(agency=agency).user.email == "dana@riverton.gov"
    page.goto(f"{live_server.url}/pledged/")
    assert page.get_by_role("rowheader", name="Riverton Police Department").count() == 1


def test_keyboard_users_reach_the_search_and_the_main_content(page: Any, live_server: Any) -> None:
    ensure_reference_data()
    page.goto(f"{live_server.url}/accounts/signup/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.keyboard.press("Enter")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "agency-search":
            break
    assert page.evaluate("document.activeElement.id") == "agency-search"
