"""Attack tests: forged client addresses, password spraying, guessing one account from many addresses, and a proxy's
own address (docs/security.md, "Lockout, spraying and client addresses")."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.test import Client, RequestFactory

from onemind.accounts.security import log_event
from onemind.lib.client_address import client_address
from onemind.lib.env import ConfigError, env_proxy_count
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "10.0.0.254"


def _login(email: str, password: str, ip: str, forwarded: str | None = None) -> int:
    extra = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(LOGIN, {"username": email, "password": password}, **extra).status_code


# -- the one helper -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "198.51.100.1", "203.0.113.9", "203.0.113.9"),  # no trusted proxy: the header is the client's own words
        (1, "198.51.100.1", PROXY, "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", PROXY, "198.51.100.1"),  # the client prepended a forged hop
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.9", PROXY, "198.51.100.1"),
        (2, "198.51.100.1", PROXY, PROXY),  # fewer hops than trusted proxies: trust only the connection
        (1, "not-an-address", PROXY, PROXY),
        (1, "", PROXY, PROXY),
    ],
)
def test_the_client_address_believes_only_trusted_proxies(settings, proxies, forwarded, remote, expected) -> None:  # noqa: ANN001
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@pytest.mark.parametrize(("raw", "count"), [("true", 1), ("false", 0), ("0", 0), ("1", 1), ("2", 2), ("", 0)])
def test_behind_proxy_is_a_count_and_true_still_means_one(monkeypatch, raw: str, count: int) -> None:  # noqa: ANN001
    monkeypatch.setenv("BEHIND_PROXY", raw)
    assert env_proxy_count("BEHIND_PROXY") == count


@pytest.mark.parametrize("raw", ["maybe", "-1", "1.5"])
def test_a_bad_behind_proxy_value_fails_at_start_up(monkeypatch, raw: str) -> None:  # noqa: ANN001
    monkeypatch.setenv("BEHIND_PROXY", raw)
    with pytest.raises(ConfigError):
        env_proxy_count("BEHIND_PROXY")


def test_the_security_log_records_the_real_client_behind_the_proxy(settings, caplog) -> None:  # noqa: ANN001
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1")
    with caplog.at_level(logging.INFO, logger="onemind.security"):
        log_event("test.event", request)
    assert caplog.records[-1].fields["ip"] == "198.51.100.1"  # type: ignore[attr-defined]


# -- sign-in lockout ------------------------------------------------------------------------------------------------


def test_forged_forwarded_addresses_do_not_escape_the_lockout(cast: Cast) -> None:
    statuses = [
        _login("viewer@example.org", "wrong-password-xx", "203.0.113.9", forwarded=f"198.51.100.{n}") for n in range(6)
    ]
    assert statuses[4:] == [429, 429]


def test_a_proxys_own_address_never_locks_everyone_out(cast: Cast, settings) -> None:  # noqa: ANN001
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(6):
        _login("viewer@example.org", "wrong-password-xx", PROXY, forwarded="203.0.113.9")
    assert _login("viewer@example.org", PASSWORD, PROXY, forwarded="203.0.113.9") == 429
    # The real user, behind the same proxy, signs in.
    assert _login("viewer@example.org", PASSWORD, PROXY, forwarded="198.51.100.7") == 302


def test_password_spraying_from_one_address_is_locked(cast: Cast, settings) -> None:  # noqa: ANN001
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    # One guess on each of twenty accounts: never five on any one, so the per-account rule alone would not stop it.
    statuses = [_login(f"user{n}@example.org", "Spring2026!", "203.0.113.9") for n in range(20)]
    assert statuses == [200] * 20
    assert _login("viewer@example.org", "Summer2026!", "203.0.113.9") == 429
    # Even the right password is refused from that address until the cool-off ends...
    assert _login("viewer@example.org", PASSWORD, "203.0.113.9") == 429
    # ...while everyone else signs in, and the address is free again after the cool-off.
    assert _login("viewer@example.org", PASSWORD, "198.51.100.7") == 302
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)):
        assert _login("viewer@example.org", PASSWORD, "203.0.113.9") == 302


def test_guessing_one_account_from_many_addresses_is_slowed_but_the_owner_gets_in(cast: Cast, settings) -> None:  # noqa: ANN001
    settings.LOGIN_FAILURES_PER_ACCOUNT = 10
    settings.LOGIN_ACCOUNT_SLOWDOWN_SECONDS = 60
    assert _login("viewer@example.org", PASSWORD, "10.0.0.1") == 302  # the owner's usual address
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        assert [_login("Viewer@Example.org", f"guess-{n}-xxxxxx", f"203.0.113.{n}") for n in range(10)] == [200] * 10
        # From an eleventh address: slowed, whatever the password.
        assert _login("viewer@example.org", "guess-11-xxxxxx", "203.0.113.11") == 429
        assert _login("viewer@example.org", PASSWORD, "203.0.113.12") == 429
        # The owner, from an address they signed in from before, is not slowed.
        assert _login("viewer@example.org", PASSWORD, "10.0.0.1") == 302
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        # One attempt per minute for the whole account, whoever makes it.
        assert _login("viewer@example.org", "guess-13-xxxxxx", "203.0.113.13") == 200
        assert _login("viewer@example.org", "guess-14-xxxxxx", "203.0.113.14") == 429


# -- the API's limits -----------------------------------------------------------------------------------------------


# Bad-token counts live in one-minute windows: every guess of a test falls in the same minute, so a run that
# happens to cross a minute boundary cannot reset the count half-way.
API_GUESS_TIME = dt.datetime(2026, 6, 1, 12, 0, 30, tzinfo=dt.UTC)


def _api_guess(remote: str, forwarded: str | None = None) -> int:
    extra = {"HTTP_AUTHORIZATION": "Bearer om_notarealtoken", "REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    with time_machine.travel(API_GUESS_TIME, tick=False):
        return Client(**extra).get("/api/v1/agency/").status_code


def test_forged_forwarded_addresses_do_not_escape_the_api_token_limit(cast: Cast, settings) -> None:  # noqa: ANN001
    settings.API_TOKEN_FAILURES_PER_MINUTE = 3
    statuses = [_api_guess("203.0.113.9", forwarded=f"198.51.100.{n}") for n in range(5)]
    assert statuses[3:] == [429, 429]


def test_behind_a_proxy_each_api_client_has_its_own_limit(cast: Cast, settings) -> None:  # noqa: ANN001
    settings.TRUSTED_PROXY_COUNT = 1
    settings.API_TOKEN_FAILURES_PER_MINUTE = 3
    assert [_api_guess(PROXY, forwarded="203.0.113.9") for _ in range(4)][-1] == 429
    assert _api_guess(PROXY, forwarded="198.51.100.7") == 401


def test_anonymous_api_rate_limit_ignores_forged_addresses(cast: Cast, settings) -> None:  # noqa: ANN001
    from rest_framework.settings import api_settings

    rates = dict(api_settings.DEFAULT_THROTTLE_RATES)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "api_anonymous": "3/minute"},
    }
    from django.core.cache import cache

    cache.delete("onemind:api:throttle:ip:203.0.113.9")
    statuses = [
        Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        .get("/api/v1/course-sessions/")
        .status_code
        for n in range(5)
    ]
    assert statuses[3:] == [429, 429]


# -- shared state ---------------------------------------------------------------------------------------------------

REDIS_FOR_TESTS = "redis://127.0.0.1:6379/11"


def _redis_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_the_api_limits_are_shared_by_every_web_process(cast: Cast, settings, tmp_path) -> None:  # noqa: ANN001
    """Another process (started with REDIS_URL, as a second web process would be) records the failures; this one
    sees them and refuses."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.core.cache import cache

    address = "192.0.2.211"
    # Both processes count in one fixed minute window, so a slow child cannot cross into the next minute.
    fixed_time = 1_800_000_030.0
    child = (
        f"import time; time.time = lambda: {fixed_time}\n"
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "assert settings.CACHES['default']['BACKEND'].endswith('RedisCache'), settings.CACHES\n"
        "from django.test import RequestFactory\n"
        "from onemind.api.authentication import _Failures\n"
        f"request = RequestFactory().get('/', REMOTE_ADDR='{address}')\n"
        "for _ in range(settings.API_TOKEN_FAILURES_PER_MINUTE): _Failures(request).add()\n"
    )
    env = {
        **os.environ,
        "REDIS_URL": REDIS_FOR_TESTS,
        "DJANGO_SETTINGS_MODULE": "onemind.settings",
        "ONEMIND_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    root = Path(__file__).resolve().parents[2]
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_FOR_TESTS},
    }
    from onemind.api.authentication import _Failures

    request = RequestFactory().get("/", REMOTE_ADDR=address)
    traveller = time_machine.travel(fixed_time, tick=False)
    traveller.start()
    cache.delete(_Failures(request).key)
    try:
        subprocess.run([sys.executable, "-c", child], env=env, cwd=root, check=True, timeout=120)  # noqa: S603
        assert _Failures(request).exceeded()
        response = Client(HTTP_AUTHORIZATION="Bearer om_notarealtoken", REMOTE_ADDR=address).get("/api/v1/agency/")
        assert response.status_code == 429
    finally:
        cache.delete(_Failures(request).key)
        traveller.stop()


def test_lockout_state_lives_in_the_database_so_every_process_sees_it(cast: Cast) -> None:
    from axes.models import AccessAttempt

    for _ in range(5):
        _login("viewer@example.org", "wrong-password-xx", "203.0.113.9")
    # A second web process has no memory of its own to consult: the refusal comes from these rows.
    assert AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()
    assert _login("viewer@example.org", PASSWORD, "203.0.113.9") == 429
    AccessAttempt.objects.all().delete()
    assert _login("viewer@example.org", PASSWORD, "203.0.113.9") == 302
