"""Schemathesis against the API's own OpenAPI schema, in process, with a fixed seed: counts cases and server errors.

Run by tests/security/test_fuzz_api.py (a short run) and `onemind fuzz-api --cases 10000 --seed N` (a long one).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck

from onemind.api.docs import openapi_schema


@dataclass
class FuzzReport:
    cases: int = 0
    server_errors: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    per_operation: dict[str, int] = field(default_factory=dict)


def fuzz_api(token: str, cases: int, seed: int) -> FuzzReport:
    """About `cases` generated requests spread over every operation; returns what they were answered."""
    schema = schemathesis.openapi.from_dict(openapi_schema())
    schema.app = WSGIHandler()  # type: ignore[misc]
    operations = [result.ok() for result in schema.get_all_operations()]
    report = FuzzReport()
    per_operation = max(1, -(-cases // len(operations)))  # rounded up: at least `cases` in all
    # Requests run in this thread on the test's own connection: Django must not close it between requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for operation in operations:
            before = report.cases
            _fuzz_operation(operation, token, per_operation, seed, report)
            report.per_operation[operation.label] = report.cases - before
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return report


def _fuzz_operation(operation: Any, token: str, examples: int, seed: int, report: FuzzReport) -> None:
    @hypothesis.seed(seed)
    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        verbosity=hypothesis.Verbosity.quiet,
    )
    @hypothesis.given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        report.cases += 1
        report.statuses[response.status_code] += 1
        if response.status_code >= 500 and len(report.server_errors) < 20:
            report.server_errors.append(f"{case.method} {case.formatted_path} → {response.status_code}")

    run()


def cases_from_env(default: int) -> int:
    return int(os.environ.get("ONEMIND_FUZZ_CASES", default))


def seed_from_env(default: int) -> int:
    return int(os.environ.get("ONEMIND_FUZZ_SEED", default))
