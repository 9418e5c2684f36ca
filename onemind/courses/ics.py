"""iCalendar (RFC 5545) files for sessions: one session, or a feed of many.

Times are written in UTC, which every calendar reads without a VTIMEZONE block; the description names the session's
own zone. Text is escaped and lines folded at 75 octets as the RFC requires.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from onemind.courses.models import CourseSession

PRODID = "-//One Mind Campaign//OneMind courses//EN"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Split a content line into 75-octet pieces without cutting a UTF-8 character."""
    out, current = [], ""
    limit = 75
    for char in line:
        if len((current + char).encode()) > limit:
            out.append(current)
            current, limit = char, 74  # continuation lines start with a space
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(session: CourseSession, stamp: str) -> list[str]:
    url = settings.SITE_URL.rstrip("/") + reverse("courses:session", args=[session.public_id])
    course = session.course_type
    summary = f"{course.code}: {session.title or course.name}"
    location = ", ".join(p for p in (session.address, session.city, session.state, session.zip_code) if p)
    description = [
        f"{course.name}, {session.hours} hours, {session.get_format_display().lower()}.",
        f"Provider: {session.provider.name}.",
        f"Local time: {session.starts_local:%Y-%m-%d %H:%M} to {session.ends_local:%Y-%m-%d %H:%M}"
        f" ({session.timezone}).",
        f"Registration closes {session.deadline_local:%Y-%m-%d %H:%M}.",
    ]
    if session.contact:
        description.append(f"Contact: {session.contact}.")
    if session.is_cancelled:
        description.insert(0, f"CANCELLED: {session.cancel_reason}")
    lines = [
        "BEGIN:VEVENT",
        f"UID:{session.public_id}@onemind-courses",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(chr(10).join(description))}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if session.is_cancelled else 'CONFIRMED'}",
    ]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    if session.latitude is not None and session.longitude is not None:
        lines.append(f"GEO:{session.latitude:.5f};{session.longitude:.5f}")
    lines.append("END:VEVENT")
    return lines


def calendar(sessions: Iterable[CourseSession], name: str) -> str:
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for session in sessions:
        lines += _event(session, stamp)
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
