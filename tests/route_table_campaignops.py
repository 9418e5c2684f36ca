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


def _with_png(cast: Any) -> dict[str, object]:
    from tests.reviews.test_review_workflow import _store, _submission, real_png

    return {"submission_id": _submission(cast, 2, attachment=_store(real_png())).public_id, "index": 0}


def _waiting(cast: Any) -> dict[str, object]:
    from tests.reviews.test_review_workflow import _submission

    return {"submission_id": _submission(cast, 2).public_id}


ROUTES.update(
    {
        "campaign:queue_next": Route("campaign", allowed_statuses=(302,)),
        "campaign:assign": Route("campaign", "POST", sample=_waiting, data={"to": "me"}, allowed_statuses=(302,)),
        "campaign:evidence_preview": Route("campaign", sample=_with_png),
    }
)


def _announcement(cast: Any) -> dict[str, object]:
    from onemind.campaign.models import Announcement

    return {"pk": Announcement.objects.create(title="Hello", body="B", target_states="WY").pk}


ROUTES.update(
    {
        "campaign:agencies": Route("campaign"),
        "campaign:log_contact": Route(
            "campaign",
            "POST",
            sample=lambda cast: {"agency_slug": cast.agency.slug},
            data={"kind": "note", "contacted_on": "2026-03-01", "summary": "Called"},
            allowed_statuses=(302,),
        ),
        "campaign:announcement_send": Route("campaign", sample=_announcement),
    }
)
