"""Planning: which reminder rows exist on which day, for whom; re-planning never duplicates one."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django_scopes import scopes_disabled

from onemind.notifications.kinds import Kind
from onemind.notifications.models import AgencyNotificationSettings, Reminder
from onemind.notifications.planner import deadline_stages, plan_reminders
from onemind.partnerships.models import PartnerOrganization, Partnership
from tests.conftest import Cast, make_user
from tests.notifications.helpers import at, kinds_by_recipient, run_worker
from tests.roster.helpers import make_person, make_training


def _rows(**filters: object) -> list[tuple[str, str, dt.date]]:
    with scopes_disabled():
        return sorted(Reminder.objects.filter(**filters).values_list("recipient__email", "kind", "due_on").order_by())


def test_a_certificate_90_days_from_lapsing_reminds_admins_and_coordinators(cast: Cast) -> None:
    person = make_person(cast.agency)
    make_training(person, on=dt.date(2023, 9, 1))  # MHFA lasts 36 months: lapses 2026-09-01
    assert plan_reminders(at(dt.date(2026, 6, 2))) == 0
    plan_reminders(at(dt.date(2026, 6, 3)))
    assert _rows(kind=Kind.MHFA_EXPIRING_90) == [
        ("admin@example.org", Kind.MHFA_EXPIRING_90, dt.date(2026, 6, 3)),
        ("coordinator@example.org", Kind.MHFA_EXPIRING_90, dt.date(2026, 6, 3)),
    ]


def test_planning_again_never_duplicates_a_reminder(cast: Cast) -> None:
    make_training(make_person(cast.agency), on=dt.date(2023, 9, 1))
    now = at(dt.date(2026, 6, 10))
    assert plan_reminders(now) == 4  # the 90-day reminder and this week's digest, to two people
    assert plan_reminders(now) == 0
    assert plan_reminders(now + dt.timedelta(days=3)) == 0
    with scopes_disabled():
        assert Reminder.objects.count() == 4


def test_a_missed_day_is_caught_up_but_only_the_latest_stage_is_planned(cast: Cast) -> None:
    make_training(make_person(cast.agency), on=dt.date(2023, 9, 1))
    # First run 20 days before the lapse: the 30-day reminder, not a stale 90-day one as well.
    plan_reminders(at(dt.date(2026, 8, 12)))
    assert {kind for _e, kind, _d in _rows()} == {Kind.MHFA_EXPIRING_30, Kind.WEEKLY_DIGEST}


def test_the_officers_own_login_hears_about_their_certificate(cast: Cast) -> None:
    officer = make_user("own-officer@example.org", "Officer")
    person = make_person(cast.agency, user=officer)
    make_training(person, on=dt.date(2023, 9, 1))
    run_worker(at(dt.date(2026, 9, 1)))
    assert kinds_by_recipient()["own-officer@example.org"] == [Kind.MHFA_EXPIRED]  # officers get no digest
    own = [m for m in mail.outbox if m.to == ["own-officer@example.org"]][0]
    assert own.subject == "OneMind: Your MHFA certificate has expired"


def test_a_separated_officer_gets_no_reminder_and_nobody_hears_about_them(cast: Cast) -> None:
    officer = make_user("gone@example.org", "Gone")
    person = make_person(cast.agency, user=officer, separation_date=dt.date(2026, 5, 1), status="separated")
    make_training(person, on=dt.date(2023, 9, 1))
    for day in (dt.date(2026, 6, 3), dt.date(2026, 8, 2), dt.date(2026, 9, 1)):
        run_worker(at(day))
    assert _rows(agency=cast.agency) == []
    assert [m.to for m in mail.outbox] == [["outsider@example.org"]]  # the other agency's digest only


def test_an_officer_separated_after_planning_is_skipped_when_sending(cast: Cast) -> None:
    person = make_person(cast.agency)
    make_training(person, on=dt.date(2023, 9, 1))
    plan_reminders(at(dt.date(2026, 6, 3)))
    with scopes_disabled():
        person.separation_date, person.status = dt.date(2026, 6, 3), "separated"
        person.save()
    run_worker(at(dt.date(2026, 6, 3), 10))
    assert {r[1] for r in _rows(status="skipped")} == {Kind.MHFA_EXPIRING_90}
    assert kinds_by_recipient() == {}


def test_an_untrained_sworn_hire_is_reported_after_the_agencys_setting(cast: Cast) -> None:
    with scopes_disabled():
        AgencyNotificationSettings.objects.create(agency=cast.agency, new_hire_days=90)
    make_person(cast.agency, hire_date=dt.date(2026, 3, 1))
    make_person(cast.agency, hire_date=dt.date(2026, 3, 1), sworn=False)  # non-sworn: not this reminder
    trained = make_person(cast.agency, hire_date=dt.date(2026, 3, 1))
    make_training(trained, code="CIT-40", on=dt.date(2026, 4, 1))
    plan_reminders(at(dt.date(2026, 5, 29)))
    assert _rows(kind=Kind.NEW_HIRE_UNTRAINED) == []  # the digest already counts them, as the dashboard does
    plan_reminders(at(dt.date(2026, 5, 30)))  # 90 days after 1 March
    assert _rows(kind=Kind.NEW_HIRE_UNTRAINED) == [
        ("admin@example.org", Kind.NEW_HIRE_UNTRAINED, dt.date(2026, 5, 30)),
        ("coordinator@example.org", Kind.NEW_HIRE_UNTRAINED, dt.date(2026, 5, 30)),
    ]


def test_deadline_stages_follow_the_pledge_length() -> None:
    stages = deadline_stages(dt.date(2026, 1, 15), 36)
    assert [(d.isoformat(), label) for d, _k, label in stages] == [
        ("2027-01-15", "12m"),
        ("2028-01-15", "24m"),
        ("2028-07-15", "30m"),
        ("2028-10-17", "90d"),
        ("2028-12-16", "30d"),
    ]
    assert [label for _d, _k, label in deadline_stages(dt.date(2026, 1, 15), 12)] == ["90d", "30d"]


def test_no_deadline_reminders_once_the_agency_is_recognized(cast: Cast) -> None:
    with scopes_disabled():
        cast.agency.recognized_on = dt.date(2026, 12, 1)
        cast.agency.save()
    plan_reminders(at(dt.date(2027, 1, 15)))
    assert _rows(agency=cast.agency) == []


def test_an_agreement_ending_in_60_days_is_reported(cast: Cast) -> None:
    with scopes_disabled():
        partner = PartnerOrganization.objects.create(
            agency=cast.agency, name="County Crisis Center", kind="mental_health"
        )
        Partnership.objects.create(
            agency=cast.agency, organization=partner, effective_on=dt.date(2025, 1, 1), ends_on=dt.date(2026, 12, 31)
        )
    plan_reminders(at(dt.date(2026, 10, 31)))
    assert _rows(kind=Kind.AGREEMENT_ENDING) == []
    run_worker(at(dt.date(2026, 11, 1)))
    assert kinds_by_recipient() == {
        "admin@example.org": [Kind.AGREEMENT_ENDING],
        "coordinator@example.org": [Kind.AGREEMENT_ENDING],
    }
    assert any("Agreement with County Crisis Center ends in 60 days" in m.subject for m in mail.outbox)


def test_the_weekly_digest_goes_once_a_week_when_there_is_news(cast: Cast) -> None:
    make_training(make_person(cast.agency), on=dt.date(2023, 9, 1))
    with scopes_disabled():
        for day in range(1, 15):  # Monday 1 June 2026 to Sunday 14 June: two weeks
            plan_reminders(at(dt.date(2026, 6, day)))
        digests = list(
            Reminder.objects.filter(kind=Kind.WEEKLY_DIGEST, recipient=cast.coordinator).values_list(
                "due_on", "context"
            )
        )
    assert [d for d, _c in digests] == [dt.date(2026, 6, 1), dt.date(2026, 6, 8)]
    assert digests[0][1]["expiring"] == 1


def test_no_digest_when_there_is_nothing_to_report(cast: Cast) -> None:
    plan_reminders(at(dt.date(2026, 6, 1)))
    assert _rows(kind=Kind.WEEKLY_DIGEST) == []
