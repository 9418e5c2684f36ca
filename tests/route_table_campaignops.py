"""Agency claims, e-mail verification and campaign operations routes for the permission matrix."""

from __future__ import annotations

from typing import Any

from onemind.tenancy.models import AgencyClaim
from tests.routes import Route


def _claim(cast: Any) -> dict[str, object]:
    claim = AgencyClaim.objects.create(agency=cast.other_agency, user=cast.outsider, job_title="Sergeant")
    return {"claim_id": claim.public_id}


ROUTES = {
    "accounts:dispute": Route("account", sample=lambda cast: {"agency_slug": cast.agency.slug}),
    "accounts:verify_email": Route("account"),  # a verified account is sent on to its home page
    "accounts:verify_email_confirm": Route("public", public_statuses=(410,), sample=lambda cast: {"token": "forged"}),
    "campaign:claims": Route("campaign"),
    "campaign:claim": Route("campaign", sample=_claim),
}
ROUTES.update(
    {
        "pledges:consent_preview": Route("agency", "GET", "pledge:write"),
        "campaign:pledge_terms": Route("campaign", sample=lambda cast: {"agency_slug": cast.agency.slug}),
    }
)
