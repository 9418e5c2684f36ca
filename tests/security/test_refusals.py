"""Refusals an attacker provokes on purpose: each is answered plainly and logged as one line.

- Every response carries a Permissions-Policy that denies camera, microphone, location, payment, USB and the like.
- A 403 (a role without the permission, a CSRF failure) writes exactly one log line, with the request id and the
  reason, and no traceback.
- A NUL byte in the address is a 400 before any view reads it (PostgreSQL refuses NUL in text).
- An API error, 500 included, has the API's JSON error shape.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from onemind.lib.log_filters import OneLineRefusals
from tests.api.conftest import ApiClient, make_token
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/", "/courses/", "/accounts/login/", "/no-such-page/", "/api/v1/agency/", "/static/onemind/site.css"]
)
def test_every_response_denies_powerful_browser_features(client, url: str) -> None:  # noqa: ANN001
    policy = client.get(url)["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the configured console handler writes (its filter and JSON format included)."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, OneLineRefusals) for f in h.filters))
    stream = io.StringIO()
    previous = handler.setStream(stream)  # type: ignore[attr-defined]
    security = logging.getLogger("onemind.security")
    level = security.level
    security.setLevel(logging.INFO)
    yield stream
    security.setLevel(level)
    handler.setStream(previous)  # type: ignore[attr-defined]


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_403_for_a_role_is_one_line_with_the_reason_and_no_traceback(cast: Cast, log_lines: io.StringIO) -> None:
    client = cast.client_for("viewer")
    log_lines.seek(0), log_lines.truncate()  # signing in is a line of its own
    response = client.get(f"/agencies/{cast.agency.slug}/members/invite/")
    assert response.status_code == 403
    lines = _lines(log_lines)
    assert len(lines) == 1, lines
    assert lines[0]["event"] == "access.denied" and lines[0]["status"] == 403
    assert lines[0]["request_id"] == response["X-Request-ID"]
    assert "members:write" in str(lines[0]["reason"])
    assert "exception" not in lines[0] and "Traceback" not in log_lines.getvalue()


def test_a_csrf_failure_is_one_line_with_the_reason(cast: Cast, log_lines: io.StringIO) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin)
    log_lines.seek(0), log_lines.truncate()
    response = client.post(f"/agencies/{cast.agency.slug}/profile/", {"name": "Hijacked"})
    assert response.status_code == 403
    lines = _lines(log_lines)
    assert len(lines) == 1, lines
    assert lines[0]["event"] == "access.denied" and "CSRF" in str(lines[0]["reason"])
    assert "Traceback" not in log_lines.getvalue()


@pytest.mark.parametrize("url", ["/courses/?q=a%00b", "/verify/%00/", "/directory/search/?q%00=1"])
def test_a_nul_byte_in_the_address_is_a_plain_400(client, url: str) -> None:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_byte_in_an_api_address_gets_the_api_error(cast: Cast) -> None:
    response = ApiClient(make_token(cast.admin, cast.agency)).get("/api/v1/people/E%001/")
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


def test_an_unknown_api_path_is_a_json_404(client) -> None:  # noqa: ANN001
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_unexpected_api_failure_is_a_json_500(cast: Cast, settings, monkeypatch) -> None:  # noqa: ANN001
    from onemind.api import views

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("internal state")

    monkeypatch.setattr(views.AgencyView, "get", broken)
    client = ApiClient(make_token(cast.admin, cast.agency))
    client.raise_request_exception = False
    response = client.get("/api/v1/agency/")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["status"] == 500 and error["request_id"] == response["X-Request-ID"]
    assert "internal state" not in response.content.decode()
