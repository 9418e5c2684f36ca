"""(e) Schemathesis against the OpenAPI schema with a fixed seed: 0 server errors.

A short run here (ONEMIND_FUZZ_CASES, default 240); `onemind fuzz-api --cases 10000 --seed 1` runs the long one.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.api.conftest import make_token
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
