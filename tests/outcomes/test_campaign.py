"""Campaign-wide outcomes: sums across reporting agencies by state, size and month, coverage, suppression, export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.lib.dates import add_months
from onemind.outcomes import campaign
from tests.conftest import Cast, make_agency
from tests.outcomes.helpers import make_month

URL = "outcomes_campaign:overview"


def _this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def _report(cast: Cast) -> None:
    last = add_months(_this_month(), -1)
    make_month(cast.agency, last, mh_calls=40, arrest=3, cit_arrived=20)  # IL, 9 sworn
    make_month(cast.agency, add_months(last, -1), mh_calls=10, arrest=4)
    make_month(cast.other_agency, last, mh_calls=100, arrest=10, cit_arrived=50)  # IL, 40 sworn
    make_month(cast.other_agency, add_months(last, -2), status="not_collected")
    with scopes_disabled():
        texas = make_agency("Austin Police Department", "TX", "TX2270100", sworn_count=1800)
    make_month(texas, last, mh_calls=900, arrest=60, cit_arrived=700)


@pytest.mark.django_db
def test_sums_by_state_with_coverage_and_small_counts_suppressed(cast: Cast) -> None:
    _report(cast)
    f = campaign.parse_filters({}, timezone.localdate())
    rows, total = campaign.aggregate(f, "state")
    by_state = {r.key: r for r in rows}
    assert by_state["IL"].sums["mh_calls"] == 150 and by_state["IL"].agencies == 2 and by_state["IL"].pledged == 2
    assert by_state["TX"].sums["arrest"] == 60 and by_state["TX"].pledged is None
    assert total.sums["mh_calls"] == 1050 and total.agencies == 3
    assert by_state["IL"].shown["arrest"] == 17
    assert by_state["IL"].shown["force_fbi"] == "—"  # never reported: not a zero
    assert total.shown["referred"] == "—"


@pytest.mark.django_db
def test_a_small_count_and_the_cell_that_would_reveal_it_are_withheld(cast: Cast) -> None:
    last = add_months(_this_month(), -1)
    make_month(cast.agency, last, mh_calls=40, subject_injuries=2)
    make_month(cast.other_agency, last, mh_calls=100, subject_injuries=9)
    rows, total = campaign.aggregate(campaign.parse_filters({}, timezone.localdate()), "size")
    shown = {r.key: r.shown["subject_injuries"] for r in rows}
    assert shown == {"lt10": "fewer than 5", "10-49": "withheld"}
    assert total.shown["subject_injuries"] == 11


@pytest.mark.django_db
def test_by_month_and_filters(cast: Cast) -> None:
    _report(cast)
    rows, _total = campaign.aggregate(campaign.parse_filters({"state": "il"}, timezone.localdate()), "month")
    assert [r.sums["mh_calls"] for r in rows] == [10, 140]
    size_rows, _ = campaign.aggregate(campaign.parse_filters({"size": "500+"}, timezone.localdate()), "state")
    assert [r.key for r in size_rows] == ["TX"]


@pytest.mark.parametrize(
    "params", [{"from": "2026-13"}, {"to": "9999-01"}, {"from": "2026-05", "to": "2026-01"}, {"state": "<s>"}]
)
def test_bad_filters_are_named_and_ignored(params: dict[str, str]) -> None:
    f = campaign.parse_filters(params, dt.date(2026, 6, 15))
    assert f.state == "" and (f.errors or "state" in params)
    assert f.first <= f.last


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("staff", 200), ("admin", 404), ("viewer", 404), ("anonymous", 302)])
def test_only_campaign_staff_see_it(cast: Cast, who: str, status: int) -> None:
    _report(cast)
    for name in (URL, "outcomes_campaign:research_export"):
        assert cast.client_for(who).get(reverse(name), {"by": "nonsense", "from": "x"}).status_code == status


@pytest.mark.django_db
def test_the_research_export_holds_aggregates_and_the_method(cast: Cast) -> None:
    _report(cast)
    response = cast.client_for("staff").get(reverse("outcomes_campaign:research_export"))
    text = b"".join(response.streaming_content).decode()
    assert text.lstrip("\ufeff").startswith("state,month,agencies_reporting,mh_calls")
    assert "fewer than 5" in text and "\nTX," in text
    assert "# Method." in text and "Springfield" not in text and "Austin" not in text


def _queries(cast: Cast) -> int:
    client = cast.client_for("staff")
    client.get(reverse(URL))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(URL), {"by": "size"}).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_three_agencies_or_thirty(cast: Cast) -> None:
    _report(cast)
    few = _queries(cast)
    with scopes_disabled():
        for i in range(27):
            agency = make_agency(f"Town {i} Police Department", "OH" if i % 2 else "NY", "", sworn_count=i * 20)
            make_month(agency, add_months(_this_month(), -1 - i % 5), mh_calls=i + 1, arrest=i % 6)
    assert _queries(cast) == few
    page = cast.client_for("staff").get(reverse(URL)).content.decode()
    assert "Methodology" in page and "OH" in page
