"""Several workers sending at the same moment on PostgreSQL: every reminder e-mailed exactly once.

SQLite serializes every write, so the race cannot happen there: this test is skipped with a message, and the
claim logic's SQLite-safe version is tests/notifications/test_sender.py (a claim interleaved with another).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django_scopes import scopes_disabled

from onemind.notifications.kinds import Kind
from onemind.notifications.models import Notification, Reminder
from onemind.notifications.planner import Planned, save_planned
from onemind.notifications.sender import send_due
from tests.conftest import Cast

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="concurrent workers need PostgreSQL: set DATABASE_URL=postgres://..."),
    pytest.mark.django_db(transaction=True),
]

WORKERS = 4
REMINDERS = 200


class SlowBackend(EmailBackend):
    """A mail server that takes a moment per message, so the workers' batches overlap in time."""

    def send_messages(self, messages: Sequence[Any]) -> int:
        time.sleep(0.002)
        return super().send_messages(messages)


def test_concurrent_workers_never_send_a_reminder_twice(cast: Cast, settings: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    now = dt.datetime(2026, 6, 3, 12, tzinfo=dt.UTC)
    context = {"agency": "x", "agency_slug": cast.agency.slug, "deadline": "2027-01-15", "stage": "90d"}
    with scopes_disabled():
        save_planned(
            Planned(
                Kind.DEADLINE_APPROACHING,
                user.pk,
                cast.agency.pk,
                "pledge:1",
                now.date(),
                f"c:{n}:{user.pk}",
                context,
                now,
            )
            for n in range(REMINDERS // 2)
            for user in (cast.admin, cast.coordinator)
        )
    barrier = threading.Barrier(WORKERS)
    reports = []

    def work(name: str) -> None:
        try:
            barrier.wait()
            reports.append(send_due(now, worker=name, limit=10))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == REMINDERS == len(set(ids))
    assert sum(r.sent for r in reports) == REMINDERS
    assert sum(1 for r in reports if r.sent) > 1, "the workers should have shared the work"
    with scopes_disabled():
        assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
        assert Notification.objects.count() == REMINDERS
