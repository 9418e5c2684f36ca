from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from onemind.public import views as public_views
from onemind.public.models import Resource
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

MODEL_POLICY = "https://www.theiacp.org/resources/policy-center-resource/mental-illness"
CAMPAIGN_PAGE = "https://www.theiacp.org/projects/one-mind-campaign"


def test_each_seeded_resource_has_its_own_link() -> None:
    urls = list(Resource.objects.values_list("url", flat=True))
    assert len(urls) >= 8 and len(set(urls)) == len(urls)
    assert Resource.objects.get(title="Concepts and Issues Paper").url not in (MODEL_POLICY, CAMPAIGN_PAGE)
    assert Resource.objects.get(title="One Mind Campaign Summary Guide").url != CAMPAIGN_PAGE


def test_every_resource_link_says_it_leaves_the_site(client) -> None:
    for name in ("public:resources", "public:landing"):
        page = client.get(reverse(name)).content.decode()
        external = re.findall(
            r'<a class="usa-link usa-link--external" href="https://[^"]+"[^>]*>[^<]+<span[^>]*>'
            r"\(external site\)</span></a>",
            page,
        )
        assert len(external) == Resource.objects.filter(is_published=True).count(), name
        assert 'rel="noopener noreferrer"' in page


def test_the_course_finders_point_to_oneminds_own_finder_as_well_as_the_official_one(client) -> None:
    page = client.get(reverse("public:resources")).content.decode()
    finder = reverse("courses:finder")
    assert f'href="{finder}?type=MHFA-PS"' in page and f'href="{finder}?type=CIT-40"' in page
    assert "https://www.mentalhealthfirstaid.org/" in page and "https://www.citinternational.org/" in page
    assert client.get(f"{finder}?type=MHFA-PS").status_code == 200


def test_a_hostile_finder_type_is_escaped_in_the_link(client) -> None:
    Resource.objects.filter(title__startswith="Find a Mental").update(finder_type='"><script>x</script>')
    page = client.get(reverse("public:resources")).content.decode()
    assert "<script>x</script>" not in page and "%22%3E%3Cscript%3E" in page


def test_the_landing_page_and_the_footer_link_to_certificate_verification(client) -> None:
    verify = reverse("verify:form")
    landing = client.get(reverse("public:landing")).content.decode()
    assert landing.count(f'href="{verify}"') == 2  # in the page and in the footer
    pledged = client.get(reverse("public:pledged")).content.decode()
    assert f'href="{verify}"' in pledged.split("<footer", 1)[1]


def test_staff_can_only_name_an_approved_course_type_as_a_finder(cast: Cast, client) -> None:
    resource = Resource.objects.get(title__startswith="Find a Mental")
    client.force_login(cast.staff)
    url = reverse("campaign:resource_edit", args=[resource.pk])
    data = {
        "title": resource.title,
        "description": resource.description,
        "url": resource.url,
        "position": 3,
        "is_published": "on",
    }
    response = client.post(url, {**data, "finder_type": "NOPE"})
    assert response.status_code == 200 and "No approved course type has the code" in response.content.decode()
    resource.refresh_from_db()
    assert resource.finder_type == "MHFA-PS"
    client.post(url, {**data, "finder_type": "CIT-40"})
    resource.refresh_from_db()
    assert resource.finder_type == "CIT-40"


@pytest.mark.parametrize("name", ["public:about", "public:methodology", "public:privacy"])
def test_the_about_methodology_and_privacy_pages_are_public_and_linked_from_every_footer(
    cast: Cast, client, name: str
) -> None:
    url = reverse(name)
    for user in (None, cast.admin, cast.staff):
        client.logout()
        if user is not None:
            client.force_login(user)
        assert client.get(url).status_code == 200
    footer = client.get(reverse("public:pledged")).content.decode().split("<footer", 1)[1]
    assert f'href="{url}"' in footer


def test_about_names_who_runs_the_campaign_and_how_to_reach_them(client, settings) -> None:
    settings.CAMPAIGN_CONTACT_EMAIL = "team@campaign.example"
    page = client.get(reverse("public:about")).content.decode()
    assert "International Association of Chiefs of Police" in page
    assert 'href="mailto:team@campaign.example"' in page


def test_methodology_states_the_suppression_threshold_and_how_current_the_shown_figures_are(cast: Cast, client) -> None:
    numbers = client.get(reverse("public:numbers")).content.decode()
    page = client.get(reverse("public:methodology")).content.decode()
    assert "from 1 to 4 is shown as “fewer than 5”" in page and "“withheld”" in page
    # The same statement, from the same figures, as the campaign in numbers.
    stated = re.search(r"Figures for [A-Z][a-z]+ \d+, \d{4}[^<.]*\.", numbers)
    assert stated is not None and stated.group(0) in page
    assert f"Figures for {timezone.localdate():%B} {timezone.localdate().day}, {timezone.localdate().year}" in page


def test_methodology_follows_the_threshold_in_the_code(client, monkeypatch) -> None:
    monkeypatch.setattr(public_views, "SUPPRESS_BELOW", 10)
    page = client.get(reverse("public:methodology")).content.decode()
    assert "from 1 to 9 is shown as “fewer than 10”" in page


def test_privacy_states_the_default_retention_and_the_staff_grant_limit(client) -> None:
    page = client.get(reverse("public:privacy")).content.decode()
    assert "7 years after the separation date" in page
    assert "the access ends after 2 hours" in page
