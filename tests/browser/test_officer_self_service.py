"""An officer invited from their roster page sends a certificate; the coordinator accepts it; in real Chromium."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.training.models import TrainingRecord
from tests.browser.conftest import assert_accessible, login
from tests.conftest import PASSWORD
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_officer_uploads_a_certificate_and_the_coordinator_accepts_it(
    page: Any, live_server: Any, screenshot: Any, cast: Any
) -> None:
    today = timezone.localdate()
    officer = make_person(
        cast.agency, last_name="Harrowgate", first_name="Quinn", rank="Police Officer", unit="Patrol", shift="Day"
    )
    make_training(officer, "CIT-40", today - dt.timedelta(days=900), hours=40, provider="Regional CIT Program")
    make_person(cast.agency, last_name="Otherwise", first_name="Sky")  # must never show to the officer
    base = f"{live_server.url}/agencies/{cast.agency.slug}"

    login(page, live_server, "coordinator@example.org", PASSWORD)
    page.goto(f"{base}/roster/{officer.public_id}/")
    page.get_by_role("link", name="Invite the officer").click()
    page.get_by_label("The officer's e-mail address").fill("quinn.harrowgate@example.org")
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    assert "Invitation sent to quinn.harrowgate@example.org" in page.content()
    screenshot("officer_invited_person_page")

    token = re.search(r"/accounts/invitation/(\S+?)/", mail.outbox[-1].body)
    assert token is not None
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/invitation/{token.group(1)}/")
    page.get_by_label("Your full name").fill("Quinn Harrowgate")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account and join").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "My training"
    assert "Harrowgate" in page.content() and "Otherwise" not in page.content()
    assert_accessible(page)
    screenshot("officer_my_training_before")

    page.get_by_role("link", name="Send a certificate").click()
    page.get_by_label("Course").select_option(label="MHFA-PS — Mental Health First Aid for Public Safety")
    completed = today - dt.timedelta(days=20)
    page.get_by_label("Completion date").fill(completed.isoformat())
    page.get_by_label("Hours").fill("8")
    page.get_by_label("Certificate number").fill("MHFA-2026-55810")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "mhfa-certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    assert_accessible(page)
    screenshot("officer_send_certificate_form")
    page.get_by_role("button", name="Send certificate").click()
    page.wait_for_load_state()
    assert "counts once your training coordinator accepts it" in page.content()
    assert page.get_by_text("Waiting for the coordinator").count() == 1
    assert_accessible(page)
    screenshot("officer_my_training_pending")

    page.context.clear_cookies()
    login(page, live_server, "coordinator@example.org", PASSWORD)
    page.goto(f"{base}/training/pending/")
    assert "Uploaded by the officer" in page.content() and "MHFA-2026-55810" in page.content()
    assert_accessible(page)
    screenshot("officer_pending_queue")
    page.get_by_role("button", name="Accept MHFA-PS of Quinn Harrowgate").click()
    page.wait_for_load_state()
    assert "MHFA-PS of Quinn Harrowgate accepted" in page.content()
    with scopes_disabled():
        record = TrainingRecord.objects.get(person=officer, course_type__code="MHFA-PS")
        assert (record.status, record.source) == ("accepted", "self")

    page.context.clear_cookies()
    login(page, live_server, "quinn.harrowgate@example.org", PASSWORD)
    page.wait_for_url(f"{base}/training/mine/")
    expires = completed.replace(year=completed.year + 3)
    assert f"until {expires.isoformat()}" in page.content()
    assert page.get_by_text("Accepted", exact=True).count() == 2
    assert_accessible(page)
    screenshot("officer_my_training_accepted")
    page.goto(f"{base}/roster/")
    assert page.locator("h1").inner_text() != "Roster"  # the agency's pages do not exist for the officer
