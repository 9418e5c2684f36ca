"""Roster routes for the permission matrix (tests/test_permission_matrix.py)."""

from __future__ import annotations

import datetime as dt

from tests.roster.helpers import make_person
from tests.routes import Route


def _person(cast: object) -> dict[str, object]:
    return {"person_id": make_person(cast.agency).public_id}  # type: ignore[attr-defined]


def _exemption(cast: object) -> dict[str, object]:
    from onemind.roster.models import Exemption

    person = make_person(cast.agency)  # type: ignore[attr-defined]
    exemption = Exemption.objects.create(
        agency=person.agency,
        person=person,
        reason="military",
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        approved_by=cast.admin,  # type: ignore[attr-defined]
    )
    return {"person_id": person.public_id, "exemption_id": exemption.pk}


ROUTES = {
    "roster:list": Route("agency", "GET", "roster:read"),
    "roster:export": Route("agency", "GET", "roster:read", sample=lambda cast: {"fmt": "csv"}),
    "roster:add": Route("agency", "GET", "roster:write"),
    "roster:positions": Route("agency", "GET", "roster:read"),
    "roster:detail": Route("agency", "GET", "roster:read", sample=_person),
    "roster:edit": Route("agency", "GET", "roster:write", sample=_person),
    "roster:separate": Route("agency", "GET", "roster:write", sample=_person),
    "roster:rehire": Route("agency", "GET", "roster:write", sample=_person),
    "roster:invite_officer": Route("agency", "GET", "roster:write", sample=_person),
    "roster:add_exemption": Route("agency", "GET", "roster:write", sample=_person),
    "roster:end_exemption": Route("agency", "POST", "roster:write", sample=_exemption, data={"on": "2026-06-30"}),
}
