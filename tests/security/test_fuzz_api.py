"""(e) Schemathesis against the OpenAPI schema with a fixed seed: 0 server errors. A short run here
(ONEMIND_FUZZ_CASES, default 240); `onemind fuzz-api --cases 10000 --seed 1` runs the long one.

Then hand-picked hostile JSON bodies on every write endpoint, which a schema-driven generator does not make:
documents nested 5,000 deep, NUL bytes, 100,000-character strings, dates at and past year 9999, Unicode digits,
numbers past the float range, duplicate keys, invalid UTF-8, 1,001 rows: 0 server errors, and every refusal in
the API's error shape.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from django.core.cache import cache

from tests.api.conftest import ApiClient, make_token
from tests.conftest import Cast
from tests.roster.helpers import make_person, make_training
from tests.security.fuzz import cases_from_env, fuzz_api, seed_from_env

pytestmark = pytest.mark.django_db


def test_generated_requests_never_cause_a_server_error(cast: Cast, settings, record_property) -> None:  # noqa: ANN001
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "1000000/minute", "api_anonymous": "1000000/minute"},
    }
    cache.clear()
    for number in ("1", "E1", "A-100"):
        make_training(make_person(cast.agency, employee_number=number))
    token = make_token(cast.admin, cast.agency)
    wanted, seed = cases_from_env(240), seed_from_env(20261128)
    report = fuzz_api(token, wanted, seed)
    record_property("fuzz_cases", report.cases)
    print(
        f"schemathesis: {report.cases} cases (seed {seed}), {len(report.server_errors)} server errors, "
        f"statuses {dict(sorted(report.statuses.items()))}, per operation {report.per_operation}"
    )
    assert report.cases >= wanted * 0.9
    assert not report.server_errors, report.server_errors


# The API's write endpoints with a valid body each; the JSON-body fuzz below mutates these.
_WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("put", "/api/v1/people/FZ-1/", {"last_name": "Fuzz", "hire_date": "2020-01-01", "sworn": True}),
    ("patch", "/api/v1/people/1/", {"unit": "Patrol", "effective_on": "2026-01-01"}),
    ("post", "/api/v1/people/bulk/", {"people": [{"employee_number": "FZ-2", "last_name": "Bulk"}]}),
    ("post", "/api/v1/people/E1/separate/", {"on": "2026-01-01", "reason": "Retired"}),
    ("post", "/api/v1/training-records/", {"employee_number": "1", "course": "CIT-40", "completed_on": "2025-01-01"}),
    (
        "post",
        "/api/v1/training-records/bulk/",
        {"records": [{"employee_number": "1", "course": "MHFA-PS", "completed_on": "2025-01-01", "hours": "8"}]},
    ),
]
_DEEP = 5000
_HOSTILE_VALUES: list[Any] = [
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "9999-12-31",
    "10000-01-01",
    "0001-01-01",
    "²",
    "١٢",
    -1,
    10**30,
    1e308,
    [],
    {},
    None,
    True,
    "'; --",
]
_RAW_BODIES: list[bytes] = [
    b"[" * _DEEP + b"]" * _DEEP,
    b'{"a":' * _DEEP + b"1" + b"}" * _DEEP,
    b"",
    b"{",
    b"\xff\xfe\x00",
    b"[]",
    b'"text"',
    b"null",
    b"1" * 5000,
    b'{"last_name": 1e999, "hours": NaN, "on": Infinity}',
    b'{"last_name": "A", "last_name": "B"}',
]


def _bodies(template: dict[str, Any], rng: random.Random) -> list[bytes]:
    """Raw hostile documents, then the valid body with each field (and each row's fields) set to hostile values."""
    bodies = list(_RAW_BODIES)
    rows_key = next((k for k, v in template.items() if isinstance(v, list)), None)
    fields = list(template[rows_key][0]) if rows_key else list(template)
    for turn, value in enumerate(_HOSTILE_VALUES):
        field = fields[turn % len(fields)]
        if rows_key:
            row = {**template[rows_key][0], field: value}
            body: Any = {rows_key: [row]}
        else:
            body = {**template, field: value}
        bodies.append(json.dumps(body).encode())
    # A field holding a structure nested 5,000 deep, a made-up field, and a seeded mix of hostile values.
    bodies.append(b'{"%s": ' % fields[0].encode() + b"[" * _DEEP + b'"deep"' + b"]" * _DEEP + b"}")
    mix = {name: rng.choice(_HOSTILE_VALUES[:8]) for name in fields}
    mix["".join(rng.choices("abcxyz_", k=8))] = rng.choice(_HOSTILE_VALUES)
    bodies.append(json.dumps({rows_key: [mix]} if rows_key else mix).encode())
    if rows_key:
        bodies.append(json.dumps({rows_key: [template[rows_key][0]] * 1001}).encode())
    return bodies


def test_hostile_json_bodies_never_cause_a_server_error_and_every_error_has_the_api_shape(
    cast: Cast,
    settings,  # noqa: ANN001
    record_property,  # noqa: ANN001
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "1000000/minute", "api_anonymous": "1000000/minute"},
    }
    for number in ("1", "E1"):
        make_training(make_person(cast.agency, employee_number=number))
    client = ApiClient(make_token(cast.admin, cast.agency))
    client.raise_request_exception = False
    rng = random.Random(20261207)
    wrong: list[str] = []
    sent = 0
    for method, path, template in _WRITES:
        for body in _bodies(template, rng):
            response = getattr(client, method)(path, body, content_type="application/json")
            sent += 1
            shown = body[:40].decode("utf-8", "replace")
            if response.status_code >= 500:
                wrong.append(f"{method.upper()} {path} {shown!r} → {response.status_code}")
            elif response.status_code >= 400:
                error = response.json().get("error", {}) if response["Content-Type"] == "application/json" else {}
                if error.get("status") != response.status_code or not error.get("message"):
                    wrong.append(f"{method.upper()} {path} {shown!r} → {response.status_code} without the error body")
    record_property("json_fuzz_requests", sent)
    print(f"JSON-body fuzz: {sent} requests over {len(_WRITES)} write endpoints")
    assert not wrong, "\n".join(wrong[:40])
