"""The route description shared by the permission matrix and each area's tests/route_table_<area>.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Route:
    # "public" | "account" (needs login, no agency) | "agency" | "staff-agency"
    kind: str
    method: str = "GET"
    permission: str = ""
    public_statuses: tuple[int, ...] = (200,)
    # Statuses that count as success for an allowed user, when not plain 200 (GET) or 200/302 (POST).
    allowed_statuses: tuple[int, ...] = ()
    # Builds the path arguments other than agency_slug from the test cast (tests.conftest.Cast), naming objects
    # of the home agency, e.g. lambda cast: {"person_id": make_person(cast.agency).public_id}.
    sample: Callable[[Any], dict[str, object]] | None = None
    # POST body used by the matrix (an empty form is fine for most writes: it re-renders with errors).
    data: dict[str, object] | None = None
