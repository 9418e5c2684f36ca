"""Attack tests: a stolen password against two-factor sign-in, and pages that load after a half-signed-in page
(docs/security.md, "Two-factor sign-in" and "Session management")."""

from __future__ import annotations

import time

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from onemind.audit.models import AuditEntry
from tests.conftest import PASSWORD, Cast
from tests.test_permission_matrix import ALL_NAMES, ROUTES, _url

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-factor/verify/"
SETUP = "/accounts/two-factor/setup/"


@pytest.fixture(autouse=True)
def _required(settings) -> None:  # noqa: ANN001
    settings.REQUIRE_TWO_FACTOR = True


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password_only(email: str, ip: str = "203.0.113.9") -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": email, "password": PASSWORD}, REMOTE_ADDR=ip)
    assert response.status_code == 302
    return client


def _fully_signed_in(email: str, device: TOTPDevice) -> Client:
    client = _password_only(email, ip="10.0.0.1")
    assert client.post(VERIFY, {"code": _code(device)}).status_code == 302
    return client


def test_a_stolen_password_cannot_enrol_a_device_for_an_account_that_has_one(cast: Cast) -> None:
    victim = TOTPDevice.objects.create(user=cast.staff, name="phone", confirmed=True)
    attacker = _password_only("staff@example.org")
    response = attacker.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    # Even a well-formed enrolment post gets nowhere: no secret was handed out, so there is nothing to confirm.
    attacker.post(SETUP, {"code": "123456", "password": PASSWORD})
    assert list(TOTPDevice.objects.filter(user=cast.staff).values_list("pk", "confirmed")) == [(victim.pk, True)]
    assert not StaticDevice.objects.filter(user=cast.staff).exists()
    assert attacker.get("/campaign/")["Location"].startswith(VERIFY)
    assert attacker.get(reverse("accounts:two_factor_recovery"))["Location"].startswith(VERIFY)


def _sample_urls(cast: Cast) -> dict[str, str]:
    """Every named route with made-up arguments: the hold answers before any view looks them up."""
    from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver

    samples = {"IntConverter": 1, "UUIDConverter": "00000000-0000-0000-0000-000000000001"}
    urls: dict[str, str] = {}

    def walk(patterns: list, namespace: str, converters: dict) -> None:  # noqa: ANN001
        for pattern in patterns:
            found = {**converters, **getattr(pattern.pattern, "converters", {})}
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner, found)
            elif isinstance(pattern, URLPattern) and pattern.name:
                kwargs = {key: samples.get(type(conv).__name__, "x") for key, conv in found.items()}
                name = f"{namespace}{pattern.name}"
                try:
                    urls[name] = reverse(name, kwargs=kwargs or None)
                except NoReverseMatch:  # a regular-expression route: the permission matrix's sample arguments
                    urls[name] = _url(name, cast)

    walk(get_resolver().url_patterns, "", {})
    return urls


def test_a_half_signed_in_session_reaches_nothing_but_the_verify_page_and_sign_out(cast: Cast) -> None:
    TOTPDevice.objects.create(user=cast.staff, name="phone", confirmed=True)
    reached = []
    urls = _sample_urls(cast)
    for name in ALL_NAMES:
        route = ROUTES.get(name)
        if route is None or name.startswith("api:") or name == "public:health":
            continue  # the API takes tokens only (a session is no credential there); the health check is for probes
        url = urls[name]
        client = _password_only("staff@example.org")
        response = client.post(url, route.data or {}) if route.method == "POST" else client.get(url)
        location = response.get("Location", "")
        if name == "accounts:two_factor_verify":
            assert response.status_code == 200
        elif name == "accounts:logout":
            assert response.status_code == 302 and not location.startswith(VERIFY)
        elif response.status_code != 302 or not location.startswith(VERIFY):
            reached.append((name, response.status_code, location))
    assert not reached


