from __future__ import annotations

import re

import pytest
from django.urls import reverse

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
