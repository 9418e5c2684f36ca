"""Public figures and list downloads for the permission matrix (tests/test_permission_matrix.py)."""

from __future__ import annotations

from tests.routes import Route

ROUTES = {
    "public:numbers": Route("public"),
    "public:about": Route("public"),
    "public:methodology": Route("public"),
    "public:privacy": Route("public"),
    "public:pledged_export": Route("public", sample=lambda cast: {"fmt": "csv"}),
    "public:recognized_export": Route("public", sample=lambda cast: {"fmt": "xlsx"}),
}
