from __future__ import annotations

import pytest
from django.urls import reverse

from onemind.tenancy.models import Agency
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_the_landing_page_shows_the_four_strategies_resources_and_live_figures(cast: Cast, client) -> None:
    page = client.get(reverse("public:landing")).content.decode()
    assert "Mental Health First Aid" in page and "Crisis Intervention" in page
    assert "PMHC" in page or "Model Policy" in page
    assert '<span class="om-figure__value">2</span><span class="om-figure__label">agencies pledged' in page


def test_the_pledged_list_filters_by_state_and_type(cast: Cast, client) -> None:
    Agency.objects.filter(pk=cast.other_agency.pk).update(state="WY", agency_type="county")
    everyone = client.get(reverse("public:pledged")).content.decode()
    assert "Springfield" in everyone and "Shelbyville" in everyone
    in_il = client.get(reverse("public:pledged"), {"state": "IL"}).content.decode()
    assert "Springfield" in in_il and "Shelbyville" not in in_il
    counties = client.get(reverse("public:pledged"), {"type": "county"}).content.decode()
    assert "Shelbyville" in counties and "Springfield" not in counties


@pytest.mark.parametrize(
    "query",
    [
        {"state": "<script>"},
        {"type": "'; drop table"},
        {"page": "-1"},
        {"page": "x" * 500},
        {"state": "ZZ", "type": "nonsense"},
    ],
)
def test_nonsense_filters_are_ignored_not_a_server_error(cast: Cast, client, query: dict[str, str]) -> None:
    assert client.get(reverse("public:pledged"), query).status_code == 200
    assert client.get(reverse("public:recognized"), query).status_code == 200


def test_the_recognized_list_shows_only_recognized_agencies(cast: Cast, client) -> None:
    Agency.objects.filter(pk=cast.agency.pk).update(recognized_on="2026-10-01")
    page = client.get(reverse("public:recognized")).content.decode()
    assert "Springfield" in page and "Shelbyville" not in page


def test_an_agency_page_is_public_only_when_the_agency_opts_in(cast: Cast, client) -> None:
    url = reverse("public:agency", args=[cast.agency.slug])
    assert client.get(url).status_code == 404
    Agency.objects.filter(pk=cast.agency.pk).update(public_profile=True)
    assert client.get(url).status_code == 200


def test_the_health_endpoint_answers_when_the_database_does(client) -> None:
    assert client.get(reverse("public:health")).json() == {"status": "ok"}


def test_public_pages_leak_no_personnel_or_member_details(cast: Cast, client) -> None:
    for name in ("public:landing", "public:pledged", "public:recognized"):
        page = client.get(reverse(name)).content.decode()
        assert "admin@example.org" not in page and "Pat Chief" not in page
