"""The security log: one JSON object a line with an event and the request id, for logins, failures, lockouts,
denials, uploads, imports and API use, and never a password, token, name, e-mail or badge number."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onemind.accounts.log_format import JsonFormatter
from onemind.accounts.security import log_event
from tests.api.conftest import ApiClient, make_token
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("onemind.security")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)


def test_security_events_are_json_lines_without_secrets_or_personal_data(cast: Cast, security_lines) -> None:  # noqa: ANN001
    login = "/accounts/login/"
    Client().post(login, {"username": "viewer@example.org", "password": "Wrong-Secret-Password-1"})
    Client().post(login, {"username": "viewer@example.org", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    for _ in range(5):
        Client().post(
            login,
            {"username": "coordinator@example.org", "password": "Wrong-Secret-Password-2"},
            REMOTE_ADDR="10.1.1.1",
        )
    cast.client_for("viewer").get(f"/agencies/{cast.agency.slug}/members/invite/")  # 403
    raw = make_token(cast.admin, cast.agency)
    api = ApiClient(raw)
    api.send("PUT", "/api/v1/people/LOG-1/", {"last_name": "Secretsurname", "badge_number": "BADGE-4242"})
    api.send(
        "POST",
        "/api/v1/training-records/bulk/",
        {"records": [{"employee_number": "LOG-1", "course": "MHFA-PS", "completed_on": "2025-01-01"}]},
    )
    ApiClient(raw + "x").get("/api/v1/agency/")
    admin = cast.client_for("admin")
    upload = SimpleUploadedFile("roster.csv", b"last_name,employee_number\nSecretsurname,LOG-2\n", "text/csv")
    admin.post(f"/agencies/{cast.agency.slug}/imports/upload/", {"file": upload, "kind": "roster"})
    log_event("custom", None, password="p", token="t", full_name="n", badge_number="b", email="e", safe=1)

    text = security_lines.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    events = {line["event"] for line in lines}
    assert {
        "login.failed",
        "login.succeeded",
        "login.locked_out",
        "access.denied",
        "api.token_rejected",
        "api.training_import",
        "import.upload",
        "upload.received",
    } <= events, events
    assert all(line["request_id"] for line in lines if line["event"] != "custom")
    for secret in (
        PASSWORD,
        "Wrong-Secret-Password",
        raw,
        "Secretsurname",
        "BADGE-4242",
        "viewer@example.org",
        "coordinator@example.org",
        "Viewer",
        "Coordinator",
    ):
        assert secret not in text, secret
    assert lines[-1] == {**lines[-1], "safe": 1} and "password" not in lines[-1]
