"""What each reminder says: a title, a few lines and a link, rendered as e-mail (text and HTML) and in-app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from onemind.compliance.selectors import NEW_HIRE_DAYS
from onemind.notifications.kinds import Kind
from onemind.notifications.models import Reminder


@dataclass(frozen=True)
class Composed:
    title: str
    lines: tuple[str, ...]
    url: str


def _day(value: str) -> str:
    day = dt.date.fromisoformat(value)
    return f"{day:%B} {day.day}, {day.year}"


def _url(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return reverse("notifications:list")


def _whose(c: dict[str, Any]) -> str:
    return "Your" if c.get("own") else f"{c['person']}'s"


def _mhfa(days: int) -> Callable[[dict[str, Any]], Composed]:
    def compose(c: dict[str, Any]) -> Composed:
        return Composed(
            f"{_whose(c)} MHFA certificate expires in {days} days",
            (
                f"{_whose(c)} Mental Health First Aid certificate ({c['agency']}) stops counting on {_day(c['date'])}.",
                "A recertification course taken before that day renews it.",
            ),
            _url("roster:detail", agency_slug=c["agency_slug"], person_id=c["person_id"]),
        )

    return compose


def _expired(c: dict[str, Any]) -> Composed:
    return Composed(
        f"{_whose(c)} MHFA certificate has expired",
        (
            f"{_whose(c)} Mental Health First Aid certificate ({c['agency']}) stopped counting on {_day(c['date'])}.",
            "Only the full MHFA course brings it back now.",
        ),
        _url("roster:detail", agency_slug=c["agency_slug"], person_id=c["person_id"]),
    )


def _new_hire(c: dict[str, Any]) -> Composed:
    return Composed(
        f"{c['person']} has no MHFA or CIT training yet",
        (
            f"{c['person']} of {c['agency']}, a sworn officer hired on {_day(c['date'])}, has no qualifying "
            "training on record.",
        ),
        _url("roster:detail", agency_slug=c["agency_slug"], person_id=c["person_id"]),
    )


def _milestone(c: dict[str, Any]) -> Composed:
    months = c["stage"].rstrip("m")
    return Composed(
        f"{months} months since {c['agency']} took the pledge",
        (f"The deadline to complete all four strategies is {_day(c['deadline'])}.", "See what is left to do."),
        _url("compliance:dashboard", agency_slug=c["agency_slug"]),
    )


def _approaching(c: dict[str, Any]) -> Composed:
    days = c["stage"].rstrip("d")
    return Composed(
        f"{days} days left to complete the One Mind pledge",
        (f"{c['agency']}'s deadline is {_day(c['deadline'])}.", "See what is left to do."),
        _url("compliance:dashboard", agency_slug=c["agency_slug"]),
    )


def _reviewed(verb: str) -> Callable[[dict[str, Any]], Composed]:
    def compose(c: dict[str, Any]) -> Composed:
        lines = [f"Campaign staff {verb} {c['agency']}'s submission for strategy {c['strategy']}."]
        if verb == "returned":
            lines.append("Read the reviewer's comment, make the changes and submit again.")
        return Composed(
            f"Strategy {c['strategy']} submission {verb}",
            tuple(lines),
            _url("reviews:detail", agency_slug=c["agency_slug"], strategy=c["strategy"]),
        )

    return compose


# change → (title label, opening about someone else's registration, opening about the reader's own)
_REGISTRATION_WORDS = {
    "confirmed": ("Seat held", "A seat is held for {person}.", "A seat is held for you."),
    "promoted": (
        "Seat now held",
        "A seat freed up and is now held for {person}.",
        "A seat freed up and is now held for you.",
    ),
    "waitlisted": (
        "Waitlisted",
        "The session is full: {person} is on the waitlist and gets a seat as soon as one frees up.",
        "The session is full: you are on the waitlist and get a seat as soon as one frees up.",
    ),
    "cancelled": (
        "Registration cancelled",
        "The registration of {person} is cancelled.",
        "Your registration is cancelled.",
    ),
}
_CHANGE_OF_KIND: dict[str, str] = {
    Kind.REGISTRATION_CONFIRMED: "confirmed",
    Kind.REGISTRATION_WAITLISTED: "waitlisted",
    Kind.REGISTRATION_CANCELLED: "cancelled",
}


def _session_lines(c: dict[str, Any], *, told: Iterable[str] = ()) -> tuple[str, ...]:
    """The session as registrants need it: course, dates in the session's own zone, place, provider.
    ``told``: "when"/"where" lines the message has already given (as a change)."""
    contact = f" (contact: {c['contact']})" if c.get("contact") else ""
    return (
        f"Course: {c['course_code']} — {c['course_name']}",
        *((f"Session: {c['title']}",) if c.get("title") else ()),
        *((f"When: {c['when']}",) if "when" not in told else ()),
        *((f"Where: {c['where']}",) if "where" not in told else ()),
        f"Provider: {c['provider']}{contact}",
        "The session page has the details and a calendar file.",
    )


def _session_url(c: dict[str, Any]) -> str:
    return _url("courses:session", session_id=c["session_id"]) if c.get("session_id") else _url("notifications:list")


def _registration(kind: str) -> Callable[[dict[str, Any]], Composed]:
    def compose(c: dict[str, Any]) -> Composed:
        label, theirs, yours = _REGISTRATION_WORDS[c.get("change", _CHANGE_OF_KIND[kind])]
        day = c["date"]
        if "when" not in c:  # planned before notices carried the session's details
            verb = _CHANGE_OF_KIND[kind]
            whose = "Your" if c.get("own") else f"{c['person']}'s"
            line = f"{whose} place in {c['course']} on {_day(day)} is {verb}."
            return Composed(f"Registration {verb}: {c['course']}", (line,), _url("notifications:list"))
        who = "" if c.get("own") else f"{c['person']} on "
        opening = (yours if c.get("own") else theirs).format(person=c["person"])
        return Composed(f"{label}: {who}{c['course']} {day}", (opening, *_session_lines(c)), _session_url(c))

    return compose


def _people(c: dict[str, Any], own: str, theirs: str) -> str:
    return own if c.get("own") else theirs.format(names=", ".join(c["people"]))


def _session_cancelled(c: dict[str, Any]) -> Composed:
    return Composed(
        f"Session cancelled: {c['course']} {c['date']}",
        (
            f"The provider cancelled this session: {c['reason']}",
            _people(c, "Your registration is cancelled.", "Registrations cancelled: {names}."),
            *_session_lines(c),
        ),
        _session_url(c),
    )


_CHANGE_LABELS = {"when": "When", "where": "Where"}


def _session_changed(c: dict[str, Any]) -> Composed:
    changed = c.get("changes", {})
    lines = [
        "The provider changed this session; registrations stand. What changed (before → now):",
        *(
            f"{label}: {changed[name][0]} → {changed[name][1]}"
            for name, label in _CHANGE_LABELS.items()
            if name in changed
        ),
        _people(c, "You are registered.", "Registered: {names}."),
        *_session_lines(c, told=changed),
    ]
    return Composed(f"Session changed: {c['course']} {c['date']}", tuple(lines), _session_url(c))


def _agreement(c: dict[str, Any]) -> Composed:
    return Composed(
        f"Agreement with {c['partner']} ends in 60 days",
        (
            f"{c['agency']}'s agreement with {c['partner']} is in force until {_day(c['date'])}.",
            "Renew it, or strategy 1 stops being met.",
        ),
        _url("partnerships:detail", agency_slug=c["agency_slug"], partnership_id=c["partnership_id"]),
    )


def _digest(c: dict[str, Any]) -> Composed:
    lines = [
        f"MHFA certificates expiring in the next 90 days: {c.get('expiring', 0)}",
        f"MHFA certificates lapsed: {c.get('lapsed', 0)}",
        f"Sworn officers hired in the last {NEW_HIRE_DAYS} days with no MHFA or CIT training (as on the dashboard): "
        f"{c.get('untrained', 0)}",
    ]
    if c.get("deadline"):
        lines.append(f"Pledge deadline: {_day(c['deadline'])}")
    return Composed(
        f"{c['agency']}: the week of {_day(c['week_of'])}",
        tuple(lines),
        _url("compliance:dashboard", agency_slug=c["agency_slug"]),
    )


def _announcement(c: dict[str, Any]) -> Composed:
    return Composed(c["title"], tuple(line for line in c["body"].splitlines() if line.strip()), _url("accounts:home"))


COMPOSERS: dict[str, Callable[[dict[str, Any]], Composed]] = {
    Kind.ANNOUNCEMENT: _announcement,
    Kind.MHFA_EXPIRING_90: _mhfa(90),
    Kind.MHFA_EXPIRING_30: _mhfa(30),
    Kind.MHFA_EXPIRED: _expired,
    Kind.NEW_HIRE_UNTRAINED: _new_hire,
    Kind.DEADLINE_MILESTONE: _milestone,
    Kind.DEADLINE_APPROACHING: _approaching,
    Kind.SUBMISSION_VERIFIED: _reviewed("verified"),
    Kind.SUBMISSION_RETURNED: _reviewed("returned"),
    Kind.REGISTRATION_CONFIRMED: _registration(Kind.REGISTRATION_CONFIRMED),
    Kind.REGISTRATION_WAITLISTED: _registration(Kind.REGISTRATION_WAITLISTED),
    Kind.REGISTRATION_CANCELLED: _registration(Kind.REGISTRATION_CANCELLED),
    Kind.SESSION_CANCELLED: _session_cancelled,
    Kind.SESSION_CHANGED: _session_changed,
    Kind.AGREEMENT_ENDING: _agreement,
    Kind.WEEKLY_DIGEST: _digest,
}


def compose(reminder: Reminder) -> Composed:
    return COMPOSERS[reminder.kind](reminder.context)


GROUPABLE: dict[str, str] = {
    Kind.MHFA_EXPIRING_90: "{n} MHFA certificates expire in 90 days",
    Kind.MHFA_EXPIRING_30: "{n} MHFA certificates expire in 30 days",
    Kind.MHFA_EXPIRED: "{n} MHFA certificates have expired",
    Kind.NEW_HIRE_UNTRAINED: "{n} sworn hires have no MHFA or CIT training yet",
}
GROUP_DATE_LABEL: dict[str, str] = {Kind.NEW_HIRE_UNTRAINED: "hired"}


def compose_group(rows: list[Reminder]) -> Composed:
    """Several reminders of one kind about one agency's people, to one person: one message listing them."""
    kind, first = rows[0].kind, rows[0].context
    label = GROUP_DATE_LABEL.get(kind, "certificate ends")
    people = sorted((r.context["person"], r.context["date"]) for r in rows)
    return Composed(
        GROUPABLE[kind].format(n=len(rows)),
        (f"{first['agency']}:", *(f"{name} ({label} {_day(day)})" for name, day in people)),
        _url("compliance:dashboard", agency_slug=first["agency_slug"]),
    )


def build_email(reminder: Reminder, composed: Composed, *, message_id: str = "") -> EmailMultiAlternatives:
    """Plain text and HTML from the same context; the Message-ID is the reminder's own, fixed when planned."""
    context = {
        "reminder": reminder,
        "title": composed.title,
        "lines": composed.lines,
        "url": settings.SITE_URL + composed.url,
        "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
        "recipient": reminder.recipient,
    }
    template = "digest" if reminder.kind == Kind.WEEKLY_DIGEST else "reminder"
    subject = render_to_string("notifications/email/subject.txt", context).strip()
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[reminder.recipient.email],
        headers={"Message-ID": message_id or reminder.message_id, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
