"""Operations routes for the permission matrix: the agency's retention page is its administrators' alone."""

from __future__ import annotations

from tests.routes import Route

ROUTES = {
    "ops:retention": Route("agency", "GET", "agency:write"),
}
