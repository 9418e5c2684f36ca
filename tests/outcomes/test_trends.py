"""Trends: rates per 100 calls before and after the pledge, the pledge and strategy completions marked, CIT on
scene beside CIT coverage; a fixed number of queries however many months."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from onemind.lib.dates import add_months
from onemind.outcomes.trends import agency_trends, per_100, period
from tests.conftest import Cast
from tests.outcomes.helpers import make_month

PLEDGE_MONTH = dt.date(2026, 1, 1)  # the cast pledged on 2026-01-15


def _url(cast: Cast) -> str:
    return reverse("outcomes:trends", kwargs={"agency_slug": cast.agency.slug})


@pytest.mark.django_db
def test_rates_per_100_calls_before_and_after_the_pledge(cast: Cast) -> None:
    make_month(cast.agency, dt.date(2025, 11, 1), mh_calls=50, arrest=5, cit_arrived=10)
    make_month(cast.agency, dt.date(2025, 12, 1), mh_calls=50, arrest=3, cit_arrived=None)
    make_month(cast.agency, dt.date(2026, 1, 1), mh_calls=40, arrest=1, cit_arrived=20)
    make_month(cast.agency, dt.date(2026, 2, 1), status="not_collected")
    make_month(cast.agency, dt.date(2026, 3, 1), mh_calls=60, arrest=2, cit_arrived=40)
    with scope(agency=cast.agency):
        trends = agency_trends(cast.agency, dt.date(2026, 6, 15))
    # Before: (5 + 3) arrests over 100 calls; CIT on scene only where reported: 10 of 50.
    assert trends.before.rates["arrest"] == 8.0 and trends.before.rates["cit_arrived"] == 20.0
    # Since the pledge month: 3 arrests over 100 calls, 60 CIT arrivals over 100; the uncollected month is left out.
    assert trends.after.rates["arrest"] == 3.0 and trends.after.rates["cit_arrived"] == 60.0
    assert (trends.before.months, trends.after.months) == (2, 2)
    assert trends.before.rates["force_fbi"] is None  # never reported: not a zero


def test_rates_skip_months_without_calls() -> None:
    assert per_100(3, 0) is None and per_100(None, 10) is None and per_100(1, 3) == 33.3
    assert period("x", []).rates["arrest"] is None


@pytest.mark.django_db
def test_the_page_marks_the_pledge_and_draws_three_charts_with_a_table(cast: Cast) -> None:
    make_month(cast.agency, dt.date(2025, 12, 1), mh_calls=50, arrest=5, cit_arrived=10)
    make_month(cast.agency, dt.date(2026, 2, 1), status="not_collected")
    page = cast.client_for("viewer").get(_url(cast)).content.decode()
    assert page.count('<svg class="om-chart"') == 3
    assert "Pledged Jan 2026" in page
    assert "Calls with a CIT officer on scene, beside CIT coverage of sworn officers" in page
    assert "Not collected" in page and "20.0" in page
    assert "CIT coverage by shift today" in page


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("viewer", 200), ("staff", 200), ("outsider", 404), ("liaison", 404)])
def test_who_sees_the_trends(cast: Cast, who: str, status: int) -> None:
    assert cast.client_for(who).get(_url(cast)).status_code == status


def _queries(cast: Cast) -> int:
    client = cast.client_for("viewer")
    client.get(_url(cast))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(cast)).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_trends_cost_the_same_queries_for_two_months_or_sixty(cast: Cast) -> None:
    make_month(cast.agency, dt.date(2026, 1, 1), mh_calls=1)
    make_month(cast.agency, dt.date(2025, 12, 1), mh_calls=1)
    few = _queries(cast)
    for i in range(2, 60):
        make_month(cast.agency, add_months(dt.date(2026, 1, 1), -i), mh_calls=i)
    assert _queries(cast) == few
