"""Builders for reminder tests: a clock in an agency's zone, a day of the worker, and who got which e-mail."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.core import mail
from django_scopes import scopes_disabled

from onemind.notifications.kinds import Kind
from onemind.notifications.models import Reminder
from onemind.notifications.planner import plan_reminders
from onemind.notifications.sender import SendReport, send_due

CHICAGO = ZoneInfo("America/Chicago")


def at(day: dt.date, hour: int = 9, minute: int = 0, zone: ZoneInfo = CHICAGO) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def run_worker(now: dt.datetime, worker: str = "test") -> SendReport:
    plan_reminders(now)
    return send_due(now, worker=worker)


def kinds_by_recipient(messages: list | None = None, *, digests: bool = False) -> dict[str, list[str]]:
    """E-mail recipient → kinds of the reminders e-mailed to them, in order, found by the Message-ID.

    Weekly digests are left out unless asked for: they accompany most other reminders.
    """
    result: dict[str, list[str]] = defaultdict(list)
    with scopes_disabled():
        kinds = dict(Reminder.objects.values_list("message_id", "kind"))
    for message in mail.outbox if messages is None else messages:
        kind = kinds.get(message.extra_headers["Message-ID"], "grouped")
        if digests or kind != Kind.WEEKLY_DIGEST:
            result[message.to[0]].append(kind)
    return dict(result)
