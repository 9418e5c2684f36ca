"""(b) Every non-public route × GET, POST, PUT, PATCH, DELETE as an anonymous visitor: none succeeds."""

from __future__ import annotations

import pytest

from tests.conftest import Cast
from tests.security.sweep import all_patterns, dump, route_sample, send, succeeded
from tests.test_permission_matrix import ROUTES

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def test_no_non_public_route_answers_an_anonymous_visitor_with_any_method(cast: Cast, record_property) -> None:  # noqa: ANN001
    names = sorted({p.name for p in all_patterns() if p.name in ROUTES and ROUTES[p.name].kind != "public"})
    client = cast.client_for("anonymous")
    successes, changed, requests = [], [], 0
    for name in names:
        with route_sample(name, cast) as url:
            before = dump(cast.agency)
            for method in METHODS:
                response = send(client, method, url, {"agency": cast.other_agency.pk})
                requests += 1
                if succeeded(response):
                    successes.append((name, method.upper(), response.status_code))
            if dump(cast.agency) != before:
                changed.append(name)
    record_property("anonymous_requests", requests)
    print(f"anonymous sweep: {len(names)} routes, {requests} requests, {len(successes)} succeeded")
    assert not successes, successes
    assert not changed, f"anonymous requests changed the agency's data: {changed}"
