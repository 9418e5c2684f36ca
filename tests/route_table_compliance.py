"""The compliance routes for the permission matrix (tests/test_permission_matrix.py)."""

from __future__ import annotations

from tests.routes import Route

ROUTES = {
    "compliance:dashboard": Route("agency", "GET", "dashboard:read"),
    "compliance:report": Route("agency", "GET", "dashboard:read"),
}
