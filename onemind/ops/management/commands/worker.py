from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from onemind.notifications.tasks import plan_and_send

REMINDER_TASK = "onemind.notifications.tasks.plan_and_send"
RETENTION_TASK = "onemind.ops.tasks.erase_expired_personnel"


KEEP_FINISHED_RUNS = dt.timedelta(days=2)


def enqueue_reminders_unless_queued() -> bool:
    """Queue one reminders run, unless one is already waiting: a slow worker never piles runs up.

    Finished runs older than two days are pruned, or a run a minute would leave 1,440 task rows a day.
    """
    from django_tasks_db.models import DBTaskResult

    runs = DBTaskResult.objects.filter(task_path=REMINDER_TASK)
    runs.finished().filter(finished_at__lt=timezone.now() - KEEP_FINISHED_RUNS).delete()
    if runs.ready().exists():
        return False
    plan_and_send.enqueue()
    return True


def enqueue_retention_once_a_day() -> bool:
    """Queue the retention run (erase separated personnel past their agency's period) unless one was queued today.

    Each person is claimed inside the run, so a second run on the same day (another worker) erases nobody twice.
    """
    from django_tasks_db.models import DBTaskResult

    from onemind.ops.tasks import erase_expired_personnel

    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    runs = DBTaskResult.objects.filter(task_path=RETENTION_TASK)
    runs.finished().filter(finished_at__lt=timezone.now() - dt.timedelta(days=30)).delete()
    if runs.filter(enqueued_at__gte=today).exists():
        return False
    erase_expired_personnel.enqueue()
    return True


def _schedule(every: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            enqueue_reminders_unless_queued()
            enqueue_retention_once_a_day()
        except Exception:  # noqa: BLE001 - a database blip must not kill the scheduler; the next tick retries
            import logging

            logging.getLogger(__name__).exception("Could not queue the reminders run")
        finally:
            close_old_connections()
        stop.wait(every)


class Command(BaseCommand):
    help = (
        "Run the background worker (the Django tasks database backend), queue the reminders run every few "
        "minutes and the retention run once a day. Ctrl-C stops it after the current task."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run every due task, then exit.")
        parser.add_argument(
            "--reminder-interval",
            type=float,
            default=60.0,
            help="Seconds between reminder runs (plan what fell due, send what is due); 0 turns them off.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from onemind.lib.signals import worker_starting

        worker_starting.send(sender=self.__class__)
        if options["batch"]:
            call_command("db_worker", "--batch", "--no-startup-delay")
            return
        stop = threading.Event()
        if options["reminder_interval"] > 0:
            threading.Thread(
                target=_schedule, args=(options["reminder_interval"], stop), name="reminders", daemon=True
            ).start()
        try:
            call_command("db_worker")
        finally:
            stop.set()
