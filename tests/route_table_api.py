"""API and API-token routes for the permission matrix (tests/test_permission_matrix.py).

Kind "api" routes take an agency API token only; tests/security/test_api_isolation.py sweeps them with tokens.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.routes import Route


def _person(cast: object) -> dict[str, object]:
    return {"employee_number": "E-SAMPLE"}


def _token(cast: object) -> dict[str, object]:
    from onemind.api.tokens import create_api_token

    token, _ = create_api_token(
        actor=cast.admin,  # type: ignore[attr-defined]
        agency=cast.agency,  # type: ignore[attr-defined]
        name="Sample",
        scopes=["read"],
        expires_on=timezone.localdate() + dt.timedelta(days=5),
    )
    return {"prefix": token.prefix}


ROUTES = {
    "api:schema": Route("public"),
    "api:docs": Route("public"),
    "api:agency": Route("api"),
    "api:people": Route("api"),
    "api:people_bulk": Route("api", "POST"),
    "api:person": Route("api", sample=_person),
    "api:separate": Route("api", "POST", sample=_person),
    "api:training_records": Route("api"),
    "api:training_bulk": Route("api", "POST"),
    "api:compliance": Route("api"),
    "api:export": Route("api"),
    "api:course_sessions": Route("public"),
    "api_tokens:tokens": Route("agency", "GET", "agency:write"),
    "api_tokens:revoke": Route("agency", "POST", "agency:write", sample=_token, allowed_statuses=(302,)),
    "api_tokens:export": Route("agency", "GET", "agency:write"),
}
