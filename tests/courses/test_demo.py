"""The demo's course data: a provider the demo provider login manages, sessions near the demo agencies."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.accounts.models import User
from onemind.courses.demo import seed_courses
from onemind.courses.models import CourseProvider, CourseSession
from onemind.demo.seed import DEMO_DOMAIN, DEMO_PASSWORD, seed_demo
from onemind.tenancy.models import Membership
from tests.conftest import ensure_reference_data

pytestmark = pytest.mark.django_db


def test_seed_courses_gives_the_demo_provider_sessions_near_its_agencies(client: object) -> None:
    ensure_reference_data()
    seed_demo(agencies=10, unpledged=0)
    provider = seed_courses()
    assert provider is not None
    assert seed_courses() is None  # idempotent
    assert CourseProvider.objects.count() == 1
    assert provider.members.get().user.email == f"provider@{DEMO_DOMAIN}"
    assert CourseSession.objects.count() >= 20
    with scopes_disabled():
        home = Membership.objects.get(user__email=f"coordinator@{DEMO_DOMAIN}").agency
    assert home.latitude is not None
    coordinator = User.objects.get(email=f"coordinator@{DEMO_DOMAIN}")
    client.force_login(coordinator)  # type: ignore[attr-defined]
    response = client.get(  # type: ignore[attr-defined]
        reverse("courses:finder"), {"agency": home.slug, "radius": "100", "sort": "distance", "type": "CIT-40"}
    )
    assert response.context["count"] >= 2
    assert DEMO_PASSWORD  # the provider signs in with the published demo password
