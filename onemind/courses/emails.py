"""Plain-text e-mails to the coordinator who registered someone: seat held, waitlisted, promoted, cancelled."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from onemind.courses.models import CourseSession, Registration

SUBJECTS = {
    "confirmed": "Seat held: {person} on {course} {day}",
    "waitlisted": "Waitlisted: {person} on {course} {day}",
    "promoted": "Seat now held: {person} on {course} {day}",
    "cancelled": "Registration cancelled: {person} on {course} {day}",
}
OPENINGS = {
    "confirmed": "A seat is held for {person}.",
    "waitlisted": "The session is full: {person} is on the waitlist and gets a seat as soon as one frees up.",
    "promoted": "A seat freed up and is now held for {person}.",
    "cancelled": "The registration of {person} is cancelled.",
}


def _describe(session: CourseSession) -> list[str]:
    url = settings.SITE_URL.rstrip("/") + reverse("courses:session", args=[session.public_id])
    return [
        f"Course: {session.course_type.code} — {session.course_type.name}",
        f"When: {session.starts_local:%Y-%m-%d %H:%M} to {session.ends_local:%Y-%m-%d %H:%M} ({session.timezone})",
        f"Where: {session.address + ', ' if session.address else ''}{session.place}",
        f"Provider: {session.provider.name}" + (f" (contact: {session.contact})" if session.contact else ""),
        f"Details and calendar file: {url}",
    ]


def send_registration_email(registration: Registration, change: str) -> int:
    """Tell the coordinator who registered the person; returns the number of messages sent."""
    user = registration.registered_by
    if user is None or not user.email or change not in SUBJECTS:
        return 0
    session = registration.session
    words = {
        "person": registration.person.full_name,
        "course": session.course_type.code,
        "day": f"{session.starts_local:%Y-%m-%d}",
    }
    body = "\n".join([OPENINGS[change].format(**words), "", *_describe(session), ""])
    return send_mail(SUBJECTS[change].format(**words), body, None, [user.email])


def send_session_cancelled_email(session: CourseSession, registrations: list[Registration]) -> int:
    """One message per coordinator, naming each of their people on the cancelled session."""
    by_user: dict[str, list[str]] = {}
    for reg in registrations:
        if reg.registered_by is not None and reg.registered_by.email:
            by_user.setdefault(reg.registered_by.email, []).append(reg.person.full_name)
    for email, names in by_user.items():
        body = "\n".join(
            [
                f"The provider cancelled this session: {session.cancel_reason}",
                f"Registrations cancelled: {', '.join(names)}.",
                "",
                *_describe(session),
                "",
            ]
        )
        send_mail(f"Session cancelled: {session.course_type.code} {session.starts_local:%Y-%m-%d}", body, None, [email])
    return len(by_user)
