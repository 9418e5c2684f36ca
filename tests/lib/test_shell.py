"""The dashboard's kept page shell: every visit gets its own nonce and CSRF token and the current navigation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory
from django.urls import reverse

from onemind.lib.shell import BODY_MARKER, CSRF_MARKER, NONCE_MARKER, render_with_kept_shell
from onemind.tenancy.models import Membership
from onemind.tenancy.roles import Role
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'<script[^>]*nonce="([^"]+)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Any) -> None:
    settings.REQUIRE_TWO_FACTOR = False


def dashboard(cast: Cast) -> str:
    return reverse("compliance:dashboard", args=[cast.agency.slug])


def test_each_visit_gets_its_own_nonce_matching_the_header_and_nothing_else_changes(cast: Cast) -> None:
    client = cast.client_for("coordinator")
    pages = [client.get(dashboard(cast)) for _ in range(3)]
    nonces = []
    for response in pages:
        assert response.status_code == 200
        found = set(NONCE.findall(response.content.decode()))
        assert len(found) == 1
        nonce = found.pop()
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert len(set(nonces)) == 3
    first, second = (NONCE.sub("", TOKEN.sub("", r.content.decode())) for r in pages[:2])
    assert first == second
    for response in pages:
        assert NONCE_MARKER not in response.content.decode() and CSRF_MARKER not in response.content.decode()


def test_the_sign_out_form_on_a_kept_shell_carries_a_token_that_works(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.coordinator)
    client.get(dashboard(cast))
    page = client.get(dashboard(cast)).content.decode()
    token = TOKEN.search(page)
    assert token is not None
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert client.get(dashboard(cast)).status_code == 302  # signed out: sent to the sign-in page


def test_the_shell_follows_the_agency_the_role_and_the_visitor(cast: Cast) -> None:
    client = cast.client_for("coordinator")
    assert "you are: Training coordinator" in client.get(dashboard(cast)).content.decode()
    cast.agency.name = "Lakeside Police Department"
    cast.agency.save()
    assert "Lakeside Police Department" in client.get(dashboard(cast)).content.decode()
    Membership.objects.filter(user=cast.coordinator, agency=cast.agency).update(role=Role.AGENCY_VIEWER)
    page = client.get(dashboard(cast)).content.decode()
    assert "you are: Agency viewer" in page and "you are: Training coordinator" not in page
    cast.coordinator.full_name = "Dana Okafor"
    cast.coordinator.save()
    assert "Dana Okafor" in client.get(dashboard(cast)).content.decode()


def test_one_visitors_shell_is_never_served_to_another(cast: Cast) -> None:
    cast.viewer.full_name = "Viewer Person"
    cast.viewer.save()
    cast.coordinator.full_name = "Coordinator Person"
    cast.coordinator.save()
    cast.client_for("coordinator").get(dashboard(cast))
    page = cast.client_for("viewer").get(dashboard(cast)).content.decode()
    assert "Viewer Person" in page and "Coordinator Person" not in page


def test_markers_inside_the_body_are_left_alone(cast: Cast) -> None:
    request = RequestFactory().get("/")
    request.user = cast.coordinator
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    body = f"<p>{NONCE_MARKER} {CSRF_MARKER} {BODY_MARKER}</p>"
    html = render_with_kept_shell(
        request, "compliance/dashboard.html", {"agency": cast.agency}, body=body, vary=("test",)
    ).content.decode()
    assert body in html


def test_a_page_with_a_message_to_show_shows_it(cast: Cast) -> None:
    request = RequestFactory().get("/")
    request.user = cast.coordinator
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    render_with_kept_shell(request, "compliance/dashboard.html", {"agency": cast.agency}, body="<p>x</p>", vary=("m",))
    request._messages.add(25, "Saved the training record.")  # type: ignore[attr-defined]
    html = render_with_kept_shell(
        request, "compliance/dashboard.html", {"agency": cast.agency}, body="<p>x</p>", vary=("m",)
    ).content.decode()
    assert "Saved the training record." in html
