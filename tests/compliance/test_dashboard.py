"""The agency dashboard: who sees it, what it shows, and that its cost does not grow with the roster."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.compliance.loader import load_agency
from onemind.compliance.selectors import _coverage, agency_dashboard, month_ends
from onemind.engine import coverage_by
from onemind.tenancy.models import Membership, StaffAccessGrant
from onemind.tenancy.roles import Role
from tests.compliance.test_loader import add_person, add_training, staff_roster
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _no_two_factor_gate(settings: Any) -> None:
    # Two-factor enforcement for staff and administrators is tested with the accounts; here it would only
    # put its setup page in front of every dashboard request.
    settings.REQUIRE_TWO_FACTOR = False
    cache.clear()  # dashboards are cached by data fingerprint; ids repeat across rolled-back tests


def url(cast: Cast, query: str = "") -> str:
    return reverse("compliance:dashboard", kwargs={"agency_slug": cast.agency.slug}) + query


@time_machine.travel(TODAY, tick=False)
def test_a_member_sees_the_four_strategies_with_named_people(cast: Cast) -> None:
    staff_roster(cast.agency, 9, mhfa=8, cit=1)
    response = cast.client_for("viewer").get(url(cast))
    assert response.status_code == 200
    html = response.content.decode()
    for number in (1, 2, 3, 4):
        assert f"Strategy {number}:" in html
    assert "8 of 9" in html and "target 2" in html
    assert "Train 1 more sworn officer in MHFA" in html
    assert "Officer 0008, Sam" in html  # the one without MHFA is named
    assert "kept on the Partnerships page" in html and "kept on the Policy page" in html
    assert 'class="om-progress-bar"' in html and "om-status--" in html
    assert 'name="on"' in html and "<title" in html and "<desc" in html


def test_an_outsider_gets_404_and_anonymous_is_sent_to_log_in(cast: Cast) -> None:
    assert cast.client_for("outsider").get(url(cast)).status_code == 404
    response = cast.client_for("anonymous").get(url(cast))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_partner_liaison_does_not_see_the_agency_dashboard(cast: Cast) -> None:
    assert cast.client_for("liaison").get(url(cast)).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_campaign_staff_without_a_grant_see_figures_but_no_names(cast: Cast) -> None:
    staff_roster(cast.agency, 9, mhfa=8, cit=1)
    html = cast.client_for("staff").get(url(cast)).content.decode()
    assert "8 of 9" in html
    assert "Officer 0008" not in html and "Sam" not in html
    assert "open personnel data with a reason" in html


@time_machine.travel(TODAY, tick=False)
def test_campaign_staff_with_an_open_grant_see_names(cast: Cast) -> None:
    staff_roster(cast.agency, 9, mhfa=8, cit=1)
    StaffAccessGrant.objects.create(
        user=cast.staff, agency=cast.agency, reason="Review", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert "Officer 0008, Sam" in cast.client_for("staff").get(url(cast)).content.decode()


@pytest.mark.parametrize("raw", ["2026-13-01", "yesterday", "0001-01-01", "9999-12-31", "2026-02-30", "%00"])
def test_an_invalid_as_of_date_is_a_clear_400(cast: Cast, raw: str) -> None:
    response = cast.client_for("viewer").get(url(cast), {"on": raw})
    assert response.status_code == 400
    assert "cannot be used" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_as_of_date_judges_the_past(cast: Cast) -> None:
    people = staff_roster(cast.agency, 4, mhfa=0, cit=0)
    add_training(people[0], "MHFA-PS", dt.date(2026, 3, 1))
    before = cast.client_for("viewer").get(url(cast, "?on=2026-02-01")).content.decode()
    after = cast.client_for("viewer").get(url(cast, "?on=2026-04-01")).content.decode()
    assert "0 of 4" in before and "1 of 4" in after
    assert "February 1, 2026" in before


@time_machine.travel(TODAY, tick=False)
def test_the_query_count_is_the_same_for_a_small_and_a_large_agency(cast: Cast) -> None:
    staff_roster(cast.agency, 9, mhfa=9, cit=1, prefix="Small")
    staff_roster(cast.other_agency, 3000, mhfa=2500, cit=700, prefix="Large")
    with scopes_disabled():
        Membership.objects.create(user=cast.viewer, agency=cast.other_agency, role=Role.AGENCY_VIEWER)
    client = cast.client_for("viewer")
    counts = []
    for agency in (cast.agency, cast.other_agency):
        for _ in range(2):  # cold (fills the history cache), then warm
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("compliance:dashboard", kwargs={"agency_slug": agency.slug}))
            assert response.status_code == 200
            counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


@time_machine.travel(TODAY, tick=False)
def test_history_has_a_point_per_month_end_and_follows_a_back_dated_record(cast: Cast) -> None:
    people = staff_roster(cast.agency, 5, mhfa=0, cit=0)
    with scopes_disabled():
        first = agency_dashboard(cast.agency, TODAY.date(), today=TODAY.date(), show_names=True)
        # Pledged 2026-01-15: month-ends Jan..May, then the as-of date.
        assert [p.on for p in first.history] == [
            dt.date(2026, 1, 31),
            dt.date(2026, 2, 28),
            dt.date(2026, 3, 31),
            dt.date(2026, 4, 30),
            dt.date(2026, 5, 31),
            dt.date(2026, 6, 1),
        ]
        add_training(people[0], "MHFA-PS", dt.date(2026, 2, 10))  # back-dated: changes past points
        again = agency_dashboard(cast.agency, TODAY.date(), today=TODAY.date(), show_names=True)
    assert [p.mhfa.numerator for p in first.history] == [0] * 6
    assert [p.mhfa.numerator for p in again.history] == [0, 1, 1, 1, 1, 1]


def test_month_ends_run_from_the_pledge_to_the_as_of_date(cast: Cast) -> None:
    with scopes_disabled():
        data = load_agency(cast.agency)
    assert month_ends(data, dt.date(2026, 1, 20)) == [dt.date(2026, 1, 20)]
    assert month_ends(data, dt.date(2026, 3, 31)) == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
    assert month_ends(data, dt.date(2025, 1, 1)) == [dt.date(2025, 1, 1)]  # before the pledge


def test_one_pass_coverage_equals_the_engines_coverage_by(cast: Cast) -> None:
    staff_roster(cast.agency, 30, mhfa=20, cit=7)
    add_person(cast.agency, "Dispatcher", sworn=False, designated_cit=True, shift="Night")
    on = dt.date(2026, 6, 1)
    with scopes_disabled():
        data = load_agency(cast.agency)
    records = data.records_on(on)
    coverage = _coverage(records, on, data.edition)
    for attribute, groups in coverage:
        assert groups == coverage_by(records, on, data.edition, attribute)


def test_mhfa_lists_name_expiring_expired_and_untrained_new_hires(cast: Cast) -> None:
    expiring = add_person(cast.agency, "Expiring")
    expired = add_person(cast.agency, "Lapsed")
    add_person(cast.agency, "Newhire", hired=dt.date(2026, 3, 1))
    add_training(expiring, "MHFA-PS", dt.date(2023, 7, 1))  # expires 2026-07-01, inside 90 days of 2026-06-01
    add_training(expired, "MHFA-PS", dt.date(2023, 3, 1))
    with scopes_disabled():
        board = agency_dashboard(cast.agency, dt.date(2026, 6, 1), today=dt.date(2026, 6, 1), show_names=True)
    assert [p.name for p in board.expiring.people] == ["Expiring, Sam"]
    assert [p.name for p in board.expired.people] == ["Lapsed, Sam"]
    assert [p.name for p in board.untrained_hires.people] == ["Newhire, Sam"]
