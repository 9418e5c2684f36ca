"""Campaign dashboard routes for the permission matrix (tests/test_permission_matrix.py): staff only."""

from __future__ import annotations

from tests.routes import Route

ROUTES = {
    "campaign:dashboard": Route("campaign"),
    "campaign:dashboard_refresh": Route("campaign", "POST", allowed_statuses=(302,), data={}),
    "campaign:dashboard_standings_export": Route("campaign", "POST", allowed_statuses=(302,), data={"fmt": "csv"}),
    "campaign:dashboard_export": Route("campaign", sample=lambda cast: {"table": "states", "fmt": "xlsx"}),
    "campaign:list_export": Route("campaign", sample=lambda cast: {"name": "editions", "fmt": "csv"}),
}
