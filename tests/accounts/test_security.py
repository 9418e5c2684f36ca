from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from onemind.audit.models import AuditEntry
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(client: Client, email: str, password: str, ip: str = "10.0.0.1") -> int:
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip).status_code


def test_five_failures_lock_the_address_for_fifteen_minutes_then_the_real_user_gets_in(cast: Cast) -> None:
    client = Client()
    for _ in range(4):
        assert _login(client, "viewer@example.org", "wrong-password-xx") == 200
    assert _login(client, "viewer@example.org", "wrong-password-xx") == 429  # the fifth failure locks
    assert _login(client, "viewer@example.org", PASSWORD) == 429
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)):
        assert _login(Client(), "viewer@example.org", PASSWORD) == 302


def test_an_attacker_elsewhere_cannot_lock_the_real_user_out(cast: Cast) -> None:
    attacker = Client()
    for _ in range(6):
        _login(attacker, "viewer@example.org", "wrong-password-xx", ip="203.0.113.9")
    assert _login(Client(), "viewer@example.org", PASSWORD, ip="10.0.0.1") == 302


def _current_code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@pytest.fixture
def enforced(settings):  # noqa: ANN001, ANN201
    settings.REQUIRE_TWO_FACTOR = True
    return settings


def test_an_administrator_must_set_up_two_factor_before_reaching_agency_pages(cast: Cast, enforced) -> None:  # noqa: ANN001
    client = Client()
    assert _login(client, "admin@example.org", PASSWORD) == 302
    response = client.get(reverse("tenancy:overview", args=[cast.agency.slug]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor_setup"))
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=cast.admin)
    wrong_password = client.post(
        reverse("accounts:two_factor_setup"), {"code": _current_code(device), "password": "not-my-password"}
    )
    assert "password is not correct" in wrong_password.content.decode()
    response = client.post(reverse("accounts:two_factor_setup"), {"code": _current_code(device), "password": PASSWORD})
    assert "Save your recovery codes" in response.content.decode()
    assert client.get(reverse("tenancy:overview", args=[cast.agency.slug])).status_code == 200
    assert AuditEntry.objects.filter(action="account.two_factor_enabled", actor=cast.admin).exists()


def test_a_viewer_is_not_asked_for_two_factor(cast: Cast, enforced) -> None:  # noqa: ANN001
    client = Client()
    _login(client, "viewer@example.org", PASSWORD)
    assert client.get(reverse("tenancy:overview", args=[cast.agency.slug])).status_code == 200


def _enrol(user) -> TOTPDevice:  # noqa: ANN001
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_a_replayed_code_is_rejected_and_a_recovery_code_works_once(cast: Cast, enforced) -> None:  # noqa: ANN001
    device = _enrol(cast.admin)
    from onemind.accounts.two_factor import _new_recovery_codes

    recovery = _new_recovery_codes(cast.admin)[0]
    first = Client()
    _login(first, "admin@example.org", PASSWORD)
    code = _current_code(device)
    assert first.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 302
    second = Client()
    _login(second, "admin@example.org", PASSWORD)
    replay = second.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert replay.status_code == 200 and "not valid" in replay.content.decode()
    # django-otp slows guessing: after a failure the devices refuse codes for a moment.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)):
        assert second.post(reverse("accounts:two_factor_verify"), {"code": recovery}).status_code == 302
    assert not StaticToken.objects.filter(token=recovery).exists()
    third = Client()
    _login(third, "admin@example.org", PASSWORD)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=10)):
        assert third.post(reverse("accounts:two_factor_verify"), {"code": recovery}).status_code == 200


def test_a_user_with_two_factor_cannot_skip_verification(cast: Cast) -> None:
    _enrol(cast.viewer)
    client = Client()
    _login(client, "viewer@example.org", PASSWORD)
    response = client.get(reverse("tenancy:overview", args=[cast.agency.slug]))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_the_verify_page_never_redirects_off_site(cast: Cast) -> None:
    device = _enrol(cast.viewer)
    client = Client()
    _login(client, "viewer@example.org", PASSWORD)
    response = client.post(
        reverse("accounts:two_factor_verify") + "?next=https://evil.example/", {"code": _current_code(device)}
    )
    assert response["Location"] == "/accounts/home/"


def test_an_idle_session_ends_after_thirty_minutes(cast: Cast) -> None:
    client = Client()
    _login(client, "viewer@example.org", PASSWORD)
    url = reverse("tenancy:overview", args=[cast.agency.slug])
    assert client.get(url).status_code == 200
    with time_machine.travel(time.time() + 31 * 60):
        response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get(url).status_code == 302


def test_an_active_session_still_ends_after_twelve_hours(cast: Cast) -> None:
    client = Client()
    _login(client, "viewer@example.org", PASSWORD)
    url = reverse("tenancy:overview", args=[cast.agency.slug])
    start = time.time()
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + minutes * 60):
            assert client.get(url).status_code == 200
    with time_machine.travel(start + 12 * 3600 + 120):
        assert client.get(url).status_code == 302


def test_changing_the_e_mail_address_needs_the_password(cast: Cast) -> None:
    client = cast.client_for("viewer")
    response = client.post(reverse("accounts:change_email"), {"email": "new@example.org", "password": "wrong"})
    assert "password is not correct" in response.content.decode()
    cast.viewer.refresh_from_db()
    assert cast.viewer.email == "viewer@example.org"
    client.post(reverse("accounts:change_email"), {"email": "new@example.org", "password": PASSWORD})
    cast.viewer.refresh_from_db()
    assert cast.viewer.email == "viewer@example.org"  # until the new address confirms (tests/security)


def test_changing_the_password_signs_out_other_sessions(cast: Cast) -> None:
    laptop, phone = Client(), Client()
    _login(laptop, "viewer@example.org", PASSWORD)
    _login(phone, "viewer@example.org", PASSWORD, ip="10.0.0.2")
    new = "another-long-passphrase-77"
    response = laptop.post(
        reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    url = reverse("tenancy:overview", args=[cast.agency.slug])
    assert laptop.get(url).status_code == 200
    assert phone.get(url).status_code == 302


def test_every_response_carries_a_request_id_and_security_headers(client) -> None:  # noqa: ANN001
    response = client.get("/")
    assert len(response["X-Request-ID"]) == 32
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_failed_logins_are_logged_without_the_address_or_password(cast: Cast, caplog) -> None:  # noqa: ANN001
    with caplog.at_level("WARNING", logger="onemind.security"):
        _login(Client(), "viewer@example.org", "wrong-password-xx")
    text = caplog.text
    assert "login.failed" in text and "viewer@example.org" not in text and "wrong-password" not in text
