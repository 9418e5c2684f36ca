"""Delivery: atomic claims, crashes, SMTP failures, preferences and opt-outs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.notifications import sender
from onemind.notifications.kinds import Category, Kind
from onemind.notifications.models import Notification, NotificationPreference, Reminder, UserNotificationSettings
from onemind.notifications.planner import Planned, save_planned
from tests.conftest import Cast
from tests.notifications.backends import Faults, WorkerKilled
from tests.notifications.helpers import at, kinds_by_recipient

NOW = at(dt.date(2026, 6, 3), 9)


@pytest.fixture(autouse=True)
def _faulty_mail(settings: object) -> Iterator[None]:
    settings.EMAIL_BACKEND = "tests.notifications.backends.FaultyBackend"  # type: ignore[attr-defined]
    Faults.reset()
    yield
    Faults.reset()


def _plan(cast: Cast, count: int, *, users: tuple[str, ...] = ("admin",)) -> None:
    """``count`` agreement reminders per user, due now."""
    rows = []
    for n in range(count):
        for who in users:
            user = getattr(cast, who)
            context = {
                "agency": "Springfield",
                "agency_slug": cast.agency.slug,
                "partner": f"Partner {n}",
                "date": "2026-08-01",
                "partnership_id": "00000000-0000-0000-0000-000000000000",
            }
            rows.append(
                Planned(
                    Kind.AGREEMENT_ENDING,
                    user.pk,
                    cast.agency.pk,
                    f"partnership:{n}",
                    NOW.date(),
                    f"t:{n}:{who}",
                    context,
                    NOW,
                )
            )
    with scopes_disabled():
        save_planned(rows)


def _statuses() -> dict[str, int]:
    with scopes_disabled():
        result: dict[str, int] = {}
        for status in Reminder.objects.values_list("status", flat=True):
            result[status] = result.get(status, 0) + 1
        return result


def _message_ids() -> list[str]:
    return [m.extra_headers["Message-ID"] for m in mail.outbox]


def test_each_email_has_a_text_and_an_html_body_and_a_fixed_message_id(cast: Cast) -> None:
    _plan(cast, 1)
    sender.send_due(NOW)
    (message,) = mail.outbox
    with scopes_disabled():
        reminder = Reminder.objects.get()
    assert message.extra_headers["Message-ID"] == reminder.message_id
    assert "Partner 0" in message.body and "/notifications/preferences/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<h1>Agreement with Partner 0 ends in 60 days</h1>" in html
    with scopes_disabled():
        assert Notification.objects.get(user=cast.admin).title == "Agreement with Partner 0 ends in 60 days"


def test_a_claim_never_takes_a_row_another_worker_claimed_in_between(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite-safe version of two workers at once: B claims everything between A's SELECT and A's UPDATE."""
    _plan(cast, 5)
    real_due_ids = sender.due_ids
    won_by_b: list[Reminder] = []

    def interleaved(now: dt.datetime, limit: int) -> list[int]:
        ids = real_due_ids(now, limit)
        monkeypatch.setattr(sender, "due_ids", real_due_ids)
        won_by_b.extend(sender.claim_batch(now, "worker-b"))
        return ids

    monkeypatch.setattr(sender, "due_ids", interleaved)
    with scopes_disabled():
        won_by_a = sender.claim_batch(NOW, "worker-a")
    assert (len(won_by_a), len(won_by_b)) == (0, 5)
    assert _statuses() == {"sending": 5}


def test_two_workers_running_one_after_another_send_each_email_once(cast: Cast) -> None:
    _plan(cast, 5, users=("admin", "coordinator"))
    first = sender.send_due(NOW, worker="a", limit=3)
    second = sender.send_due(NOW, worker="b", limit=3)
    assert (first.sent, second.sent) == (10, 0)
    assert len(mail.outbox) == 10 == len(set(_message_ids()))


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(cast: Cast) -> None:
    _plan(cast, 5)
    Faults.kill_at = 3
    with pytest.raises(WorkerKilled):
        sender.send_due(NOW, worker="doomed")
    assert len(mail.outbox) == 2
    assert _statuses() == {"sent": 2, "sending": 3}
    # A new worker starts at once: the dead worker's claims are not stale yet, so it leaves them alone.
    assert sender.send_due(NOW + dt.timedelta(minutes=1), worker="fresh").sent == 0
    # After the claim timeout they are handed back and sent, once each.
    report = sender.send_due(NOW + sender.CLAIM_TIMEOUT + dt.timedelta(minutes=1), worker="fresh")
    assert (report.reclaimed, report.sent) == (3, 3)
    assert len(mail.outbox) == 5 == len(set(_message_ids()))
    assert _statuses() == {"sent": 5}
    with scopes_disabled():
        assert Notification.objects.filter(user=cast.admin).count() == 5


def test_a_worker_killed_after_claiming_before_sending_loses_nothing(cast: Cast) -> None:
    _plan(cast, 4)
    with scopes_disabled():
        claimed = sender.claim_batch(NOW, "doomed")  # ...and the process dies here
    assert len(claimed) == 4 and mail.outbox == []
    later = NOW + sender.CLAIM_TIMEOUT + dt.timedelta(seconds=1)
    assert sender.send_due(later).sent == 4
    assert sender.send_due(later + dt.timedelta(hours=1)).sent == 0
    assert len(mail.outbox) == 4 == len(set(_message_ids()))


