"""A year of the worker, one day at a time: exactly these reminders reach exactly these people, once each."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core import mail
from django_scopes import scopes_disabled

from onemind.notifications.kinds import Category, Kind
from onemind.notifications.models import NotificationPreference, Reminder
from onemind.partnerships.models import PartnerOrganization, Partnership
from tests.conftest import Cast, make_user
from tests.notifications.helpers import at, run_worker
from tests.roster.helpers import make_person, make_training

START, END = dt.date(2026, 6, 1), dt.date(2027, 5, 31)


def _scenario(cast: Cast) -> None:
    officer = make_user("year-officer@example.org", "Year Officer")
    # A: the officer's own certificate lapses on 2026-09-01.
    make_training(make_person(cast.agency, user=officer, first_name="Avery"), on=dt.date(2023, 9, 1))
    # B: a sworn hire of 2026-03-01 never trained: due by 2026-08-28 (the default 180 days).
    make_person(cast.agency, hire_date=dt.date(2026, 3, 1), first_name="Blake")
    # C: would lapse on 2026-10-01, but separated on 2026-07-01, before the first reminder.
    gone = make_person(cast.agency, first_name="Casey", separation_date=dt.date(2026, 7, 1), status="separated")
    make_training(gone, on=dt.date(2023, 10, 1))
    # D: lapses on 2027-02-10 and renews on 2027-01-20 with a recertification: no expired reminder.
    renewing = make_person(cast.agency, first_name="Devon")
    make_training(renewing, on=dt.date(2024, 2, 10))
    make_training(renewing, code="MHFA-RECERT", on=dt.date(2027, 1, 20))
    # E: lapses on 2027-03-15, nobody renews it.
    make_training(make_person(cast.agency, first_name="Emery"), on=dt.date(2024, 3, 15))
    with scopes_disabled():
        partner = PartnerOrganization.objects.create(
            agency=cast.agency, name="Valley Crisis Line", kind="mental_health"
        )
        Partnership.objects.create(
            agency=cast.agency, organization=partner, effective_on=dt.date(2025, 1, 1), ends_on=dt.date(2026, 12, 31)
        )
        # The weekly digest has its own tests; here it would add 50-odd rows per person.
        for user in (cast.admin, cast.coordinator, cast.outsider):
            NotificationPreference.objects.create(user=user, category=Category.DIGEST, email=False, in_app=False)


AGENCY_STAFF = [
    (dt.date(2026, 6, 3), Kind.MHFA_EXPIRING_90, "Avery"),
    (dt.date(2026, 8, 2), Kind.MHFA_EXPIRING_30, "Avery"),
    (dt.date(2026, 8, 28), Kind.NEW_HIRE_UNTRAINED, "Blake"),
    (dt.date(2026, 9, 1), Kind.MHFA_EXPIRED, "Avery"),
    (dt.date(2026, 11, 1), Kind.AGREEMENT_ENDING, "Valley Crisis Line"),
    (dt.date(2026, 11, 12), Kind.MHFA_EXPIRING_90, "Devon"),
    (dt.date(2026, 12, 15), Kind.MHFA_EXPIRING_90, "Emery"),
    (dt.date(2027, 1, 11), Kind.MHFA_EXPIRING_30, "Devon"),
    (dt.date(2027, 1, 15), Kind.DEADLINE_MILESTONE, "12 months"),
    (dt.date(2027, 2, 13), Kind.MHFA_EXPIRING_30, "Emery"),
    (dt.date(2027, 3, 15), Kind.MHFA_EXPIRED, "Emery"),
]
# The other agency pledged for 12 months on 2026-02-01: deadline 2027-02-01.
OTHER_AGENCY = [
    (dt.date(2026, 11, 3), Kind.DEADLINE_APPROACHING, "90 days"),
    (dt.date(2027, 1, 2), Kind.DEADLINE_APPROACHING, "30 days"),
]


def test_a_year_day_by_day_sends_exactly_the_expected_reminders(cast: Cast) -> None:
    _scenario(cast)
    received: dict[str, list[tuple[dt.date, str, str]]] = defaultdict(list)
    with scopes_disabled():
        kinds = {}
        day = START
        while day <= END:
            seen = len(mail.outbox)
            run_worker(at(day, 6))
            if len(mail.outbox) > seen:
                run_worker(at(day, 18))  # a second run the same day changes nothing
                kinds.update(Reminder.objects.values_list("message_id", "kind"))
            for message in mail.outbox[seen:]:
                received[message.to[0]].append((day, kinds[message.extra_headers["Message-ID"]], message.subject))
            day += dt.timedelta(days=1)

    def summary(who: str) -> list[tuple[dt.date, str]]:
        return [(d, k) for d, k, _s in received.get(who, [])]

    expected_staff = [(d, k) for d, k, _about in AGENCY_STAFF]
    assert summary("admin@example.org") == expected_staff
    assert summary("coordinator@example.org") == expected_staff
    assert summary("year-officer@example.org") == [
        (dt.date(2026, 6, 3), Kind.MHFA_EXPIRING_90),
        (dt.date(2026, 8, 2), Kind.MHFA_EXPIRING_30),
        (dt.date(2026, 9, 1), Kind.MHFA_EXPIRED),
    ]
    assert summary("outsider@example.org") == [(d, k) for d, k, _about in OTHER_AGENCY]
    assert set(received) == {
        "admin@example.org",
        "coordinator@example.org",
        "year-officer@example.org",
        "outsider@example.org",
    }
    # Each subject names whom or what it is about.
    for (_d, _k, subject), (_d2, _k2, about) in zip(received["admin@example.org"], AGENCY_STAFF, strict=True):
        assert about.split()[0] in subject, subject
    assert not any("Casey" in m.body for m in mail.outbox)
