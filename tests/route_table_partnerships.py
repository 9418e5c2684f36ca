"""Partnership and policy routes for the permission matrix (tests/test_permission_matrix.py).

Liaison routes need `partnership:confirm`, which only the partner-liaison role holds: the matrix's admin, viewer
and staff get 403, outsiders 404. tests/partnerships/test_liaison.py covers the liaison itself and the
other roles the matrix does not enumerate.
"""

from __future__ import annotations

from typing import Any

from tests.evidence_helpers import make_partnership, make_policy
from tests.routes import Route


def _p(cast: Any) -> dict[str, object]:
    return {"partnership_id": make_partnership(cast.agency).public_id}


def _p_file(cast: Any) -> dict[str, object]:
    return {"partnership_id": make_partnership(cast.agency).public_id, "which": "agreement"}


def _org(cast: Any) -> dict[str, object]:
    return {"organization_id": make_partnership(cast.agency).organization.public_id}


def _doc(cast: Any) -> dict[str, object]:
    return {"document_id": make_policy(cast.agency).document.public_id}


def _v(cast: Any) -> dict[str, object]:
    return {"version_id": make_policy(cast.agency).public_id}


ROUTES = {
    "partnerships:list": Route("agency", "GET", "partnership:read"),
    "partnerships:organization_add": Route("agency", "GET", "partnership:write"),
    "partnerships:organization_edit": Route("agency", "GET", "partnership:write", sample=_org),
    "partnerships:add": Route("agency", "GET", "partnership:write"),
    "partnerships:detail": Route("agency", "GET", "partnership:read", sample=_p),
    "partnerships:edit": Route("agency", "GET", "partnership:write", sample=_p),
    "partnerships:activity_add": Route("agency", "POST", "partnership:write", sample=_p, data={}),
    "partnerships:document_remove": Route("agency", "POST", "partnership:write", sample=_p, data={}),
    "partnerships:document": Route("agency", "GET", "partnership:read", sample=_p_file),
    "partnerships:invite_liaison": Route("agency", "GET", "partnership:write", sample=_p),
    "partnerships:partner_home": Route("agency", "GET", "partnership:confirm"),
    "partnerships:partner_detail": Route("agency", "GET", "partnership:confirm", sample=_p),
    "partnerships:partner_upload": Route("agency", "POST", "partnership:confirm", sample=_p, data={}),
    "partnerships:partner_document": Route("agency", "GET", "partnership:confirm", sample=_p_file),
    "policies:list": Route("agency", "GET", "policy:read"),
    "policies:document_add": Route("agency", "GET", "policy:write"),
    "policies:version_add": Route("agency", "GET", "policy:write", sample=_doc),
    "policies:version": Route("agency", "GET", "policy:read", sample=_v),
    "policies:version_edit": Route("agency", "GET", "policy:write", sample=_v),
    "policies:version_file": Route("agency", "GET", "policy:read", sample=_v),
    "policies:version_delete": Route("agency", "POST", "policy:write", sample=_v, data={}),
}