def test_a_late_finish_by_a_worker_whose_claim_was_reclaimed_changes_nothing(cast: Cast) -> None:
    _plan(cast, 1)
    with scopes_disabled():
        (stale,) = sender.claim_batch(NOW, "slow")
        sender.reclaim_stale(NOW + sender.CLAIM_TIMEOUT + dt.timedelta(seconds=1))
        (fresh,) = sender.claim_batch(NOW + sender.CLAIM_TIMEOUT + dt.timedelta(seconds=2), "fast")
        sender._finish([stale], NOW, Reminder.Status.SENT)  # the slow worker wakes up
        assert Reminder.objects.get().status == "sending" and Reminder.objects.get().claimed_by == fresh.claimed_by


def test_smtp_failure_is_retried_with_backoff_then_surfaced_and_nothing_is_lost(cast: Cast) -> None:
    _plan(cast, 1)
    Faults.down = True
    now = NOW
    waits = []
    for _attempt in range(sender.MAX_ATTEMPTS):
        report = sender.send_due(now)
        assert report.sent == 0 and report.errors
        with scopes_disabled():
            reminder = Reminder.objects.get()
        if reminder.status == "failed":
            break
        assert sender.send_due(reminder.next_attempt_at - dt.timedelta(seconds=1)).sent == 0  # not before its time
        waits.append(reminder.next_attempt_at - now)
        now = reminder.next_attempt_at
    assert waits == [sender.BACKOFF * 2**n for n in range(sender.MAX_ATTEMPTS - 1)]
    assert reminder.status == "failed" and reminder.attempts == sender.MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in reminder.last_error
    # Campaign staff see it, and retry it once the mail server is back.
    page = cast.client_for("staff").get("/notifications/failures/")
    assert page.status_code == 200 and "SMTPServerDisconnected" in page.content.decode()
    Faults.down = False
    response = cast.client_for("staff").post(f"/notifications/failures/{reminder.pk}/retry/")
    assert response.status_code == 302
    assert sender.send_due(timezone.now() + dt.timedelta(seconds=1)).sent == 1
    assert len(mail.outbox) == 1
    with scopes_disabled():
        assert Notification.objects.filter(user=cast.admin).count() == 1  # the in-app notice was not repeated


def test_a_reminder_being_retried_is_listed_for_staff(cast: Cast) -> None:
    _plan(cast, 1)
    Faults.down = True
    sender.send_due(NOW)
    body = cast.client_for("staff").get("/notifications/failures/").content.decode()
    assert "Retrying" in body and "admin@example.org" in body


def test_a_user_who_opted_out_of_email_gets_none_but_keeps_in_app_notices(cast: Cast) -> None:
    with scopes_disabled():
        UserNotificationSettings.objects.create(user=cast.admin, email_opt_out=True)
    _plan(cast, 2, users=("admin", "coordinator"))
    report = sender.send_due(NOW)
    assert report.sent == 4
    assert kinds_by_recipient() == {"coordinator@example.org": [Kind.AGREEMENT_ENDING] * 2}
    with scopes_disabled():
        assert Notification.objects.filter(user=cast.admin).count() == 2
        assert not Reminder.objects.get(recipient=cast.admin, dedupe_key="t:0:admin").emailed


def test_a_user_who_turned_a_category_off_entirely_gets_nothing(cast: Cast) -> None:
    with scopes_disabled():
        NotificationPreference.objects.create(user=cast.admin, category=Category.AGREEMENTS, email=False, in_app=False)
    _plan(cast, 1, users=("admin", "coordinator"))
    report = sender.send_due(NOW)
    assert (report.sent, report.skipped) == (1, 1)
    assert kinds_by_recipient() == {"coordinator@example.org": [Kind.AGREEMENT_ENDING]}
    with scopes_disabled():
        assert not Notification.objects.filter(user=cast.admin).exists()
        assert Reminder.objects.get(recipient=cast.admin).skip_reason.startswith("The recipient turned")


def test_a_recipient_who_left_the_agency_is_skipped(cast: Cast) -> None:
    _plan(cast, 1, users=("coordinator",))
    with scopes_disabled():
        cast.coordinator.memberships.all().delete()
    assert sender.send_due(NOW).skipped == 1
    assert mail.outbox == []


def test_a_days_certificates_reach_a_coordinator_in_one_message_and_each_officer_in_their_own(cast: Cast) -> None:
    from tests.conftest import make_user
    from tests.notifications.helpers import run_worker
    from tests.roster.helpers import make_person, make_training

    officer = make_user("grouped-officer@example.org", "Officer")
    make_training(make_person(cast.agency, first_name="Ash", user=officer), on=dt.date(2023, 9, 1))
    make_training(make_person(cast.agency, first_name="Bo"), on=dt.date(2023, 9, 1))
    make_training(make_person(cast.agency, first_name="Cy"), on=dt.date(2023, 9, 1))
    run_worker(at(dt.date(2026, 6, 3)))
    to_admin = [m for m in mail.outbox if m.to == ["admin@example.org"] and "MHFA" in m.subject]
    assert [m.subject for m in to_admin] == ["OneMind: 3 MHFA certificates expire in 90 days"]
    assert all(f"{name} Testperson" in to_admin[0].body for name in ("Ash", "Bo", "Cy"))
    assert kinds_by_recipient()["grouped-officer@example.org"] == [Kind.MHFA_EXPIRING_90]
    with scopes_disabled():
        assert set(Reminder.objects.filter(kind=Kind.MHFA_EXPIRING_90).values_list("status", flat=True)) == {"sent"}
        assert Reminder.objects.filter(kind=Kind.MHFA_EXPIRING_90).count() == 7  # 3 x 2 staff + the officer
        assert Notification.objects.filter(user=cast.admin, title__startswith="3 MHFA").count() == 1
    # Sending again (as after a crash and reclaim) sends nothing more.
    assert sender.send_due(at(dt.date(2026, 6, 3), 12)).sent == 0
