"""Outcome and planner routes for the permission matrix (tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from django_scopes import scopes_disabled

from onemind.outcomes.models import OutcomeImport
from tests.routes import Route


def _batch(cast: Any) -> dict[str, object]:
    with scopes_disabled():
        batch = OutcomeImport.objects.create(
            agency=cast.agency,
            kind=OutcomeImport.Kind.AGGREGATES,
            file_name="months.csv",
            figures={"2026-01": {"status": "collected", "mh_calls": 4}},
        )
    return {"batch_id": batch.public_id}


ROUTES = {
    "outcomes:index": Route("agency", "GET", "outcomes:read"),
    "outcomes:template": Route("agency", "GET", "outcomes:read"),
    "outcomes:trends": Route("agency", "GET", "outcomes:read"),
    "outcomes:grant_report": Route("agency", "GET", "outcomes:read", sample=lambda cast: {"fmt": "pdf"}),
    "outcomes:month": Route("agency", "GET", "outcomes:write", sample=lambda cast: {"month": "2026-01"}),
    "outcomes:upload": Route("agency", "GET", "outcomes:write"),
    "outcomes:batch": Route("agency", "GET", "outcomes:read", sample=_batch),
    "outcomes:batch_mapping": Route("agency", "POST", "outcomes:write", sample=_batch),
    "outcomes:batch_apply": Route("agency", "POST", "outcomes:write", sample=_batch),
    "outcomes:batch_undo": Route("agency", "POST", "outcomes:write", sample=_batch),
    "outcomes:batch_discard": Route("agency", "POST", "outcomes:write", sample=_batch),
}

ROUTES.update(
    {
        "planner:index": Route("agency", "GET", "dashboard:read"),
        "planner:reserve": Route("agency", "POST", "courses:register", data={}),
        "outcomes_campaign:overview": Route("campaign"),
        "outcomes_campaign:research_export": Route("campaign"),
    }
)
