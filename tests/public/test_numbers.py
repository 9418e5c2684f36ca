"""Public campaign figures: the staff dashboard's selectors, with counts of people under 5 suppressed."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from onemind.campaign.figures import FEWER_THAN, WITHHELD, public_figures, suppress_column, suppressed
from onemind.campaign.models import AgencyStanding
from onemind.campaign.standings import seed_campaign_figures
from onemind.tenancy.models import Agency
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, FEWER_THAN), (4, FEWER_THAN), (5, 5), (1234, 1234)])
def test_counts_of_people_from_one_to_four_are_suppressed(count: int, shown: object) -> None:
    assert suppressed(count) == shown


def test_a_lone_small_cell_gets_a_second_one_withheld_so_the_total_does_not_give_it_away() -> None:
    assert suppress_column([3, 40, 12, 0], total=55) == [FEWER_THAN, 40, WITHHELD, 0]
    assert suppress_column([3, 2, 12], total=17) == [FEWER_THAN, FEWER_THAN, 12]
    assert suppress_column([30, 12], total=42) == [30, 12]


@pytest.fixture
def figures(cast: Cast) -> Cast:
    Agency.objects.filter(pk=cast.other_agency.pk).update(state="WY")
    seed_campaign_figures(months=2)
    # Springfield (IL) has 3 people trained in MHFA, Shelbyville (WY) 40.
    AgencyStanding.objects.filter(agency=cast.agency).update(mhfa_trained=3, cit_trained=0)
    AgencyStanding.objects.filter(agency=cast.other_agency).update(mhfa_trained=40, cit_trained=9)
    return cast


def test_the_numbers_page_suppresses_small_counts_of_people_per_state(figures: Cast, client) -> None:
    response = client.get(reverse("public:numbers"))
    assert response.status_code == 200
    page = response.content.decode()
    rows = {row["state"]: row for row in response.context["figures"].state_rows}
    assert rows["IL"]["mhfa_trained_shown"] == FEWER_THAN
    assert rows["WY"]["mhfa_trained_shown"] == WITHHELD  # else 43 - 40 would reveal Illinois' 3
    assert rows["WY"]["cit_trained_shown"] == 9
    assert "fewer than 5" in page and ">3<" not in page
    assert "Map of the United States" in page


def test_the_landing_page_shows_people_trained_with_the_same_selector(figures: Cast, client) -> None:
    AgencyStanding.objects.filter(agency=figures.other_agency).update(mhfa_trained=1, cit_trained=2)
    page = client.get(reverse("public:landing")).content.decode()
    # 3 + 1 trained in MHFA overall: fewer than 5, never the number.
    assert public_figures().people == {"mhfa_trained": FEWER_THAN, "cit_trained": FEWER_THAN}
    assert (
        '<span class="om-figure__value">fewer than 5</span><span class="om-figure__label">people trained in Mental'
        in page
    )


def test_the_numbers_page_answers_before_any_figures_exist(cast: Cast, client) -> None:
    assert client.get(reverse("public:numbers")).status_code == 200


@pytest.mark.parametrize(
    ("name", "who"), [("public:pledged_export", "Springfield"), ("public:recognized_export", "Springfield")]
)
def test_the_public_lists_download_with_their_filters(cast: Cast, client, name: str, who: str) -> None:
    Agency.objects.filter(pk=cast.agency.pk).update(recognized_on="2026-10-01", name="=cmd|' /C calc'!A0 Springfield")
    response = client.get(reverse(name, args=["csv"]), {"state": "IL"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][0].startswith("'=cmd") and who in rows[1][0]
    xlsx = client.get(reverse(name, args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.cell(row=2, column=1).value.startswith("'=")
    empty = client.get(reverse(name, args=["csv"]), {"state": "WY"})
    assert len(list(csv.reader(io.StringIO(b"".join(empty.streaming_content).decode("utf-8-sig"))))) == 1


def test_public_figure_pages_cost_a_fixed_number_of_queries(cast: Cast, client, django_assert_max_num_queries) -> None:
    from tests.campaign.helpers import fake_standings

    fake_standings(30, months=6)
    client.get(reverse("public:landing"))  # judges the cast's two pledged agencies once (standings.bring_current)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("public:numbers")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("public:landing")).status_code == 200
    fake_standings(30, months=6, seed=8)
    with django_assert_max_num_queries(8):
        client.get(reverse("public:numbers"))
