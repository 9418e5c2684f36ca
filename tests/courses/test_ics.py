"""The .ics files and feeds, read back with a standard calendar parser (the `icalendar` library)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.urls import reverse

from onemind.courses import services
from onemind.courses.models import CourseSession
from tests.conftest import Cast
from tests.courses.helpers import CHICAGO, make_provider, make_session

pytestmark = pytest.mark.django_db


def _one_day(days: int = 30) -> dict[str, Any]:
    """A session from 08:00 to 17:00 on one day (Chicago), as its start, end and registration deadline."""
    start = (dt.datetime.now(CHICAGO) + dt.timedelta(days=days)).replace(hour=8, minute=0, second=0, microsecond=0)
    return {"starts_at": start, "ends_at": start + dt.timedelta(hours=9), "registration_deadline": start}


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
        **_one_day(),
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
    session = make_session(provider_org, **_one_day())
    services.cancel_session(actor=cast.provider, session=session, reason="Instructor ill")
    (event,) = _events(cast.client_for("anonymous").get(reverse("courses:session_ics", args=[session.public_id])))
    assert str(event["status"]) == "CANCELLED"
    assert "CANCELLED: Instructor ill" in str(event["description"])


def test_an_ics_for_a_missing_session_is_not_found(cast: Cast) -> None:
    url = reverse("courses:session_ics", args=["00000000-0000-0000-0000-000000000000"])
    assert cast.client_for("anonymous").get(url).status_code == 404
    assert cast.client_for("anonymous").get("/courses/not-a-session.ics").status_code == 404


def test_the_feed_follows_the_finders_filters(cast: Cast, provider_org: Any) -> None:
    make_session(provider_org, code="CIT-40", title="Cit", **_one_day())
    make_session(provider_org, code="MHFA-PS", title="Mhfa", hours=8, **_one_day())
    client = cast.client_for("anonymous")
    assert len(_events(client.get(reverse("courses:feed")))) == 2
    (event,) = _events(client.get(reverse("courses:feed"), {"type": "MHFA-PS"}))
    assert str(event["summary"]) == "MHFA-PS: Mhfa"


def test_a_providers_feed_holds_its_sessions_only(cast: Cast, provider_org: Any) -> None:
    make_session(provider_org, title="Ours", **_one_day())
    rival = make_provider(cast.outsider, name="Rival Training Group")
    make_session(rival, actor=cast.outsider, title="Theirs", **_one_day())
    response = cast.client_for("anonymous").get(reverse("courses:provider_feed", args=[provider_org.slug]))
    assert [str(e["summary"]) for e in _events(response)] == ["CIT-40: Ours"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Prairie CIT Program courses"
    assert cast.client_for("anonymous").get(reverse("courses:provider_feed", args=["nobody"])).status_code == 404


def test_text_is_escaped_and_folded_without_splitting_characters(cast: Cast, provider_org: Any) -> None:
    title = "Crisis; response, \\ week\n" + "é" * 80
    session = make_session(provider_org, title=title, **_one_day())
    response = cast.client_for("anonymous").get(reverse("courses:session_ics", args=[session.public_id]))
    raw = response.content
    assert b"Crisis\\; response\\, \\\\ week\\n" in raw
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")  # no line was cut inside a character
    (event,) = _events(response)
    assert str(event["summary"]) == f"CIT-40: {title}"


def test_a_change_raises_sequence_and_last_modified_under_the_same_uid(cast: Cast, provider_org: Any) -> None:
    session = make_session(provider_org, **_one_day())
    url = reverse("courses:session_ics", args=[session.public_id])
    client = cast.client_for("anonymous")
    (first,) = _events(client.get(url))
    assert first["sequence"] == 0
    assert first.decoded("last-modified") == session.updated_at.replace(microsecond=0)

    later = _one_day(days=31)
    services.update_session(
        actor=cast.provider, session=session, starts_at=later["starts_at"], ends_at=later["ends_at"]
    )
    (moved,) = _events(client.get(url))
    assert str(moved["uid"]) == str(first["uid"])
    assert moved["sequence"] == 1
    assert moved.decoded("last-modified") >= first.decoded("last-modified")
    assert moved.decoded("dtstart") == later["starts_at"]

    services.update_session(actor=cast.provider, session=session, seats=session.seats)  # nothing changed
    (same,) = _events(client.get(url))
    assert same["sequence"] == 1

    services.cancel_session(actor=cast.provider, session=session, reason="Room flooded")
    (cancelled,) = _events(client.get(url))
    assert cancelled["sequence"] == 2 and str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["uid"]) == str(first["uid"])


def test_a_week_long_session_is_one_event_per_day(cast: Cast, provider_org: Any) -> None:
    session = make_session(provider_org, title="CIT week")  # 5 days, 08:00 to 17:00 each
    events = _events(cast.client_for("anonymous").get(reverse("courses:session_ics", args=[session.public_id])))
    assert len(events) == 5
    uids = [str(e["uid"]) for e in events]
    assert uids[0] == f"{session.public_id}@onemind-courses" and len(set(uids)) == 5
    assert uids[1:] == [f"{session.public_id}-day{n}@onemind-courses" for n in range(2, 6)]
    for number, event in enumerate(events):
        begins = event.decoded("dtstart").astimezone(CHICAGO)
        ends = event.decoded("dtend").astimezone(CHICAGO)
        assert begins.date() == session.starts_local.date() + dt.timedelta(days=number)
        assert (begins.hour, ends.hour, begins.date()) == (8, 17, ends.date())
        assert str(event["summary"]) == f"CIT-40: CIT week (day {number + 1} of 5)"
    assert events[0].decoded("dtstart") == session.starts_at and events[-1].decoded("dtend") == session.ends_at
    # The feed carries the same five.
    feed = _events(cast.client_for("anonymous").get(reverse("courses:feed")))
    assert sorted(str(e["uid"]) for e in feed) == sorted(uids)


def test_a_session_past_midnight_stays_one_event(cast: Cast, provider_org: Any) -> None:
    start = _one_day()["starts_at"].replace(hour=20)
    session = make_session(
        provider_org, starts_at=start, ends_at=start + dt.timedelta(hours=8), registration_deadline=start, hours=8
    )
    (event,) = _events(cast.client_for("anonymous").get(reverse("courses:session_ics", args=[session.public_id])))
    assert event.decoded("dtstart") == session.starts_at and event.decoded("dtend") == session.ends_at
    assert CourseSession.objects.get(pk=session.pk).sequence == 0
