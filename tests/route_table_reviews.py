"""Verification, campaign-staff and public verification routes for the permission matrix.

Campaign routes use kind "campaign": anonymous → login redirect, campaign staff → allowed, everyone else → 404
(onemind.tenancy.access.campaign_view). The shared matrix needs its `"campaign"` kind for these (one edited line
in tests/test_permission_matrix.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_scopes import scopes_disabled

from onemind.reviews.models import Recognition, Submission
from tests.evidence_helpers import stored_pdf
from tests.routes import Route


def _submission(cast: Any, **extra: Any) -> Submission:
    with scopes_disabled():
        return Submission.objects.create(
            agency=cast.agency, strategy=1, submitted_on=dt.date(2026, 3, 1), figures={"state": "met"}, **extra
        )


def _recognized(cast: Any) -> dict[str, object]:
    with scopes_disabled():
        Recognition.objects.create(
            agency=cast.agency, recognized_on=dt.date(2026, 6, 1), reattest_due_on=dt.date(2027, 6, 1)
        )
    return {}


def _with_attachment(cast: Any) -> dict[str, object]:
    _submission(cast, attachment=stored_pdf())
    return {"strategy": 1}


def _returned(cast: Any) -> dict[str, object]:
    _submission(cast, state="returned")
    return {"strategy": 1}


ROUTES = {
    "reviews:index": Route("agency", "GET", "agency:read"),
    "reviews:detail": Route("agency", "GET", "agency:read", sample=lambda cast: {"strategy": 1}),
    "reviews:submit": Route("agency", "POST", "strategy:submit", sample=lambda cast: {"strategy": 3}, data={}),
    "reviews:comment": Route("agency", "POST", "strategy:submit", sample=_returned, data={"body": "Answer"}),
    "reviews:attachment": Route("agency", "GET", "agency:read", sample=_with_attachment),
    "reviews:certificate": Route("agency", "GET", "agency:read", sample=_recognized),
    "reviews:reattest": Route("agency", "POST", "strategy:submit", data={}),
    "verify:form": Route("public"),
    "verify:code": Route("public", public_statuses=(404,), sample=lambda cast: {"code": "ABCD-EFGH-JKMN-PQRS"}),
    "campaign:home": Route("campaign"),
    "campaign:queue": Route("campaign"),
    "campaign:review": Route("campaign", sample=lambda cast: {"submission_id": _submission(cast).public_id}),
    "campaign:agency": Route("campaign", sample=lambda cast: {"agency_slug": cast.agency.slug}),
    # GET is the confirmation page; the POST is tested in tests/reviews/test_review_workflow.py.
    "campaign:recognize": Route("campaign", sample=lambda cast: {"agency_slug": cast.agency.slug}),
    "campaign:certificate": Route(
        "campaign", sample=lambda cast: {"agency_slug": cast.agency.slug, **_recognized(cast)}
    ),
    # GET is the confirmation step; the POST (reason required) is tested in tests/reviews/test_recognition_revoke.py.
    "campaign:revoke": Route("campaign", sample=lambda cast: {"agency_slug": cast.agency.slug, **_recognized(cast)}),
    "campaign:editions": Route("campaign"),
    "campaign:edition_add": Route("campaign"),
    "campaign:edition_edit": Route("campaign", sample=lambda cast: {"pk": _unused_edition()}),
    "campaign:course_types": Route("campaign"),
    "campaign:course_type_add": Route("campaign"),
    "campaign:course_type_edit": Route("campaign", sample=lambda cast: {"pk": _course_type()}),
    "campaign:syllabus": Route("campaign", sample=lambda cast: {"pk": _syllabus()}),
    "campaign:syllabus_remove": Route(
        "campaign", "POST", sample=lambda cast: {"pk": _syllabus()}, allowed_statuses=(302,)
    ),
    "campaign:resources": Route("campaign"),
    "campaign:resource_add": Route("campaign"),
    "campaign:resource_edit": Route("campaign", sample=lambda cast: {"pk": _resource()}),
    "campaign:announcements": Route("campaign"),
    "campaign:announcement_add": Route("campaign"),
    "campaign:announcement_edit": Route("campaign", sample=lambda cast: {"pk": _announcement()}),
}


def _unused_edition() -> int:
    from onemind.pledges.models import RuleEdition

    return RuleEdition.objects.create(code="2027-draft", name="Draft").pk


def _course_type() -> int:
    from onemind.training.models import CourseType

    return CourseType.objects.get(code="MHFA-ADULT").pk


def _syllabus() -> int:
    from onemind.campaign.models import SyllabusEvidence
    from onemind.training.models import CourseType

    return SyllabusEvidence.objects.create(course_type=CourseType.objects.get(code="MHFA-ADULT"), file=stored_pdf()).pk


def _resource() -> int:
    from onemind.public.models import Resource

    return Resource.objects.create(title="Toolkit", description="d", url="https://example.org/").pk


def _announcement() -> int:
    from onemind.campaign.models import Announcement

    return Announcement.objects.create(title="Welcome", body="Hello").pk
