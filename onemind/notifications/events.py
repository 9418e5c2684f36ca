"""Reminders caused by something happening (a review, a registration) rather than by a date.

The receivers write reminder rows inside the sender's transaction, so the row exists exactly when the change
does (an outbox); the worker delivers it within a minute. A receiver never breaks the action that triggered it:
its work runs in a savepoint and a failure is logged.
"""

from __future__ import annotations

import datetime as dt
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


def _registration_rows(registration: Any, change: str) -> list[Planned]:
    """Whoever registered the person (in-app only: the courses app e-mails them itself) and the officer's own
    login; the agency's coordinators and administrators when neither exists."""
    kind = REGISTRATION_KINDS.get(change)
    if kind is None:
        return []
    session = registration.session
    start = getattr(session, "starts_local", None) or getattr(session, "starts_at", None) or timezone.localdate()
    if isinstance(start, dt.datetime):
        start = start.date()
    context = {
        "course": str(getattr(session, "title", "") or session),
        "person": str(registration.person),
        "date": start.isoformat(),
        "agency_slug": getattr(registration.agency, "slug", ""),
    }
    registered_by = getattr(registration, "registered_by_id", None)
    officer = getattr(registration.person, "user_id", None)
    key, subject = f"r{registration.pk}:{change}", f"registration:{registration.pk}"
    rows = []
    if registered_by:
        rows += _rows(kind, [registered_by], registration.agency_id, subject, key, {**context, "in_app_only": True})
    if officer and officer != registered_by:
        rows += _rows(kind, [officer], registration.agency_id, subject, key, {**context, "own": True})
    if not rows:
        staff = agency_recipients([registration.agency_id]).get(registration.agency_id, [])
        rows = _rows(kind, staff, registration.agency_id, subject, key, context)
    return rows


def on_registration_changed(sender: Any, registration: Any, change: str, **kwargs: Any) -> None:
    _guarded(lambda: save_planned(_registration_rows(registration, change)))


def on_session_cancelled(sender: Any, session: Any, registrations: Iterable[Any] = (), **kwargs: Any) -> None:
    _guarded(lambda: save_planned([row for r in registrations for row in _registration_rows(r, "cancelled")]))


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
    if registration_changed is not None:
        registration_changed.connect(on_registration_changed, dispatch_uid="notifications.registration_changed")
    if session_cancelled is not None:
        session_cancelled.connect(on_session_cancelled, dispatch_uid="notifications.session_cancelled")
