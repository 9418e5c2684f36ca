"""The dashboard's faster reads give the same figures as adding up the agency rows one by one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from onemind.campaign import figures
from onemind.campaign.figures import CATEGORIES, Filters, current_figures, history
from onemind.campaign.models import AgencyStanding, StandingRollup
from onemind.campaign.standings import past_month_ends, store_rollup, store_standings
from tests.campaign.helpers import fake_standings
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

FILTERS = [
    Filters(),
    Filters(months=12),
    Filters(state="TX"),
    Filters(agency_type="county", size="10-49"),
    Filters(state="CA", agency_type="county"),
    Filters(size="500+", category="overdue"),
    Filters(state="NY", category="submitted"),
    Filters(category="recognized", months=36),
    Filters(category="in_progress", agency_type="university"),
    Filters(state="WY"),  # no agencies at all
    *(Filters(category=key) for key, _label, _q in CATEGORIES),
]


def _history_from_rows(filters: Filters, today: dt.date) -> list[dict[str, Any]]:
    """The history as it was computed before the rollup: a GROUP BY month-end over every agency row."""
    start = dt.date(today.year, today.month, 1) - dt.timedelta(days=31 * filters.months)
    rows = filters.apply(AgencyStanding.objects.filter(current=False, on__gt=start))
    return [figures._clean(dict(row)) for row in rows.values("on").annotate(**figures._counts()).order_by("on")]


@pytest.fixture
def standings() -> dt.date:
    today = timezone.localdate()
    fake_standings(120, months=14, seed=11, today=today)
    return today


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f.query() or "all")
def test_the_history_from_the_rollup_equals_the_history_from_agency_rows(standings: dt.date, filters: Filters) -> None:
    expected = _history_from_rows(filters, standings)
    if filters.state != "WY":
        assert expected and any(row["pledged"] for row in expected)  # the comparison is not between two empties
    assert history(filters, today=standings) == expected


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f.query() or "all")
def test_the_one_query_current_figures_equal_the_separate_queries(standings: dt.date, filters: Filters) -> None:
    now = current_figures(filters, today=standings)
    assert now.totals == figures.totals(filters, today=standings)
    assert now.states == figures.by_state(filters)
    assert now.types == figures.by_type(filters)
    assert now.sizes == figures.by_size(filters)


def test_the_rollup_is_small_and_counts_every_month_end_row(standings: dt.date) -> None:
    assert StandingRollup.objects.count() < AgencyStanding.objects.filter(current=False).count()
    assert sum(StandingRollup.objects.values_list("agencies", flat=True)) == (
        AgencyStanding.objects.filter(current=False).count()
    )


def test_the_refresh_rewrites_a_month_ends_groups_with_its_rows(cast: Cast) -> None:
    today = timezone.localdate()
    end = past_month_ends(today, 1)[0]
    store_standings(end, current=False)
    first = list(StandingRollup.objects.values_list("on", "state", "status", "agencies"))
    assert first and {row[0] for row in first} == {end}
    assert sum(row[3] for row in first) == AgencyStanding.objects.filter(on=end, current=False).count()
    store_standings(end, current=False)  # a second run replaces, never adds
    assert list(StandingRollup.objects.values_list("on", "state", "status", "agencies")) == first
    # A month-end's rows changed behind the refresh's back are summed again by store_rollup.
    AgencyStanding.objects.filter(on=end, current=False).update(mhfa_trained=7)
    store_rollup(end)
    assert history(Filters(), today=today)[0]["mhfa_trained"] == 7 * sum(row[3] for row in first)
