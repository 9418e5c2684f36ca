"""Failed token authentications are limited per client address: DRF authenticates before its throttles run, so
without this an attacker could guess tokens at full speed."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from onemind.api import authentication
from tests.api.conftest import ApiClient, make_token
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _guess(address: str = "203.0.113.7", token: str = "om_notarealtoken") -> int:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address).get("/api/v1/agency/").status_code


@pytest.fixture(autouse=True)
def _middle_of_a_minute(monkeypatch) -> None:  # noqa: ANN001
    # The window is a calendar minute: pin the clock so a test never straddles two windows.
    now = (time.time() // 60) * 60 + 20
    monkeypatch.setattr(authentication.time, "time", lambda: now)


def test_after_the_limit_of_failures_every_token_from_that_address_gets_429(cast: Cast, settings) -> None:  # noqa: ANN001
    settings.API_TOKEN_FAILURES_PER_MINUTE = 5
    assert [_guess() for _ in range(5)] == [401] * 5
    response = Client(HTTP_AUTHORIZATION="Bearer om_another", REMOTE_ADDR="203.0.113.7").get("/api/v1/agency/")
    assert response.status_code == 429
    assert response["Retry-After"] == "40"
    assert response.json()["error"]["code"] == "throttled"
    # Even a correct token is refused from that address until the minute ends: a right guess must not get in.
    valid = make_token(cast.admin, cast.agency, ["read"])
    assert _guess(token=valid) == 429
    # Malformed headers count as failures too.
    assert Client(HTTP_AUTHORIZATION="Basic abc", REMOTE_ADDR="203.0.113.7").get("/api/v1/agency/").status_code == 429


def test_other_addresses_and_the_next_minute_are_not_affected(cast: Cast, settings, monkeypatch) -> None:  # noqa: ANN001
    settings.API_TOKEN_FAILURES_PER_MINUTE = 3
    for _ in range(4):
        _guess()
    assert _guess() == 429
    valid = make_token(cast.admin, cast.agency, ["read"])
    assert _guess(address="198.51.100.9", token=valid) == 200
    later = time.time() + 60
    monkeypatch.setattr(authentication.time, "time", lambda: later)
    assert _guess(token=valid) == 200


def test_valid_tokens_are_never_counted(cast: Cast, settings) -> None:  # noqa: ANN001
    settings.API_TOKEN_FAILURES_PER_MINUTE = 2
    client = ApiClient(make_token(cast.admin, cast.agency, ["read"]), REMOTE_ADDR="203.0.113.7")
    assert [client.get("/api/v1/agency/").status_code for _ in range(10)] == [200] * 10
    assert _guess() == 401


def test_the_default_limit_is_ten_a_minute(cast: Cast) -> None:
    assert [_guess() for _ in range(11)] == [401] * 10 + [429]
