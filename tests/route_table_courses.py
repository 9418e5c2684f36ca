"""Course routes for the permission matrix (tests/test_permission_matrix.py).

Kind "provider": pages of one course provider, answered to its members only and 404 to everyone else signed in.
"""

from __future__ import annotations

from typing import Any

from django_scopes import scopes_disabled

from onemind.courses import services
from tests.courses.helpers import make_provider, make_session
from tests.roster.helpers import make_person
from tests.routes import Route


def _provider(cast: Any) -> Any:
    from onemind.courses.models import CourseProvider

    existing = CourseProvider.objects.filter(members__user=cast.provider).first()
    return existing or make_provider(cast.provider)


def _session(cast: Any) -> dict[str, object]:
    return {"session_id": make_session(_provider(cast)).public_id}


def _provider_slug(cast: Any) -> dict[str, object]:
    return {"provider_slug": _provider(cast).slug}


def _registration(cast: Any) -> dict[str, object]:
    session = make_session(_provider(cast))
    with scopes_disabled():
        result = services.register_people(
            actor=cast.coordinator, session=session, agency=cast.agency, people=[make_person(cast.agency)]
        )
    return {"registration_id": result.confirmed[0].public_id}


ROUTES = {
    "courses:finder": Route("public"),
    "courses:feed": Route("public"),
    "courses:session": Route("public", sample=_session),
    "courses:session_ics": Route("public", sample=_session),
    "courses:provider_feed": Route("public", sample=_provider_slug),
    "courses:provider_home": Route("provider", sample=lambda cast: (_provider(cast), {})[1]),
    "courses:state_demand": Route("provider", sample=lambda cast: (_provider(cast), {})[1]),
    "courses:publish": Route("provider", sample=_provider_slug),
    "courses:registrants": Route("provider", sample=_session),
    "courses:edit": Route("provider", sample=_session),
    "courses:cancel": Route("provider", "POST", sample=_session, data={"reason": "Instructor unavailable"}),
    "courses:attendance": Route("provider", "POST", sample=_session, data={}),
    "courses_agency:index": Route("agency", "GET", "training:read"),
    "courses_agency:register": Route("agency", "GET", "courses:register", sample=_session),
    "courses_agency:cancel": Route("agency", "POST", "courses:register", sample=_registration, data={}),
}
