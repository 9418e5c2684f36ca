"""The dashboard's caches and the campaign-wide fast path: fast, and never stale or different from the engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled
from django_tasks_db.models import DBTaskResult

from onemind.compliance.loader import load_agency
from onemind.compliance.models import DashboardPage
from onemind.compliance.pages import dashboard_body
from onemind.compliance.selectors import evaluate_campaign
from onemind.compliance.stamp import dashboard_stamp
from onemind.compliance.tasks import REFRESH_TASK, refresh_dashboard
from onemind.engine import evaluate
from onemind.pledges.models import Pledge
from onemind.roster.models import Exemption, PersonEvent
from onemind.tenancy.access import resolve_agency_access
from tests.compliance.test_loader import add_person, add_training, staff_roster
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
D = TODAY.date()


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> None:
    settings.REQUIRE_TWO_FACTOR = False
    forget_cached_values()  # ids and data versions repeat across rolled-back tests


def forget_cached_values() -> None:
    for each in caches.all():
        each.clear()


def page(cast: Cast) -> str:
    url = reverse("compliance:dashboard", kwargs={"agency_slug": cast.agency.slug})
    response = cast.client_for("viewer").get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def mixed_roster(cast: Cast) -> None:
    """Everyone the figures-only loader leaves out or rewinds, beside people who count."""
    staff_roster(cast.agency, 7, mhfa=5, cit=2)
    add_person(cast.agency, "Gone", separation_date=dt.date(2026, 5, 1), status="separated")
    add_person(cast.agency, "Leaving", separation_date=dt.date(2026, 7, 1))
    add_person(cast.agency, "Future", hired=dt.date(2026, 9, 1))
    add_person(cast.agency, "Recent", hired=dt.date(2026, 5, 1))  # in the grace period
    add_person(cast.agency, "Civilian", sworn=False)
    add_person(cast.agency, "Dispatcher", sworn=False, designated_cit=True)
    moved = add_person(cast.agency, "Moved", sworn=False)
    later = add_person(cast.agency, "Later")
    add_training(later, "MHFA-PS", dt.date(2026, 6, 2))  # after D: never counts on D
    add_training(later, "CIT-40", dt.date(2026, 5, 30), status="pending")
    deployed = add_person(cast.agency, "Deployed")
    add_training(deployed, "MHFA-PS", dt.date(2025, 1, 1))
    with scopes_disabled():
        PersonEvent.objects.create(
            agency=cast.agency,
            person=moved,
            kind="sworn_changed",
            effective_on=dt.date(2026, 9, 1),  # still sworn on D
            details={"sworn": [True, False]},
        )
        Exemption.objects.create(
            agency=cast.agency,
            person=deployed,
            reason="military",
            start=dt.date(2026, 5, 1),
            end=dt.date(2026, 6, 1),
            approved_by=cast.admin,
        )


@pytest.mark.parametrize("on", [dt.date(2026, 6, 1), dt.date(2026, 2, 15), dt.date(2027, 1, 1)])
def test_campaign_evaluation_equals_one_agency_at_a_time(cast: Cast, on: dt.date) -> None:
    mixed_roster(cast)
    staff_roster(cast.other_agency, 12, mhfa=3, cit=1, prefix="B")
    with scopes_disabled():
        campaign = evaluate_campaign(on, [cast.agency.pk, cast.other_agency.pk])
        for agency in (cast.agency, cast.other_agency):
            data = load_agency(agency, names=False)
            one = evaluate(data.records_on(on), on, data.edition, detail=False)
            assert campaign[agency.pk] == one


@time_machine.travel(TODAY, tick=False)
def test_a_cached_dashboard_changes_when_a_record_is_added(cast: Cast) -> None:
    people = staff_roster(cast.agency, 9, mhfa=8, cit=1)
    assert "8 of 9" in page(cast)
    add_training(people[8], "MHFA-PS", dt.date(2026, 5, 1))
    assert "9 of 9" in page(cast)


@time_machine.travel(TODAY, tick=False)
def test_a_rule_edition_change_reaches_cached_dashboards(cast: Cast) -> None:
    staff_roster(cast.agency, 9, mhfa=8, cit=1)
    assert "target 2" in page(cast)
    with scopes_disabled():
        edition = Pledge.objects.get(pk=cast.pledge.pk).edition
    edition.s4_target_percent = 50
    edition.save()
    assert "target 5" in page(cast)


@time_machine.travel(TODAY, tick=False)
def test_a_pledge_change_without_signals_changes_the_stamp(cast: Cast) -> None:
    with scopes_disabled():
        before = dashboard_stamp(cast.agency)
        Pledge.objects.filter(pk=cast.pledge.pk).update(committed_months=36)
        assert dashboard_stamp(cast.agency) != before


@time_machine.travel(TODAY, tick=False)
def test_a_members_access_check_reads_the_same_stamp_and_follows_unsignalled_pledge_changes(cast: Cast) -> None:
    with scopes_disabled():
        access = resolve_agency_access(cast.viewer, cast.agency.slug)
        assert dashboard_stamp(cast.agency, access.companions["dashboard_stamp"]) == dashboard_stamp(cast.agency)
        Pledge.objects.filter(pk=cast.pledge.pk).update(committed_months=36)
        again = resolve_agency_access(cast.viewer, cast.agency.slug)
        assert again.companions["dashboard_stamp"] != access.companions["dashboard_stamp"]
        assert dashboard_stamp(cast.agency, again.companions["dashboard_stamp"]) == dashboard_stamp(cast.agency)
        assert resolve_agency_access(cast.staff, cast.agency.slug).companions == {}  # staff: read on its own


@time_machine.travel(TODAY, tick=False)
def test_a_members_warm_dashboard_visit_costs_session_user_and_access_only(cast: Cast) -> None:
    staff_roster(cast.agency, 30, mhfa=20, cit=5)
    client = cast.client_for("viewer")
    url = reverse("compliance:dashboard", args=[cast.agency.slug])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    tables = [next(t for t in ("django_session", "accounts_user", "tenancy_membership") if t in q["sql"]) for q in warm]
    assert tables == ["django_session", "accounts_user", "tenancy_membership"], warm.captured_queries
    staff = cast.client_for("staff")
    assert staff.get(url).status_code == 200  # the staff path reads the stamp with its own query
    with CaptureQueriesContext(connection) as staff_warm:
        assert staff.get(url).status_code == 200
    # No membership, so: the agency, any personnel-data grant, and the stamp on its own.
    assert len(staff_warm.captured_queries) == len(warm.captured_queries) + 3, staff_warm.captured_queries


@time_machine.travel(TODAY, tick=False)
def test_a_cached_body_costs_one_query_and_a_shared_page_two(cast: Cast) -> None:
    staff_roster(cast.agency, 30, mhfa=20, cit=5)
    with scopes_disabled():
        first = dashboard_body(cast.agency, D, today=D, show_names=True, staff_view=False)
        with CaptureQueriesContext(connection) as cached:
            again = dashboard_body(cast.agency, D, today=D, show_names=True, staff_view=False)
        forget_cached_values()  # a web process that never saw this agency
        with CaptureQueriesContext(connection) as shared:
            other_process = dashboard_body(cast.agency, D, today=D, show_names=True, staff_view=False)
    assert first == again == other_process
    assert len(cached.captured_queries) == 1, cached.captured_queries
    assert len(shared.captured_queries) == 2, shared.captured_queries


@time_machine.travel(TODAY, tick=False)
def test_the_body_holds_nothing_about_the_visitor_but_the_key(cast: Cast) -> None:
    staff_roster(cast.agency, 3, mhfa=1, cit=0)
    with scopes_disabled():
        member = dashboard_body(cast.agency, D, today=D, show_names=True, staff_view=False)
        staff = dashboard_body(cast.agency, D, today=D, show_names=False, staff_view=True)
    assert "Officer 0002, Sam" in member and "Officer 0002" not in staff
    assert "open personnel data with a reason" in staff and "open personnel data" not in member
    assert "csrfmiddlewaretoken" not in member + staff and "nonce" not in member + staff
    assert "{#" not in member and "#}" not in member  # no template syntax leaks into the page


@time_machine.travel(TODAY, tick=False)
def test_a_write_queues_one_refresh_per_transaction_and_the_refresh_shares_the_page(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    people = staff_roster(cast.agency, 4, mhfa=0, cit=0)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            for person in people:
                add_training(person, "MHFA-PS", dt.date(2026, 5, 1))
    queued = DBTaskResult.objects.filter(task_path=REFRESH_TASK)
    assert [row.args_kwargs["args"] for row in queued] == [[cast.agency.pk]]
    refresh_dashboard.call(cast.agency.pk)
    with scopes_disabled():
        assert DashboardPage.objects.filter(agency=cast.agency).count() == 4  # names or not, staff or member
    forget_cached_values()
    assert "4 of 4" in page(cast)


def test_the_history_walk_equals_judging_each_month_on_its_own(cast: Cast) -> None:
    from onemind.compliance.history import compute_history, point_from

    mixed_roster(cast)
    people = staff_roster(cast.other_agency, 3, mhfa=0, cit=0, prefix="B")
    add_training(people[0], "MHFA-PS", dt.date(2026, 2, 28))
    add_training(people[0], "CIT-40", dt.date(2026, 2, 28))
    days = [dt.date(2025, 12, 31), dt.date(2026, 2, 28), dt.date(2026, 1, 31), dt.date(2026, 6, 1), dt.date(2027, 3, 1)]
    for agency in (cast.agency, cast.other_agency):
        with scopes_disabled():
            data = load_agency(agency)
        alone = [point_from(evaluate(data.records_on(day), day, data.edition, detail=False)) for day in days]
        assert compute_history(data, days) == alone
