"""Pages and API answers that can hold personnel data carry `Cache-Control: no-store` (no browser or proxy keeps
a copy): every agency route answered to its administrator, and every API endpoint answered to a token."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient, make_token
from tests.conftest import Cast
from tests.security.sweep import all_patterns, route_sample
from tests.test_permission_matrix import ROUTES

pytestmark = pytest.mark.django_db


def test_every_agency_page_and_api_answer_says_no_store(cast: Cast) -> None:
    names = sorted({p.name for p in all_patterns() if p.name in ROUTES and ROUTES[p.name].kind in ("agency", "api")})
    admin, api = cast.client_for("admin"), ApiClient(make_token(cast.admin, cast.agency))
    missing, answered = [], 0
    for name in names:
        with route_sample(name, cast) as url:
            response = (api if ROUTES[name].kind == "api" else admin).get(url)
            if response.status_code == 200:
                answered += 1
                if "no-store" not in response.get("Cache-Control", ""):
                    missing.append(name)
    print(f"no-store: {answered} pages answered 200, {len(missing)} without no-store")
    assert answered > 40 and not missing, missing
