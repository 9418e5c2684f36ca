"""The campaign dashboard: stored figures, filters in the URL, 400 on bad filters, constant queries, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from onemind.campaign.models import AgencyStanding, FiguresRefresh
from onemind.campaign.standings import past_month_ends, refresh_figures, seed_campaign_figures, size_class
from onemind.tenancy.models import Agency
from tests.campaign.helpers import fake_standings
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
URL = "/campaign/dashboard/"


@pytest.fixture
def figures(cast: Cast) -> Cast:
    Agency.objects.filter(pk=cast.other_agency.pk).update(state="WY", agency_type="county")
    seed_campaign_figures(months=3)
    return cast


def _body(response: Any) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else response.content.decode()


def test_staff_see_the_dashboard_with_every_pledged_agency(figures: Cast) -> None:
    response = figures.client_for("staff").get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Campaign dashboard" in page and "judged by the compliance engine" in page and "current" in page
    assert page.count('class="om-chart"') >= 4  # map, history, funnel, sizes
    assert "Map of the United States" in page  # the map's text alternative
    assert response.context["totals"]["pledged"] == 2


@pytest.mark.parametrize("who", ["admin", "viewer", "coordinator", "outsider", "liaison", "provider"])
def test_agency_users_are_told_the_dashboard_does_not_exist(figures: Cast, who: str) -> None:
    assert figures.client_for(who).get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(figures: Cast) -> None:
    response = figures.client_for("anonymous").get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_filters_compose_and_stay_in_the_link(figures: Cast) -> None:
    client = figures.client_for("staff")
    assert client.get(URL, {"state": "WY"}).context["totals"]["pledged"] == 1
    assert client.get(URL, {"state": "WY", "type": "city"}).context["totals"]["pledged"] == 0
    both = client.get(URL, {"state": "IL", "type": "city", "size": "lt10"})
    assert both.context["totals"]["pledged"] == 1
    assert both.context["query"] == "state=IL&type=city&size=lt10"


@pytest.mark.parametrize(
    "query",
    [
        {"state": "ZZ"},
        {"type": "'; drop table"},
        {"size": "huge"},
        {"category": "<script>"},
        {"figure": "nonsense"},
        {"months": "-1"},
        {"months": "x" * 500},
    ],
)
def test_an_invalid_filter_is_a_clear_400_not_a_server_error(figures: Cast, query: dict[str, str]) -> None:
    response = figures.client_for("staff").get(URL, query)
    assert response.status_code == 400
    assert "is not a known" in response.content.decode()
    assert (
        figures.client_for("staff").get(reverse("campaign:dashboard_export", args=["states", "csv"]), query).status_code
        == 400
    )


def test_the_page_costs_the_same_queries_whatever_the_number_of_agencies(
    figures: Cast, django_assert_max_num_queries: Any
) -> None:
    client = figures.client_for("staff")
    client.get(URL)
    # Session, user, the stored date, the agencies left behind (none), pending refresh and three figure queries
    # ("now" groups, history, deadlines), and the deadline count.
    with django_assert_max_num_queries(9):
        client.get(URL, {"state": "IL", "figure": "cit_trained"})
    fake_standings(40, months=6)
    with django_assert_max_num_queries(9):
        assert client.get(URL, {"figure": "overdue"}).context["totals"]["pledged"] == 42


def test_a_write_reaches_the_dashboard_on_the_next_request(figures: Cast) -> None:
    from onemind.roster.services import create_person
    from onemind.training.models import CourseType
    from onemind.training.services import record_training

    client = figures.client_for("staff")
    before = client.get(URL).context["totals"]["mhfa_trained"]
    with scope(agency=figures.agency):
        person = create_person(
            actor=figures.admin, agency=figures.agency, first_name="Ada", last_name="New", hire_date=dt.date(2020, 1, 1)
        )
        record_training(
            actor=figures.admin,
            person=person,
            course_type=CourseType.objects.get(code="MHFA-PS"),
            completed_on=timezone.localdate() - dt.timedelta(days=3),
        )
    assert client.get(URL).context["totals"]["mhfa_trained"] == before + 1


def test_the_stored_figures_match_the_engine_and_the_refresh_is_idempotent(figures: Cast) -> None:
    today = timezone.localdate()
    rows = AgencyStanding.objects.filter(current=True)
    assert rows.count() == 2
    springfield = rows.get(agency=figures.agency)
    assert springfield.size_class == "lt10" and springfield.state == "IL" and springfield.sworn == 9
    assert springfield.deadline == dt.date(2028, 1, 15)
    refresh_figures(today=today, months=3)
    assert AgencyStanding.objects.filter(current=True).count() == 2
    month_rows = AgencyStanding.objects.filter(current=False)
    assert set(month_rows.values_list("on", flat=True)) <= set(past_month_ends(today, 3))
    assert month_rows.filter(on=past_month_ends(today, 1)[0]).count() == 2


@pytest.mark.parametrize(
    ("sworn", "key"),
    [
        (0, "lt10"),
        (9, "lt10"),
        (10, "10-49"),
        (49, "10-49"),
        (50, "50-99"),
        (99, "50-99"),
        (100, "100-499"),
        (499, "100-499"),
        (500, "500+"),
        (36000, "500+"),
    ],
)
def test_size_classes_have_the_campaigns_bounds(sworn: int, key: str) -> None:
    assert size_class(sworn) == key


@pytest.mark.parametrize("table", ["history", "states", "types", "sizes", "funnel", "deadlines"])
def test_every_table_downloads_as_csv_and_xlsx(figures: Cast, table: str) -> None:
    client = figures.client_for("staff")
    url = reverse("campaign:dashboard_export", args=[table, "csv"])
    response = client.get(url, {"state": "IL"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_body(response))))
    assert len(rows) >= 1
    xlsx = client.get(reverse("campaign:dashboard_export", args=[table, "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert workbook.active.max_row >= 1


def test_a_formula_in_an_agency_name_is_neutralized_in_exports(figures: Cast) -> None:
    Agency.objects.filter(pk=figures.agency.pk).update(name='=HYPERLINK("http://evil.example","x")')
    AgencyStanding.objects.filter(agency=figures.agency).update(deadline=timezone.localdate() + dt.timedelta(days=10))
    client = figures.client_for("staff")
    text = _body(client.get(reverse("campaign:dashboard_export", args=["deadlines", "csv"])))
    assert "'=HYPERLINK" in text
    xlsx = client.get(reverse("campaign:dashboard_export", args=["deadlines", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.cell(row=2, column=1).value.startswith("'=")


def test_the_refresh_button_queues_one_refresh_for_the_worker(
    figures: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    client = figures.client_for("staff")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("campaign:dashboard_refresh")).status_code == 302
        client.post(reverse("campaign:dashboard_refresh"))
    assert FiguresRefresh.objects.filter(status="queued", requested_by=figures.staff).count() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes its connection: PostgreSQL needs real commits
def test_the_worker_runs_a_requested_refresh_and_queues_the_next_night(cast: Cast) -> None:
    from onemind.campaign.standings import request_refresh

    AgencyStanding.objects.all().delete()
    refresh = request_refresh(actor=cast.staff)
    call_command("db_worker", "--batch", "--no-startup-delay")
    refresh.refresh_from_db()
    assert refresh.status == "done" and refresh.agencies == 2
    assert AgencyStanding.objects.filter(current=True).count() == 2
    nightly = FiguresRefresh.objects.get(status="queued", requested_by__isnull=True)
    assert nightly.pk != refresh.pk


def test_the_backfill_command_fills_month_ends(cast: Cast) -> None:
    out = io.StringIO()
    call_command("refresh_campaign_figures", "--months", "4", "--no-schedule", stdout=out)
    assert "Stored figures for 2 pledged agencies" in out.getvalue()
    ends = set(AgencyStanding.objects.filter(current=False).values_list("on", flat=True))
    pledged = {e for e in past_month_ends(timezone.localdate(), 4) if e >= dt.date(2026, 1, 31)}
    assert ends == pledged


@pytest.mark.parametrize("name", ["editions", "course-types", "resources", "announcements"])
def test_the_administration_lists_download_for_staff_only(cast: Cast, name: str) -> None:
    from onemind.campaign.models import Announcement

    Announcement.objects.create(title="+1 call now", body="Body")
    url = reverse("campaign:list_export", args=[name, "csv"])
    response = cast.client_for("staff").get(url)
    rows = list(csv.reader(io.StringIO(_body(response))))
    assert len(rows) >= 2
    if name == "announcements":
        assert rows[1][0] == "'+1 call now"
    xlsx = cast.client_for("staff").get(reverse("campaign:list_export", args=[name, "xlsx"]))
    assert openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.max_row >= 2
    assert cast.client_for("admin").get(url).status_code == 404


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-03-07T23:59", "2026-03-08T02:00"),  # before midnight: the coming night
        ("2026-03-08T00:30", "2026-03-08T02:00"),  # after midnight, before two: tonight, not tomorrow
        ("2026-03-08T02:00", "2026-03-09T02:00"),  # at two: the next night
    ],
)
def test_the_nightly_refresh_is_queued_once_for_the_next_two_oclock(
    cast: Cast, django_capture_on_commit_callbacks: Any, now: str, expected: str
) -> None:
    import zoneinfo

    from django_tasks_db.models import DBTaskResult

    from onemind.campaign.standings import schedule_nightly

    zone = zoneinfo.ZoneInfo("America/New_York")
    with django_capture_on_commit_callbacks(execute=True):
        first = schedule_nightly(dt.datetime.fromisoformat(now).replace(tzinfo=zone))
        assert schedule_nightly(dt.datetime.fromisoformat(now).replace(tzinfo=zone)) is None  # one is waiting
    assert first is not None and first.requested_by is None
    task = DBTaskResult.objects.get()
    # Compared in UTC: on 8 March 2026 clocks spring forward at 02:00, so that night's run is at 07:00 UTC.
    assert task.run_after == dt.datetime.fromisoformat(expected).replace(tzinfo=zone).astimezone(dt.UTC)


def test_a_refresh_left_running_by_a_dead_worker_does_not_block_the_button(figures: Cast) -> None:
    FiguresRefresh.objects.create(
        status="running", requested_by=figures.staff, requested_at=timezone.now() - dt.timedelta(hours=3)
    )
    client = figures.client_for("staff")
    client.post(reverse("campaign:dashboard_refresh"))
    assert FiguresRefresh.objects.filter(status="queued", requested_by=figures.staff).count() == 1


def test_the_benchmark_helper_times_each_request(figures: Cast) -> None:
    from onemind.campaign.bench import time_campaign_dashboard

    timings = time_campaign_dashboard(figures.client_for("staff"), 6)
    assert len(timings) == 6 and all(t > 0 for t in timings)
    with CaptureQueriesContext(connection) as cold:
        assert len(time_campaign_dashboard(figures.client_for("staff"), 2, cold=True)) == 2
    with CaptureQueriesContext(connection) as warm:
        time_campaign_dashboard(figures.client_for("staff"), 2)
    assert len(cold) == len(warm)  # nothing is cached: every request reads the stored figures
    with pytest.raises(RuntimeError):
        time_campaign_dashboard(figures.client_for("admin"), 1)
