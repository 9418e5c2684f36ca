"""(a) Every route the URL resolver knows is classified; a new route, named or not, fails until classified."""

from __future__ import annotations

from collections import Counter

from tests.security.sweep import all_patterns
from tests.test_permission_matrix import ROUTES


def test_every_route_named_or_not_is_classified(record_property) -> None:  # noqa: ANN001
    patterns = all_patterns()
    unnamed = [p.route for p in patterns if p.name is None]
    assert not unnamed, f"Name these routes so they can be classified: {unnamed}"
    unclassified = sorted({p.name for p in patterns if p.name and p.name not in ROUTES})
    assert not unclassified, f"Classify these routes in a tests/route_table_<area>.py: {unclassified}"
    kinds = Counter(ROUTES[p.name].kind for p in patterns if p.name)
    assert all(kinds), "every route needs a kind (public, account, agency, staff-agency, campaign, api, …)"
    record_property("routes_inventoried", len(patterns))
    print(f"routes inventoried: {len(patterns)} {dict(sorted(kinds.items()))}")
