"""Shared by the attack sweeps: every URL pattern the resolver knows, and the test cast seen from the other side."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scopes_disabled

from onemind.api.export import agency_rows
from onemind.pledges.models import Pledge
from tests.conftest import Cast

# The other agency's data may differ only in these tables' columns, which record reads, not changes.
_VOLATILE: dict[str, set[str]] = {"onemind_api.apitoken": {"last_used_at"}}


@dataclasses.dataclass(frozen=True)
class Pattern:
    name: str | None  # "namespace:name", or None for an unnamed pattern
    route: str  # the full path pattern, e.g. "agencies/<slug:agency_slug>/roster/"


def all_patterns() -> list[Pattern]:
    def walk(patterns: list[Any], prefix: str, namespace: str) -> list[Pattern]:
        found = []
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                found += walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                found.append(Pattern(f"{namespace}{pattern.name}" if pattern.name else None, route))
        return found

    return walk(get_resolver().url_patterns, "", "")


def swapped(cast: Cast) -> Cast:
    """The cast with the two agencies exchanged: route samples built from it name the OTHER agency's objects."""
    with scopes_disabled():
        other_pledge = Pledge.objects.filter(agency=cast.other_agency).first()
    return dataclasses.replace(
        cast,
        agency=cast.other_agency,
        other_agency=cast.agency,
        admin=cast.outsider,
        pledge=other_pledge or cast.pledge,
    )


def dump(agency: Any) -> str:
    """Every row the agency holds, serialized deterministically: equal strings mean byte-for-byte equal data."""
    tables = agency_rows(agency)
    for label, columns in _VOLATILE.items():
        for row in tables.get(label, []):
            for column in columns:
                row.get("fields", {}).pop(column, None)
    return json.dumps(tables, sort_keys=True, default=str)


def succeeded(response: Any) -> bool:
    """A request "succeeds" when it is answered 2xx, or redirected anywhere but the login page."""
    if response.status_code < 300:
        return True
    if response.status_code in (301, 302, 303, 307, 308):
        return not response["Location"].startswith("/accounts/login/")
    return False


@contextlib.contextmanager
def route_sample(name: str, cast: Cast) -> Iterator[str]:
    """The matrix's sample URL for `name`, inside a savepoint rolled back afterwards: samples of different routes
    may create the same row (one submission per strategy), and one route's writes must not leak into the next."""
    from tests.test_permission_matrix import _url

    savepoint = transaction.savepoint()
    try:
        yield _url(name, cast)
    finally:
        transaction.savepoint_rollback(savepoint)


def send(client: Any, method: str, url: str, data: dict[str, Any]) -> Any:
    """GET with `data` as the query string, POST as a form, PUT/PATCH/DELETE as JSON (what the API reads)."""
    if method in ("get", "post"):
        return getattr(client, method)(url, data)
    return getattr(client, method)(url, json.dumps(data, default=str), content_type="application/json")
