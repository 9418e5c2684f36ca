"""The worker queues the reminders run by itself; `onemind send-reminders` does one run for cron and tests."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onemind.notifications.kinds import Kind
from onemind.ops.management.commands import worker
from tests.conftest import Cast
from tests.notifications.helpers import kinds_by_recipient
from tests.roster.helpers import make_person, make_training


def test_send_reminders_plans_and_sends_for_the_given_day(cast: Cast) -> None:
    make_training(make_person(cast.agency), on=dt.date(2023, 9, 1))
    out = StringIO()
    call_command("send_reminders", "--today", "2026-06-03", stdout=out)
    assert "sent 4" in out.getvalue()  # the 90-day reminder and the week's digest, to two people
    assert kinds_by_recipient()["admin@example.org"] == [Kind.MHFA_EXPIRING_90]
    call_command("send_reminders", "--today", "2026-06-03", stdout=StringIO())
    assert len(mail.outbox) == 4


def test_send_reminders_refuses_a_bad_date(db: None) -> None:
    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("send_reminders", "--today", "03/06/2026")


@pytest.mark.django_db(transaction=True)  # the worker closes its connection: PostgreSQL needs commits
def test_the_worker_queues_one_reminders_run_at_a_time_and_runs_it(cast: Cast) -> None:
    assert worker.enqueue_reminders_unless_queued() is True
    assert worker.enqueue_reminders_unless_queued() is False  # one is already waiting
    call_command("worker", "--batch")
    runs = DBTaskResult.objects.filter(task_path=worker.REMINDER_TASK)
    assert [r.status for r in runs] == ["SUCCESSFUL"]
    assert set(runs[0].return_value) >= {"planned", "sent", "failed"}
    assert worker.enqueue_reminders_unless_queued() is True  # the queue is free again
    DBTaskResult.objects.filter(pk=runs[0].pk).update(finished_at=timezone.now() - dt.timedelta(days=3))
    worker.enqueue_reminders_unless_queued()
    assert not DBTaskResult.objects.filter(pk=runs[0].pk).exists()  # old finished runs are pruned


@pytest.mark.django_db(transaction=True)  # the worker closes its connection: PostgreSQL needs commits
def test_the_scheduler_loop_queues_a_run_each_tick(cast: Cast) -> None:
    stop = threading.Event()
    ticks = []

    def wait(seconds: float) -> bool:
        ticks.append(seconds)
        stop.set()  # one tick is enough to see it work
        return True

    stop.wait = wait  # type: ignore[method-assign]
    worker._schedule(60.0, stop)
    assert ticks == [60.0]
    assert DBTaskResult.objects.filter(task_path=worker.REMINDER_TASK).count() == 1
