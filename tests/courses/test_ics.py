"""The .ics files and feeds, read back with a standard calendar parser (the `icalendar` library)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.urls import reverse

from onemind.courses import ics, services
from tests.conftest import Cast
from tests.courses.helpers import make_provider, make_session

pytestmark = pytest.mark.django_db


def _events(response: Any) -> list[icalendar.Event]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def test_a_sessions_ics_opens_in_a_calendar_parser(cast: Cast, provider_org: Any) -> None:
    session = make_session(
        provider_org,
        title="Spring academy; week one, with a very long title that must be folded across several lines",
        address="1 Training Way, Suite 4",
        notes="",
    )
    response = cast.client_for("anonymous").get(reverse("courses:session_ics", args=[session.public_id]))
    assert "attachment" in response["Content-Disposition"]
    (event,) = _events(response)
    assert event.decoded("dtstart") == session.starts_at
    assert event.decoded("dtend") == session.ends_at
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert str(event["summary"]) == f"CIT-40: {session.title}"
    assert str(event["location"]) == "1 Training Way, Suite 4, Springfield, IL"
    assert str(event["uid"]) == f"{session.public_id}@onemind-courses"
    assert str(event["status"]) == "CONFIRMED"
    assert event["geo"].latitude == pytest.approx(39.8)
    assert "Provider: Prairie CIT Program." in str(event["description"])
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))


def test_a_cancelled_sessions_ics_says_cancelled(cast: Cast, provider_org: Any) -> None:
    session = make_session(provider_org)
    services.cancel_session(actor=cast.provider, session=session, reason="Instructor ill")
    (event,) = _events(cast.client_for("anonymous").get(reverse("courses:session_ics", args=[session.public_id])))
    assert str(event["status"]) == "CANCELLED"
    assert "CANCELLED: Instructor ill" in str(event["description"])


def test_an_ics_for_a_missing_session_is_not_found(cast: Cast) -> None:
    url = reverse("courses:session_ics", args=["00000000-0000-0000-0000-000000000000"])
    assert cast.client_for("anonymous").get(url).status_code == 404
    assert cast.client_for("anonymous").get("/courses/not-a-session.ics").status_code == 404


def test_the_feed_follows_the_finders_filters(cast: Cast, provider_org: Any) -> None:
    make_session(provider_org, code="CIT-40", title="Cit")
    make_session(provider_org, code="MHFA-PS", title="Mhfa", hours=8)
    client = cast.client_for("anonymous")
    assert len(_events(client.get(reverse("courses:feed")))) == 2
    (event,) = _events(client.get(reverse("courses:feed"), {"type": "MHFA-PS"}))
    assert str(event["summary"]) == "MHFA-PS: Mhfa"


def test_a_providers_feed_holds_its_sessions_only(cast: Cast, provider_org: Any) -> None:
    make_session(provider_org, title="Ours")
    rival = make_provider(cast.outsider, name="Rival Training Group")
    make_session(rival, actor=cast.outsider, title="Theirs")
    response = cast.client_for("anonymous").get(reverse("courses:provider_feed", args=[provider_org.slug]))
    assert [str(e["summary"]) for e in _events(response)] == ["CIT-40: Ours"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Prairie CIT Program courses"
    assert cast.client_for("anonymous").get(reverse("courses:provider_feed", args=["nobody"])).status_code == 404


def test_text_is_escaped_and_folded_without_splitting_characters() -> None:
    assert ics._escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    folded = ics._fold("DESCRIPTION:" + "é" * 80)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "é" * 80
