"""(c) for the API: a token reaches only its own agency, whatever ids are put in the path, body or query string."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.roster.models import Person
from tests.api.conftest import ApiClient, make_token
from tests.conftest import Cast
from tests.security.sweep import all_patterns, dump
from tests.security.test_cross_agency import LEAK_MARKERS, _foreign_data, _shows_foreign_data
from tests.test_permission_matrix import ROUTES

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def test_no_token_reaches_the_other_agencys_data(cast: Cast, record_property) -> None:  # noqa: ANN001
    foreign = _foreign_data(cast)
    foreign |= {"course": "MHFA-PS", "completed_on": "2025-01-02", "on": "2026-01-05", "reason": "Retired"}
    foreign |= {"records": [dict(foreign, course="CIT-40")]}
    names = sorted({p.name for p in all_patterns() if p.name in ROUTES and ROUTES[p.name].kind == "api"})
    tokens = {
        "all scopes": ApiClient(make_token(cast.admin, cast.agency)),
        "read only": ApiClient(make_token(cast.admin, cast.agency, ["read"])),
    }
    before = dump(cast.other_agency)
    breaches, statuses, requests = [], Counter[int](), 0
    for name in names:
        kwargs = (
            {"employee_number": foreign["employee_number"]}
            if "employee_number" in str([p.route for p in all_patterns() if p.name == name])
            else {}
        )
        url = reverse(name, kwargs=kwargs)
        for label, client in tokens.items():
            # PUT is an upsert into the token's own agency: checked on its own below.
            for method in [m for m in METHODS if not (kwargs and m == "PUT")]:
                response = client.send(method, url, foreign)
                requests += 1
                statuses[response.status_code] += 1
                if _shows_foreign_data(response):
                    breaches.append((name, label, method, "showed the other agency's data"))
                if kwargs and response.status_code not in (403, 404, 405):
                    breaches.append((name, label, method, response.status_code))
                if response.status_code >= 500:
                    breaches.append((name, label, method, response.status_code))
    upsert = tokens["all scopes"].send("PUT", reverse("api:person", args=["ZZ-FOREIGN-1"]), {"last_name": "Own"})
    requests += 1
    assert upsert.status_code == 201  # a person of the token's own agency who happens to share the number
    with scopes_disabled():
        assert Person.objects.get(public_id=upsert.json()["id"]).agency_id == cast.agency.pk
    changed = dump(cast.other_agency) != before
    record_property("api_isolation_requests", requests)
    print(
        f"API isolation sweep: {len(names)} API routes, {requests} requests, statuses {dict(sorted(statuses.items()))}"
    )
    assert not changed, "the other agency's data changed"
    assert not breaches, breaches
    assert LEAK_MARKERS
