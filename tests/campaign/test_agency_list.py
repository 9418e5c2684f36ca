"""The staff's view of every agency: search and filters with paging in a fixed number of queries, each agency's
timeline and contact log, and announcements targeted by state, status or deadline, in the app and by e-mail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.campaign.models import Announcement, ContactLogEntry
from onemind.notifications.models import Notification, Reminder
from onemind.notifications.sender import send_due
from onemind.pledges.models import Pledge, RuleEdition
from onemind.tenancy.models import AgencyClaim, Membership
from onemind.tenancy.roles import Role
from tests.conftest import Cast, make_agency, make_user

pytestmark = pytest.mark.django_db

URL = "/campaign/agencies/"


def _count(cast: Cast, **query: str) -> int:
    response = cast.client_for("staff").get(reverse("campaign:agencies"), query)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_the_list_url_is_the_documented_one() -> None:
    assert reverse("campaign:agencies") == URL


@pytest.mark.parametrize("who", ["admin", "outsider", "viewer", "liaison", "provider", "coordinator"])
def test_only_campaign_staff_see_the_agency_list(cast: Cast, who: str) -> None:
    assert cast.client_for(who).get(URL).status_code == 404
    assert cast.client_for("anonymous").get(URL)["Location"].startswith(reverse("accounts:login"))


def test_staff_find_agencies_by_name_ori_state_type_size_and_recognition(cast: Cast) -> None:
    sheriff = make_agency("Laramie County Sheriff", "WY", "WY0110000", sworn_count=120)
    sheriff.agency_type = "county"
    sheriff.save()
    make_agency("Cheyenne Police Department", "WY", "WY0110100", sworn_count=8)
    assert _count(cast) == 4
    assert _count(cast, q="sheriff") == 1
    assert _count(cast, q="wy01101") == 1
    assert _count(cast, q="IL 016") == 1  # ORI typed with a space
    assert _count(cast, us_state="WY") == 2
    assert _count(cast, type="county") == 1
    assert _count(cast, size="100-499") == 1
    assert _count(cast, size="lt10") == 2  # Springfield (9) and Cheyenne (8)
    cast.agency.recognized_on = dt.date(2026, 6, 1)
    cast.agency.save()
    assert _count(cast, recognized="yes") == 1 and _count(cast, recognized="no") == 3


def test_staff_filter_by_status(cast: Cast) -> None:
    unclaimed = make_agency("Cheyenne Police Department", "WY", "WY0110100")
    claimed = make_agency("Casper Police Department", "WY", "WY0010100")
    AgencyClaim.objects.create(agency=claimed, user=make_user("c@casper.gov", "C"), job_title="Chief")
    administered = make_agency("Laramie Police Department", "WY", "WY0010200")
    Membership.objects.create(agency=administered, user=make_user("a@laramie.gov", "A"), role=Role.AGENCY_ADMIN)
    assert _count(cast, status="unclaimed") == 1 and unclaimed.name in _names(cast, status="unclaimed")
    assert _names(cast, status="claim_pending") == [claimed.name]
    assert _names(cast, status="not_pledged") == [administered.name]
    assert _count(cast, status="pledged") == 2  # the cast's two agencies


def _names(cast: Cast, **query: str) -> list[str]:
    response = cast.client_for("staff").get(URL, query)
    return [a.name for a in response.context["page"]]


@time_machine.travel(dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC), tick=False)
def test_staff_filter_by_deadline_exactly_by_calendar_months(cast: Cast) -> None:
    # Springfield: 2026-01-15 + 24 months = 2028-01-15; Shelbyville: 2026-02-01 + 12 months = 2027-02-01.
    assert _names(cast, deadline="90") == ["Shelbyville Police Department"]
    assert _count(cast, deadline="passed") == 0
    assert _count(cast, deadline="365") == 1
    with time_machine.travel(dt.datetime(2027, 2, 2, 12, tzinfo=dt.UTC), tick=False):
        assert _names(cast, deadline="passed") == ["Shelbyville Police Department"]
    with time_machine.travel(dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC), tick=False):
        assert _count(cast, deadline="passed") == 0  # due today, not yet passed
    page = cast.client_for("staff").get(URL).content.decode()
    assert "2028-01-15" in page and "2027-02-01" in page


def test_the_list_pages_in_a_fixed_number_of_queries(cast: Cast) -> None:
    staff = cast.client_for("staff")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(URL, {"status": "pledged", "deadline": "365"}).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    edition = RuleEdition.objects.get(code="2016")
    with scopes_disabled():
        for i in range(60):
            agency = make_agency(f"Town {i:02d} PD", "WY", f"WY02{i:03d}00", sworn_count=i)
            Pledge.objects.create(
                agency=agency,
                edition=edition,
                committed_months=12 + i % 3,
                pledged_on=dt.date(2026, 1, 1),
                sworn_count=i,
                nonsworn_count=0,
                head_name="H",
                head_title="Chief",
                consent_text="x",
                signed_by=cast.staff,
            )
    assert queries() == few
    response = staff.get(URL, {"page": "2"})
    assert response.context["page"].number == 2 and len(response.context["page"]) == 12


@pytest.mark.parametrize("hostile", ["²", "'; --", "<script>", "9" * 200, "\x00"])
def test_hostile_query_values_never_fail(cast: Cast, hostile: str) -> None:
    query = {k: hostile for k in ("q", "us_state", "type", "size", "status", "deadline", "recognized", "page")}
    response = cast.client_for("staff").get(URL, query)
    # A NUL in a query string is refused as a bad request before any view runs; nothing answers 500.
    assert response.status_code in (200, 400)
    assert "<script>" not in response.content.decode().split("<main", 1)[-1]


def test_the_agency_page_shows_its_timeline_and_contact_log(cast: Cast) -> None:
    staff = cast.client_for("staff")
    url = reverse("campaign:log_contact", args=[cast.agency.slug])
    assert staff.post(url, {"kind": "call", "contacted_on": "2026-03-01", "summary": ""}).status_code == 302
    assert not ContactLogEntry.objects.exists()
    staff.post(url, {"kind": "call", "contacted_on": "2099-01-01", "summary": "Future"})
    assert not ContactLogEntry.objects.exists()
    staff.post(url, {"kind": "call", "contacted_on": "2026-03-01", "summary": "Chief asked about CIT seats"})
    page = staff.get(reverse("campaign:agency", args=[cast.agency.slug])).content.decode()
    assert "Timeline" in page and "Pledge signed" in page and "Contact logged" in page
    assert "Chief asked about CIT seats" in page
    # The browser tab's title is plain text, and the timeline is drawn once, in the page body.
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and cast.agency.name in title
    assert page.count('id="timeline-heading"') == 1


@pytest.mark.parametrize("who", ["admin", "outsider", "viewer"])
def test_only_campaign_staff_log_contacts(cast: Cast, who: str) -> None:
    url = reverse("campaign:log_contact", args=[cast.agency.slug])
    data = {"kind": "note", "contacted_on": "2026-03-01", "summary": "mine"}
    assert cast.client_for(who).post(url, data).status_code == 404
    assert cast.client_for("anonymous").post(url, data).status_code == 302
    assert not ContactLogEntry.objects.exists()


def _announcement(**targets: Any) -> Announcement:
    return Announcement.objects.create(title="CIT seats in Wyoming", body="Line one.\nLine two.", **targets)


def test_a_targeted_announcement_reaches_only_its_agencies_in_the_app_and_by_e_mail(cast: Cast) -> None:
    wyoming = make_agency("Cheyenne Police Department", "WY", "WY0110100")
    chief = make_user("chief@cheyenne.gov", "Chief")
    Membership.objects.create(agency=wyoming, user=chief, role=Role.AGENCY_ADMIN)
    announcement = _announcement(target_states="WY")
    staff = cast.client_for("staff")
    url = reverse("campaign:announcement_send", args=[announcement.pk])
    page = staff.get(url).content.decode()
    assert "1 agency" in page and "Cheyenne" in page
    staff.post(url)
    assert staff.post(url).status_code == 302  # a second send is refused, nothing planned twice
    assert list(Reminder.objects.values_list("recipient__email", flat=True)) == ["chief@cheyenne.gov"]
    send_due(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))
    assert [m.to for m in mail.outbox] == [["chief@cheyenne.gov"]] and "CIT seats in Wyoming" in mail.outbox[0].subject
    assert Notification.objects.get(user=chief).title == "CIT seats in Wyoming"
    # A targeted announcement is not the banner every agency sees.
    overview = cast.client_for("admin").get(reverse("tenancy:overview", args=[cast.agency.slug])).content.decode()
    assert "CIT seats in Wyoming" not in overview


@time_machine.travel(dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC), tick=False)
def test_an_announcement_targets_by_status_and_deadline(cast: Cast) -> None:
    from onemind.campaign.selectors import announcement_audience

    soon = _announcement(target_deadline_days=60)
    assert [a.name for a in announcement_audience(soon)] == ["Shelbyville Police Department"]
    pledged = _announcement(target_status="pledged")
    assert announcement_audience(pledged).count() == 2
    fresh = make_agency("Casper Police Department", "WY", "WY0010100")
    Membership.objects.create(agency=fresh, user=make_user("a@casper.gov", "A"), role=Role.AGENCY_ADMIN)
    assert [a.name for a in announcement_audience(_announcement(target_status="not_pledged"))] == [fresh.name]


def test_announcement_targets_are_validated(cast: Cast) -> None:
    response = cast.client_for("staff").post(
        reverse("campaign:announcement_add"),
        {"title": "T", "body": "B", "published_on": "2026-03-01", "is_published": "on", "target_states": "WY, ZZ"},
    )
    assert response.status_code == 200 and "Not a US state code: ZZ" in response.content.decode()


@pytest.mark.parametrize("who", ["admin", "outsider"])
def test_only_campaign_staff_send_announcements(cast: Cast, who: str) -> None:
    announcement = _announcement()
    assert cast.client_for(who).post(reverse("campaign:announcement_send", args=[announcement.pk])).status_code == 404
    assert not Reminder.objects.exists()