def test_an_administrator_without_a_device_enrols_once_and_is_then_verified(
    cast: Cast,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    client = _password_only("admin@example.org")
    # Held at enrolment, which is open to them because the account has no authenticator yet.
    assert client.get(reverse("tenancy:overview", args=[cast.agency.slug]))["Location"].startswith(SETUP)
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=cast.admin, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SETUP, {"code": _code(device), "password": PASSWORD})
    assert "Save your recovery codes" in response.content.decode()
    assert client.get(reverse("tenancy:overview", args=[cast.agency.slug])).status_code == 200
    assert AuditEntry.objects.filter(action="account.two_factor_enabled", actor=cast.admin).count() == 1
    assert [m.to for m in mail.outbox] == [["admin@example.org"]]
    assert "turned on" in mail.outbox[0].body
    # The account now has a device: a second password-only session is held at the verify step, not enrolment.
    thief = _password_only("admin@example.org", ip="198.51.100.5")
    assert thief.get(SETUP)["Location"].startswith(VERIFY)


def test_replacing_a_device_needs_a_verified_session_and_the_password_and_is_audited_and_e_mailed(
    cast: Cast,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    old = TOTPDevice.objects.create(user=cast.staff, name="phone", confirmed=True)
    other_session = _fully_signed_in("staff@example.org", old)
    with time_machine.travel(time.time() + 31):  # the next TOTP step, so the old code is not a replay
        owner = _fully_signed_in("staff@example.org", old)
    assert owner.get(SETUP).status_code == 200
    new = TOTPDevice.objects.get(user=cast.staff, confirmed=False)
    refused = owner.post(SETUP, {"code": _code(new), "password": "not-my-password"})
    assert "password is not correct" in refused.content.decode()
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(SETUP, {"code": _code(new), "password": PASSWORD})
    assert "Save your recovery codes" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=cast.staff).values_list("pk", flat=True)) == [new.pk]
    assert AuditEntry.objects.filter(action="account.two_factor_replaced", actor=cast.staff).count() == 1
    assert [m.to for m in mail.outbox] == [["staff@example.org"]]
    assert "new authenticator" in mail.outbox[0].body
    # The session that made the change stays; every other one (possibly an attacker's) is signed out.
    assert owner.get("/campaign/").status_code == 200
    assert other_session.get("/campaign/")["Location"].startswith(reverse("accounts:login"))


def test_verifying_gives_the_session_a_new_key(cast: Cast) -> None:
    device = TOTPDevice.objects.create(user=cast.staff, name="phone", confirmed=True)
    client = _password_only("staff@example.org")
    before = client.cookies["sessionid"].value
    assert client.post(VERIFY, {"code": _code(device)}).status_code == 302
    assert client.cookies["sessionid"].value != before


# -- what loads after the page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_HX_REQUEST": "true"}, {"HTTP_SEC_FETCH_MODE": "cors"}, {"HTTP_SEC_FETCH_MODE": "same-origin"}],
)
def test_background_requests_of_a_half_signed_in_session_get_an_empty_204(cast: Cast, headers: dict) -> None:
    TOTPDevice.objects.create(user=cast.staff, name="phone", confirmed=True)
    client = _password_only("staff@example.org")
    for url in (reverse("notifications:badge"), "/campaign/", reverse("accounts:home")):
        response = client.get(url, **headers)
        assert response.status_code == 204 and response.content == b""
    # A page the browser navigates to is still sent to the verify step.
    assert client.get("/campaign/", HTTP_SEC_FETCH_MODE="navigate")["Location"].startswith(VERIFY)


@pytest.mark.parametrize("pending", ["verify", "setup"])
def test_the_two_factor_pages_render_no_badge_and_no_member_links(cast: Cast, pending: str) -> None:
    if pending == "verify":
        TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    client = _password_only("admin@example.org")
    html = client.get(VERIFY if pending == "verify" else SETUP).content.decode()
    assert reverse("notifications:badge") not in html
    assert "My agencies" not in html and "hx-get" not in html
    assert html.count("<h1") == 1
    assert "Sign out" in html


def test_a_badge_request_after_the_session_ended_gets_204_not_the_sign_in_page(cast: Cast) -> None:
    assert Client().get(reverse("notifications:badge"), HTTP_HX_REQUEST="true").status_code == 204
    client = _password_only("viewer@example.org")
    assert client.get(reverse("notifications:badge"), HTTP_HX_REQUEST="true").status_code == 200
    with time_machine.travel(time.time() + 31 * 60):
        response = client.get(reverse("notifications:badge"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response.content == b""
