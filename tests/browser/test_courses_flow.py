"""Courses end to end in real Chromium: a provider publishes a CIT-40 session, a coordinator finds it by distance
and registers three officers (one waitlisted), a cancellation promotes the waitlisted one, the provider records
attendance, the agency accepts the records and the dashboard's CIT figure rises. axe runs on every course page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.courses.models import CourseSession
from onemind.notifications.sender import send_due
from tests.browser.conftest import assert_accessible, login
from tests.conftest import PASSWORD
from tests.courses.helpers import DECATUR, make_provider, past
from tests.roster.helpers import make_person

pytestmark = pytest.mark.django_db(transaction=True)


def _as(page: Any, live_server: Any, who: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, f"{who}@example.org", PASSWORD)


def _cit_figure(page: Any, base: str) -> str:
    page.goto(f"{base}/dashboard/")
    return page.locator("section[aria-labelledby='strategy-4'] strong").first.inner_text()


def test_publish_find_register_waitlist_promote_attend_accept(
    page: Any, live_server: Any, screenshot: Any, cast: Any
) -> None:
    cache.clear()
    make_provider(cast.provider, name="Prairie CIT Program")
    cast.agency.latitude, cast.agency.longitude = DECATUR
    cast.agency.save()
    for name in ("Ashdown", "Brightwater", "Coldbrook", "Dunmore"):
        make_person(cast.agency, last_name=name, first_name="Robin")
    base = f"{live_server.url}/agencies/{cast.agency.slug}"

    # The provider publishes a CIT-40 session with two seats.
    _as(page, live_server, "provider")
    page.goto(f"{live_server.url}/courses/manage/")
    assert_accessible(page)
    page.get_by_role("link", name="Publish a session for Prairie CIT Program").click()
    day = timezone.localdate() + dt.timedelta(days=30)
    page.get_by_label("Course type").select_option(label="CIT-40 — Crisis Intervention Team, 40-hour")
    page.get_by_label("Title").fill("Autumn CIT academy")
    page.get_by_label("First day").fill(day.isoformat())
    page.get_by_label("Starts at").fill("08:00")
    page.get_by_label("Last day").fill((day + dt.timedelta(days=4)).isoformat())
    page.get_by_label("Ends at").fill("17:00")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_label("Registration closes on").fill((day - dt.timedelta(days=7)).isoformat())
    page.get_by_label("Hours").fill("40")
    page.get_by_label("Address").fill("100 Academy Road")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("State (two letters)").fill("IL")
    page.get_by_label("ZIP code").fill("62701")
    page.get_by_label("Seats").fill("2")
    page.get_by_label("Contact").fill("Training desk, cit@example.org")
    assert_accessible(page)
    screenshot("courses_publish_form")
    page.get_by_role("button", name="Publish the session").click()
    page.wait_for_load_state()
    assert "is published" in page.locator("main").inner_text()
    assert_accessible(page)

    # The coordinator finds it by distance from the agency and registers three officers.
    _as(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/courses/")
    page.get_by_label("Course type").select_option("CIT-40")
    page.get_by_label("Or near my agency").select_option(cast.agency.slug)
    page.get_by_label("Within (miles)").select_option("50")
    page.get_by_label("Sort by").select_option("distance")
    page.get_by_role("button", name="Find courses").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "1 session within 50 miles of Springfield Police Department" in main
    assert "miles away" in main
    assert_accessible(page)
    screenshot("courses_finder_by_distance")
    page.get_by_role("link", name="CIT-40: Autumn CIT academy").click()
    assert "2 left of 2" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot("courses_session_page")
    page.get_by_role("link", name="Register people from Springfield Police Department").click()
    for name in ("Ashdown", "Brightwater", "Coldbrook"):
        page.locator("label", has_text=f"{name}, Robin").click()  # USWDS hides the box itself
    assert_accessible(page)
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Seats held for Robin Ashdown, Robin Brightwater." in main
    assert "Waitlisted: Robin Coldbrook." in main
    assert_accessible(page)
    screenshot("courses_agency_registered")

    # A cancellation promotes the waitlisted officer.
    page.get_by_role("button", name="Cancel the registration of Robin Ashdown").click()
    page.wait_for_load_state()
    assert "Robin Coldbrook moved from the waitlist to a seat." in page.locator("main").inner_text()
    screenshot("courses_agency_after_cancellation")

    # The provider moves the start an hour later; the worker tells the coordinator, once per event.
    _as(page, live_server, "provider")
    page.goto(f"{live_server.url}/courses/manage/")
    page.get_by_role("link", name="CIT-40: Autumn CIT academy").click()
    page.get_by_role("link", name="Edit the session").click()
    assert "Registrants are told" in page.locator("main").inner_text()
    page.get_by_label("Starts at").fill("09:00")
    page.get_by_role("button", name="Save the session").click()
    page.wait_for_load_state()
    assert "The session is saved." in page.locator("main").inner_text()
    send_due()
    send_due()
    to_coordinator = sorted(m.subject.split(":")[1].strip() for m in mail.outbox if m.to == [cast.coordinator.email])
    # Seat held ×2, waitlisted, cancelled, promoted, and the change: one e-mail each, none twice.
    assert to_coordinator == [
        "Registration cancelled",
        "Seat held",
        "Seat held",
        "Seat now held",
        "Session changed",
        "Waitlisted",
    ]
    _as(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/notifications/")
    table = page.locator("table").inner_text()
    assert "Session changed: Autumn CIT academy" in table
    assert f"When: {day} 08:00 to" in table and f"→ {day} 09:00 to" in table
    assert_accessible(page)
    screenshot("courses_session_changed_notice")

    # The session takes place.
    with scopes_disabled():
        past(CourseSession.objects.get())

    # The provider records attendance: both completed.
    _as(page, live_server, "provider")
    page.goto(f"{live_server.url}/courses/manage/")
    page.get_by_role("link", name="CIT-40: Autumn CIT academy").click()
    for name, cert in (("Brightwater", "CIT-2026-101"), ("Coldbrook", "CIT-2026-102")):
        page.locator("label", has_text=f"Attended: Robin {name}").click()
        page.locator("label", has_text=f"Completed: Robin {name}").click()
        page.get_by_label(f"Certificate number of Robin {name}").fill(cert)
    assert_accessible(page)
    screenshot("courses_attendance_form")
    page.get_by_role("button", name="Save attendance and send training records").click()
    page.wait_for_load_state()
    assert "2 training records sent to the agencies for acceptance" in page.locator("main").inner_text()
    screenshot("courses_attendance_saved")
    page.goto(f"{live_server.url}/courses/manage/")
    assert_accessible(page)
    screenshot("courses_provider_home")
    page.get_by_role("link", name="Demand by state: where agencies still need trained officers").click()
    assert page.locator("tbody th", has_text="IL").count() == 1
    assert_accessible(page)
    screenshot("courses_state_demand")

    # The agency accepts them on its pending page, and the CIT figure rises.
    _as(page, live_server, "coordinator")
    before = _cit_figure(page, base)
    page.goto(f"{base}/training/pending/")
    assert page.get_by_text("From a course provider's attendance: Prairie CIT Program").count() == 2
    screenshot("courses_pending_records")
    for name in ("Brightwater", "Coldbrook"):
        page.get_by_role("button", name=f"Accept CIT-40 of Robin {name}").click()
        page.wait_for_load_state()
    after = _cit_figure(page, base)
    assert (before, after) == ("0 of 4", "2 of 4")
    screenshot("courses_dashboard_after")
    page.goto(f"{base}/courses/")
    assert_accessible(page)
    screenshot("courses_agency_index_after")
