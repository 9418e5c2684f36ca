"""iCalendar (RFC 5545) files for sessions: one session, or a feed of many, built with the `icalendar` library.

Times are written in UTC, which every calendar reads without a VTIMEZONE block; the description names the session's
own zone. The library escapes text and folds lines.

Each event carries a UID that never changes, the session's SEQUENCE (one more at every change) and LAST-MODIFIED,
so a calendar that imported a session replaces its event when the session moves or is cancelled. A session over
several days (a 40-hour CIT week) becomes one event per day, from its daily start to its daily end in the session's
own zone; day 1 keeps the session's plain UID, so a one-day session that grows into a week updates in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from onemind.courses.models import CourseSession

PRODID = "-//One Mind Campaign//OneMind courses//EN"


def days(session: CourseSession) -> list[tuple[dt.datetime, dt.datetime]]:
    """The session's meetings in UTC: one per local calendar day, or the whole span when that cannot be split."""
    start, end = session.starts_local, session.ends_local
    if start.date() == end.date() or end.time() <= start.time():
        return [(session.starts_at.astimezone(dt.UTC), session.ends_at.astimezone(dt.UTC))]
    meetings = []
    for offset in range((end.date() - start.date()).days + 1):
        day = start.date() + dt.timedelta(days=offset)
        begins = dt.datetime.combine(day, start.time(), tzinfo=session.zone)
        ends = dt.datetime.combine(day, end.time(), tzinfo=session.zone)
        meetings.append((begins.astimezone(dt.UTC), ends.astimezone(dt.UTC)))
    return meetings


def _description(session: CourseSession) -> str:
    course = session.course_type
    lines = [
        f"{course.name}, {session.hours} hours, {session.get_format_display().lower()}.",
        f"Provider: {session.provider.name}.",
        f"Local time: {session.starts_local:%Y-%m-%d %H:%M} to {session.ends_local:%Y-%m-%d %H:%M}"
        f" ({session.timezone}).",
        f"Registration closes {session.deadline_local:%Y-%m-%d %H:%M}.",
    ]
    if session.contact:
        lines.append(f"Contact: {session.contact}.")
    if session.is_cancelled:
        lines.insert(0, f"CANCELLED: {session.cancel_reason}")
    return "\n".join(lines)


def _events(session: CourseSession, stamp: dt.datetime) -> list[icalendar.Event]:
    url = settings.SITE_URL.rstrip("/") + reverse("courses:session", args=[session.public_id])
    course = session.course_type
    summary = f"{course.code}: {session.title or course.name}"
    location = ", ".join(p for p in (session.address, session.city, session.state, session.zip_code) if p)
    description = _description(session)
    meetings = days(session)
    events = []
    for number, (begins, ends) in enumerate(meetings, start=1):
        event = icalendar.Event()
        suffix = f"-day{number}" if number > 1 else ""
        event.add("uid", f"{session.public_id}{suffix}@onemind-courses")
        event.add("dtstamp", stamp)
        event.add("last-modified", session.updated_at.astimezone(dt.UTC))
        event.add("sequence", session.sequence)
        event.add("dtstart", begins)
        event.add("dtend", ends)
        if len(meetings) > 1:
            event.add("summary", f"{summary} (day {number} of {len(meetings)})")
        else:
            event.add("summary", summary)
        event.add("description", description)
        event.add("url", url)
        event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
        if location:
            event.add("location", location)
        if session.latitude is not None and session.longitude is not None:
            event.add("geo", (round(session.latitude, 5), round(session.longitude, 5)))
        events.append(event)
    return events


def calendar(sessions: Iterable[CourseSession], name: str) -> str:
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for session in sessions:
        for event in _events(session, stamp):
            cal.add_component(event)
    return cal.to_ical().decode()
