"""A query-string fuzz over every GET route, anonymous and each role of the fixed cast: 0 server errors.

Routes come from the permission matrix's route tables (tests/routes.py, tests/route_table_*.py). Every route is
asked by every role once with hostile values in every known query parameter; each hostile value then goes, alone,
to a role the route admits (where the value is actually read), rotating through the admitted roles. Values are
chosen to hit parsers rather than many: Unicode digits ('²' passes ``str.isdigit``, '١٢' passes ``int()``), quotes,
dates at and past year 9999, NUL bytes, long strings, markup (which no HTML page may show unescaped). A fixed
seed adds a few random mixes and parameter names.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from tests.api.conftest import make_token
from tests.conftest import Cast
from tests.roster.helpers import make_person, make_training
from tests.security.sweep import route_sample
from tests.test_permission_matrix import ALL_NAMES, ROLES, ROUTES, _expected

pytestmark = pytest.mark.django_db

SEED = 20261207

# Every name a view or API endpoint reads from the query string (grep GET.get / query_params / FILTER_KEYS).
KNOWN_NAMES = (
    "action", "age", "agency", "category", "code", "course", "figure", "format", "from", "kind", "months", "near",
    "next", "on", "order", "page", "page_size", "person", "provider", "q", "radius", "seats", "shift", "show",
    "size", "sort", "state", "status", "strategy", "sworn", "to", "training", "type", "unit",
)  # fmt: skip

_SCRIPT = '"><script>x</script>'
HOSTILE = (
    "²",
    "١٢",
    "'",
    _SCRIPT,
    "9999-12-31",
    "10000-01-01",
    "0001-01-01",
    "2026-02-30",
    "-1",
    "99999999999999999999999",
    "a\x00b",
    "%",
    "x" * 5000,
)


def _get_routes() -> list[str]:
    return [name for name in ALL_NAMES if ROUTES[name].method == "GET"]


def _admitted(name: str) -> list[str]:
    """The roles the route answers with a page (so the query string is read), by the permission matrix."""
    route = ROUTES[name]
    if route.kind == "api":
        return ["token"]
    if route.kind == "public":
        return list(ROLES)
    return [who for who in ROLES if 200 in _expected(route, who)]


def _query(value: str, names: Iterable[str] = KNOWN_NAMES) -> dict[str, str]:
    return dict.fromkeys(names, value)


@contextlib.contextmanager
def _names_read() -> Iterator[set[str]]:
    """The query-string names a request asks for by name (get, getlist), so each can be fuzzed alone. (Reading
    every pair, as a pagination link does to keep the filters, is not parsing: it is not counted.)"""
    seen: set[str] = set()
    get, getlist = QueryDict.get, QueryDict.getlist

    def recording(method: Any) -> Any:
        def wrapper(self: QueryDict, key: Any, *args: Any) -> Any:
            seen.add(key)
            return method(self, key, *args)

        return wrapper

    QueryDict.get, QueryDict.getlist = recording(get), recording(getlist)  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        QueryDict.get, QueryDict.getlist = get, getlist  # type: ignore[method-assign]


def _send(client: Any, url: str, query: dict[str, str], who: str, errors: list[str]) -> None:
    response = client.get(url, query)
    shown = {k: (v[:12] + "…" if len(v) > 12 else v) for k, v in list(query.items())[:3]}
    if response.status_code >= 500:
        errors.append(f"{who} GET {url} {shown} → {response.status_code}")
    elif _reflects_markup(response):
        errors.append(f"{who} GET {url} {shown} → the page shows the query's <script> unescaped")


def _reflects_markup(response: Any) -> bool:
    html = response.get("Content-Type", "").startswith("text/html") and not response.streaming
    return html and _SCRIPT.encode() in response.content


def _rich_agency(cast: Cast) -> None:
    # Pages with rows to render, so values reach filters that only run over a non-empty list.
    for number in ("1", "E1"):
        make_training(make_person(cast.agency, employee_number=number))


def test_hostile_query_strings_never_cause_a_server_error(cast: Cast, settings, record_property) -> None:  # noqa: ANN001
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "1000000/minute", "api_anonymous": "1000000/minute"},
    }
    _rich_agency(cast)
    rng = random.Random(SEED)
    clients = {who: cast.client_for(who) for who in ROLES}
    clients["token"] = Client(headers={"Authorization": f"Bearer {make_token(cast.admin, cast.agency)}"})
    for client in clients.values():
        client.raise_request_exception = False
    errors: list[str] = []
    requests = fuzzed_names = 0
    for index, name in enumerate(_get_routes()):
        cache.clear()  # the API's rate limits and cached pages start afresh per route
        admitted = _admitted(name) or ["anonymous"]
        with route_sample(name, cast) as url:
            # Which names does the page read? Asked with every name present and empty (read as "absent").
            with _names_read() as seen:
                _send(clients[admitted[0]], url, _query(""), admitted[0], errors)
            read = sorted(seen & set(KNOWN_NAMES))
            # Every role, hostile values in every name at once: the refusal paths (login, 403, 404) read them too.
            for turn, who in enumerate(ROLES):
                _send(clients[who], url, _query(HOSTILE[(index + turn) % len(HOSTILE)]), who, errors)
            # Each name the page reads, alone, with each hostile value, from the admitted roles in turn.
            for position, param in enumerate(read):
                for turn, value in enumerate(HOSTILE):
                    who = admitted[(index + position + turn) % len(admitted)]
                    _send(clients[who], url, {param: value}, who, errors)
            # A seeded mix of read names and a made-up one.
            mix = {n: rng.choice(HOSTILE) for n in rng.sample(KNOWN_NAMES, 5) + read}
            mix["".join(rng.choices("abcxyz_[]", k=6))] = rng.choice(HOSTILE)
            _send(clients[admitted[-1]], url, mix, admitted[-1], errors)
            requests += 2 + len(ROLES) + len(read) * len(HOSTILE)
            fuzzed_names += len(read)
    record_property("query_fuzz_requests", requests)
    print(
        f"query-string fuzz: {requests} requests over {len(_get_routes())} GET routes, "
        f"{fuzzed_names} (route, name) pairs fuzzed alone (seed {SEED})"
    )
    assert not errors, "\n".join(errors[:40])


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/courses/", {"to": "9999-12-31"}),
        ("/courses/", {"from": "9999-12-31"}),
        ("/courses/feed.ics", {"to": "9999-12-31"}),
        ("/api/v1/course-sessions/", {"to": "9999-12-31"}),
        ("/verify/", {"code": "'"}),
        ("/campaign/reviews/", {"strategy": "²"}),
        ("/campaign/reviews/", {"age": "²"}),
    ],
)
def test_the_reported_values_get_a_clear_answer(cast: Cast, url: str, query: dict[str, str]) -> None:
    client = cast.client_for("staff")
    client.raise_request_exception = False
    response = client.get(url, query)
    assert response.status_code in (200, 302, 400), response.status_code


def test_an_api_error_from_a_query_value_uses_the_api_error_shape(cast: Cast) -> None:
    response = cast.client_for("anonymous").get(reverse("api:course_sessions"), {"to": "10000-01-01"})
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400
