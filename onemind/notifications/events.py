"""Reminders caused by something happening (a review, a registration) rather than by a date.

The receivers write reminder rows inside the sender's transaction, so the row exists exactly when the change
does (an outbox); the worker delivers it within a minute. A receiver never breaks the action that triggered it:
its work runs in a savepoint and a failure is logged.

Course notices are the only course e-mails: registration changes, a cancelled session and a session moved in time
or place all arrive here (the courses app announces them just after its transaction commits), so each recipient's
preferences apply and the unique dedupe key keeps each notice to one message per recipient.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.notifications.kinds import Kind
from onemind.notifications.planner import Planned, agency_recipients, save_planned

logger = logging.getLogger(__name__)

REGISTRATION_KINDS = {
    "confirmed": Kind.REGISTRATION_CONFIRMED,
    "promoted": Kind.REGISTRATION_CONFIRMED,
    "waitlisted": Kind.REGISTRATION_WAITLISTED,
    "cancelled": Kind.REGISTRATION_CANCELLED,
}


def _guarded(work: Callable[[], int]) -> None:
    try:
        with transaction.atomic(), scopes_disabled():
            work()
    except Exception:  # noqa: BLE001 - a notice must never undo the change it reports
        logger.exception("Could not plan a notification")


def _rows(kind: str, users: Iterable[int], agency_id: int | None, subject: str, key: str, context: dict) -> list:
    today = timezone.localdate()
    return [
        Planned(kind, user, agency_id, subject, today, f"{kind}:{key}:u{user}", context, timezone.now())
        for user in dict.fromkeys(users)
    ]


def on_submission_reviewed(sender: Any, submission: Any, **kwargs: Any) -> None:
    """Verified or returned: the agency's administrators and coordinators hear, and whoever submitted it."""

    def work() -> int:
        state = submission.state
        kind = {"verified": Kind.SUBMISSION_VERIFIED, "returned": Kind.SUBMISSION_RETURNED}.get(state)
        if kind is None:
            return 0
        agency = submission.agency
        staff = agency_recipients([agency.pk]).get(agency.pk, [])
        users = [*staff, *([submission.submitted_by_id] if submission.submitted_by_id else [])]
        context = {"agency": agency.name, "agency_slug": agency.slug, "strategy": submission.strategy}
        key = f"s{submission.pk}:r{submission.round}"
        return save_planned(_rows(kind, users, agency.pk, f"submission:{submission.pk}", key, context))

    _guarded(work)


def session_facts(session: Any) -> dict[str, str]:
    """What every course notice says about the session, frozen when the notice is planned."""
    return {
        "course": session.title or session.course_type.code,
        "course_code": session.course_type.code,
        "course_name": session.course_type.name,
        "title": session.title,
        "date": session.starts_local.date().isoformat(),
        "when": session.when_label,
        "where": session.where_label,
        "provider": session.provider.name,
        "contact": session.contact,
        "session_id": str(session.public_id),
    }


class _Audience:
    """Who hears about a registration: whoever registered the person and the officer's own login; the agency's
    coordinators and administrators when neither exists. Staff lists are read once per agency."""

    def __init__(self) -> None:
        self._staff: dict[int, list[int]] = {}

    def of(self, registration: Any) -> list[tuple[int, bool]]:
        """(user id, whether the notice is about the user's own registration) pairs."""
        registered_by = registration.registered_by_id
        officer = registration.person.user_id
        users = [(registered_by, registered_by == officer)] if registered_by else []
        if officer and officer != registered_by:
            users.append((officer, True))
        if not users:
            agency = registration.agency_id
            if agency not in self._staff:
                self._staff[agency] = agency_recipients([agency]).get(agency, [])
            users = [(user, False) for user in self._staff[agency]]
        return users


def _registration_rows(registration: Any, change: str) -> list[Planned]:
    kind = REGISTRATION_KINDS.get(change)
    if kind is None:
        return []
    context = {
        **session_facts(registration.session),
        "change": change,
        "person": registration.person.full_name,
        "agency_slug": registration.agency.slug,
    }
    key, subject = f"r{registration.pk}:{change}", f"registration:{registration.pk}"
    today, now = timezone.localdate(), timezone.now()
    return [
        Planned(
            kind, user, registration.agency_id, subject, today, f"{kind}:{key}:u{user}", {**context, "own": own}, now
        )
        for user, own in _Audience().of(registration)
    ]


def _session_rows(kind: str, session: Any, registrations: Iterable[Any], key: str, extra: dict) -> list[Planned]:
    """One notice per recipient (and agency) naming all of their people on the session, not one per person."""
    audience = _Audience()
    found: dict[tuple[int, int], dict[str, Any]] = {}  # (user, agency) → what that recipient is told
    for reg in registrations:
        for user, own in audience.of(reg):
            entry = found.setdefault((user, reg.agency_id), {"people": [], "own": True, "agency_slug": reg.agency.slug})
            entry["people"].append(reg.person.full_name)
            entry["own"] = entry["own"] and own
    facts, today, now = session_facts(session), timezone.localdate(), timezone.now()
    return [
        Planned(
            kind,
            user,
            agency,
            f"session:{session.pk}",
            today,
            f"{kind}:s{session.pk}:{key}:a{agency}:u{user}",
            {**facts, **extra, **entry, "people": sorted(entry["people"])},
            now,
        )
        for (user, agency), entry in found.items()
    ]


def on_registration_changed(sender: Any, registration: Any, change: str, **kwargs: Any) -> None:
    _guarded(lambda: save_planned(_registration_rows(registration, change)))


def on_session_cancelled(sender: Any, session: Any, registrations: Iterable[Any] = (), **kwargs: Any) -> None:
    extra = {"reason": session.cancel_reason}
    _guarded(lambda: save_planned(_session_rows(Kind.SESSION_CANCELLED, session, registrations, "cancelled", extra)))


def on_session_changed(
    sender: Any, session: Any, registrations: Iterable[Any] = (), changes: dict | None = None, **kwargs: Any
) -> None:
    """The date, time, zone or place changed: ``changes`` maps "when"/"where" to (old, new) labels."""
    extra = {"changes": {name: list(pair) for name, pair in (changes or {}).items()}}
    key = f"e{kwargs.get('change_id', '')}"
    _guarded(lambda: save_planned(_session_rows(Kind.SESSION_CHANGED, session, registrations, key, extra)))


def connect() -> None:
    """Called from AppConfig.ready(). The courses signals are optional: that app may not define them."""
    from onemind.reviews.services import submission_reviewed

    submission_reviewed.connect(on_submission_reviewed, dispatch_uid="notifications.submission_reviewed")
    try:
        from onemind.courses import signals as course_signals
    except ImportError:
        return
    registration_changed = getattr(course_signals, "registration_changed", None)
    session_cancelled = getattr(course_signals, "session_cancelled", None)
    session_changed = getattr(course_signals, "session_changed", None)
    if registration_changed is not None:
        registration_changed.connect(on_registration_changed, dispatch_uid="notifications.registration_changed")
    if session_cancelled is not None:
        session_cancelled.connect(on_session_cancelled, dispatch_uid="notifications.session_cancelled")
    if session_changed is not None:
        session_changed.connect(on_session_changed, dispatch_uid="notifications.session_changed")
