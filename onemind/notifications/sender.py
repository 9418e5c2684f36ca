"""Claim due reminder rows atomically, deliver them, mark them sent.

Guarantees, and where they come from:
- Two workers never claim the same row: one conditional UPDATE moves rows from ``pending`` to ``sending`` under
  a fresh claim token; a row another worker already moved no longer matches ``status = pending``. On PostgreSQL
  the candidate rows are first locked with ``SKIP LOCKED`` so concurrent workers take disjoint batches instead of
  queueing on each other; on SQLite the UPDATE itself holds the database write lock.
- A worker killed mid-batch loses nothing: rows it claimed stay ``sending`` and are handed back to ``pending``
  after ``CLAIM_TIMEOUT``. Rows it finished are ``sent`` and are never claimed again.
- Exactly once, and its one limit: the in-app notice is unique per reminder in the database, so it is exactly
  once. The e-mail is marked sent in the single UPDATE that follows the SMTP server's acceptance; only a crash
  in that gap (milliseconds) can repeat it, and the repeat carries the same Message-ID (fixed when the row was
  planned), which receiving mail systems use to drop duplicates. We chose this side of the trade-off because
  the alternative, marking before sending, can lose a reminder for good, which is worse for a deadline.
- One person's reminders of one kind about an agency's people (certificates, untrained hires) claimed in the same
  batch go out as one message listing them, so a large agency's coordinator is not sent hundreds of e-mails; the
  rows are still marked one by one, and the message's Message-ID is derived from theirs.
- SMTP failures are retried with exponential backoff (``BACKOFF`` × 2^(attempt-1)); after ``MAX_ATTEMPTS`` the
  row becomes ``failed``: kept, listed for campaign staff, and sent again when they retry it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.notifications.kinds import CATEGORY_OF
from onemind.notifications.messages import GROUPABLE, build_email, compose, compose_group
from onemind.notifications.models import Notification, NotificationPreference, Reminder, UserNotificationSettings
from onemind.roster.models import Person, PersonStatus
from onemind.tenancy.models import Membership

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = dt.timedelta(minutes=15)
BACKOFF = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 6
BATCH_SIZE = 200


@dataclass
class SendReport:
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    reclaimed: int = 0
    errors: list[str] = field(default_factory=list)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:40]


def reclaim_stale(now: dt.datetime) -> int:
    """Hand rows claimed by a worker that died back to the queue (their attempt already counted)."""
    return Reminder.objects.filter(status=Reminder.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT).update(
        status=Reminder.Status.PENDING, claimed_by="", claimed_at=None, next_attempt_at=now
    )


def due_ids(now: dt.datetime, limit: int) -> list[int]:
    """Candidates for a claim. On PostgreSQL they are locked (SKIP LOCKED) until the claim commits."""
    # Ordered by recipient and kind so one person's reminders of one kind land in the same batch (and message).
    due = Reminder.objects.filter(status=Reminder.Status.PENDING, next_attempt_at__lte=now).order_by(
        "recipient_id", "kind", "id"
    )
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    return list(due.values_list("id", flat=True)[:limit])


def claim_batch(now: dt.datetime, worker: str, limit: int = BATCH_SIZE) -> list[Reminder]:
    """Move up to ``limit`` due rows to ``sending`` under a fresh token; return the rows this call won."""
    token = f"{worker}/{uuid.uuid4().hex[:16]}"
    with transaction.atomic():
        ids = due_ids(now, limit)
        if not ids:
            return []
        # The status condition is what makes the claim safe: a row another worker moved meanwhile is left alone.
        Reminder.objects.filter(id__in=ids, status=Reminder.Status.PENDING).update(
            status=Reminder.Status.SENDING, claimed_by=token, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(Reminder.objects.filter(claimed_by=token, status=Reminder.Status.SENDING).select_related("recipient"))


def send_due(now: dt.datetime | None = None, *, worker: str | None = None, limit: int = BATCH_SIZE) -> SendReport:
    """Deliver every reminder due by ``now``, a batch at a time, until none is left."""
    now = now or timezone.now()
    worker = worker or worker_name()
    report = SendReport()
    with scopes_disabled():
        report.reclaimed = reclaim_stale(now)
        while batch := claim_batch(now, worker, limit):
            _deliver_batch(batch, now, report)
    return report


@dataclass(frozen=True)
class _Facts:
    """What deciding a batch needs, read in a fixed number of queries for the whole batch."""

    prefs: dict[tuple[int, str], tuple[bool, bool]]
    opted_out: set[int]
    separated: set[int]
    members: set[tuple[int, int]]


def _facts(batch: Iterable[Reminder], today: dt.date) -> _Facts:
    rows = list(batch)
    users = {r.recipient_id for r in rows}
    people = {int(r.subject_key.split(":")[1]) for r in rows if r.subject_key.startswith("person:")}
    agencies = {r.agency_id for r in rows if r.agency_id}
    prefs = {
        (user, category): (email, in_app)
        for user, category, email, in_app in NotificationPreference.objects.filter(user_id__in=users).values_list(
            "user_id", "category", "email", "in_app"
        )
    }
    opted_out = set(
        UserNotificationSettings.objects.filter(user_id__in=users, email_opt_out=True).values_list("user_id", flat=True)
    )
    separated = set(
        Person.objects.filter(pk__in=people)
        .filter(Q(status=PersonStatus.SEPARATED) | Q(separation_date__lte=today))
        .values_list("pk", flat=True)
    )
    members = set(
        Membership.objects.filter(user_id__in=users, agency_id__in=agencies).values_list("user_id", "agency_id")
    )
    # An officer's own reminder comes through their personnel record, not a membership.
    members |= {
        (user_id, agency_id)
        for user_id, agency_id in Person.objects.filter(user_id__in=users, agency_id__in=agencies)
        .exclude(status=PersonStatus.SEPARATED)
        .values_list("user_id", "agency_id")
    }
    return _Facts(prefs, opted_out, separated, members)


def _skip_reason(reminder: Reminder, facts: _Facts) -> str:
    if not reminder.recipient.is_active:
        return "The recipient's account is deactivated."
    if reminder.agency_id and (reminder.recipient_id, reminder.agency_id) not in facts.members:
        return "The recipient no longer belongs to the agency."
    if reminder.subject_key.startswith("person:") and int(reminder.subject_key.split(":")[1]) in facts.separated:
        return "The officer has separated from the agency."
    return ""


def _channels(reminder: Reminder, facts: _Facts) -> tuple[bool, bool]:
    email, in_app = facts.prefs.get((reminder.recipient_id, CATEGORY_OF[reminder.kind]), (True, True))
    if reminder.recipient_id in facts.opted_out or not reminder.recipient.email:
        email = False
    if reminder.context.get("in_app_only"):
        email = False  # planned when the courses app still e-mailed registrants itself: they have that e-mail
    return email, in_app


def _deliver_batch(batch: list[Reminder], now: dt.datetime, report: SendReport) -> None:
    facts = _facts(batch, timezone.localdate(now))
    groups: dict[tuple, list[Reminder]] = {}
    for reminder in batch:
        reason = _skip_reason(reminder, facts)
        email, in_app = _channels(reminder, facts)
        if not reason and not (email or in_app):
            reason = "The recipient turned this kind of reminder off."
        if reason:
            _finish([reminder], now, Reminder.Status.SKIPPED, skip_reason=reason)
            report.skipped += 1
            continue
        # A coordinator of a large agency hears about the day's people in one message, not one each.
        together = reminder.kind in GROUPABLE and not reminder.context.get("own")
        key = (reminder.recipient_id, reminder.kind, reminder.agency_id, email, in_app, 0 if together else reminder.pk)
        groups.setdefault(key, []).append(reminder)
    for (_user, _kind, _agency, email, in_app, _together), rows in groups.items():
        try:
            deliver(rows, now, email=email, in_app=in_app)
        except Exception as exc:  # noqa: BLE001 - any transport or rendering error is retried, never lost
            for reminder in rows:
                _retry(reminder, now, exc, report)
        else:
            report.sent += len(rows)


def deliver(rows: list[Reminder], now: dt.datetime, *, email: bool, in_app: bool) -> None:
    """One message for ``rows`` (one reminder, or several of one kind to one person), then mark them all sent."""
    lead = rows[0]
    composed = compose(lead) if len(rows) == 1 else compose_group(rows)
    if in_app:
        # Unique per reminder: a second delivery attempt after a crash finds the notice already there.
        Notification.objects.get_or_create(
            reminder=lead,
            defaults={
                "user_id": lead.recipient_id,
                "kind": lead.kind,
                "title": composed.title,
                "body": "\n".join(composed.lines),
                "url": composed.url,
                "created_at": now,
            },
        )
    if email:
        message_id = lead.message_id if len(rows) == 1 else group_message_id(rows)
        build_email(lead, composed, message_id=message_id).send()
    _finish(rows, now, Reminder.Status.SENT, emailed=email)


def group_message_id(rows: list[Reminder]) -> str:
    """Stable for the same set of reminders, so a repeat after a crash carries the same Message-ID."""
    digest = hashlib.sha256("|".join(sorted(r.message_id for r in rows)).encode()).hexdigest()[:32]
    return f"<reminders.{digest}@{lead_domain(rows[0].message_id)}>"


def lead_domain(message_id: str) -> str:
    return message_id.rstrip(">").rsplit("@", 1)[-1] or "onemind.invalid"


def _finish(
    rows: list[Reminder], now: dt.datetime, status: str, *, emailed: bool = False, skip_reason: str = ""
) -> None:
    """Only the claim holder may finish a row: a row reclaimed meanwhile belongs to its new holder."""
    Reminder.objects.filter(
        pk__in=[r.pk for r in rows], claimed_by=rows[0].claimed_by, status=Reminder.Status.SENDING
    ).update(status=status, emailed=emailed, sent_at=now, skip_reason=skip_reason, last_error="", claimed_by="")


def backoff(attempts: int) -> dt.timedelta:
    return BACKOFF * (2 ** max(attempts - 1, 0))


def _retry(reminder: Reminder, now: dt.datetime, exc: Exception, report: SendReport) -> None:
    error = f"{type(exc).__name__}: {exc}"[:500]
    logger.warning("Reminder %s not sent (attempt %s): %s", reminder.pk, reminder.attempts, error)
    report.errors.append(error)
    if reminder.attempts >= MAX_ATTEMPTS:
        status, report.failed = Reminder.Status.FAILED, report.failed + 1
    else:
        status, report.retried = Reminder.Status.PENDING, report.retried + 1
    Reminder.objects.filter(pk=reminder.pk, claimed_by=reminder.claimed_by, status=Reminder.Status.SENDING).update(
        status=status, claimed_by="", last_error=error, next_attempt_at=now + backoff(reminder.attempts)
    )
