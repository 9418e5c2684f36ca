"""The agency's own time zone decides the day a reminder falls due, around midnight."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core import mail
from django_scopes import scopes_disabled

from onemind.notifications.kinds import Kind
from onemind.notifications.models import AgencyNotificationSettings, Reminder
from onemind.notifications.timezones import zone_name
from tests.conftest import Cast
from tests.notifications.helpers import at, kinds_by_recipient, run_worker
from tests.roster.helpers import make_person, make_training

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
HONOLULU = ZoneInfo("Pacific/Honolulu")
DUE = dt.date(2026, 6, 3)  # the 90-day reminder of a certificate lapsing on 2026-09-01


def _move_to(cast: Cast, state: str) -> None:
    with scopes_disabled():
        cast.agency.state = state
        cast.agency.save()


def test_one_minute_before_local_midnight_it_is_not_due_yet_one_minute_after_it_is(cast: Cast) -> None:
    _move_to(cast, "CA")
    make_training(make_person(cast.agency), on=dt.date(2023, 9, 1))
    before = at(DUE - dt.timedelta(days=1), 23, 59, LOS_ANGELES)  # already 3 June in UTC and on the East Coast
    assert before.astimezone(dt.UTC).date() == DUE
    run_worker(before)
    assert kinds_by_recipient() == {}
    run_worker(at(DUE, 0, 1, LOS_ANGELES))
    assert kinds_by_recipient()["admin@example.org"] == [Kind.MHFA_EXPIRING_90]


def test_an_agencys_explicit_zone_wins_over_its_state(cast: Cast) -> None:
    with scopes_disabled():
        AgencyNotificationSettings.objects.create(agency=cast.agency, time_zone="Pacific/Honolulu")
    make_training(make_person(cast.agency), on=dt.date(2023, 9, 1))
    # 04:30 on 3 June in Chicago is still 23:30 on 2 June in Honolulu.
    run_worker(at(DUE, 4, 30))
    assert kinds_by_recipient() == {}
    run_worker(at(DUE, 0, 0, HONOLULU))
    assert kinds_by_recipient()["coordinator@example.org"] == [Kind.MHFA_EXPIRING_90]


def test_east_of_the_site_zone_the_day_starts_earlier(cast: Cast) -> None:
    with scopes_disabled():
        AgencyNotificationSettings.objects.create(agency=cast.agency, time_zone="America/Puerto_Rico")
    make_training(make_person(cast.agency), on=dt.date(2023, 9, 1))
    # 23:30 on 2 June in Chicago is 00:30 on 3 June in Puerto Rico: due there already.
    run_worker(at(DUE - dt.timedelta(days=1), 23, 30))
    with scopes_disabled():
        assert Reminder.objects.filter(kind=Kind.MHFA_EXPIRING_90, due_on=DUE).count() == 2
    assert len([m for m in mail.outbox if "MHFA" in m.subject]) == 2


def test_zone_names_fall_back_from_explicit_to_state_to_site(settings: object) -> None:
    assert zone_name("CA", "America/Denver") == "America/Denver"
    assert zone_name("ca") == "America/Los_Angeles"
    assert zone_name("NY") == settings.TIME_ZONE  # type: ignore[attr-defined]
