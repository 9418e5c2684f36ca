"""The review workflow: the engine's answer beside the evidence, overrides with a reason, previews that run
nothing, assignment, waiting time, "next", a confirmed (optionally two-person) recognition, and agencies warned
before they submit what the records show unmet."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from PIL import Image

from onemind.audit.models import AuditEntry
from onemind.lib.uploads import store_private_upload
from onemind.reviews import services
from onemind.reviews.models import Recognition, RecognitionProposal, Submission
from tests.conftest import Cast, make_user
from tests.evidence_helpers import make_partnership, make_policy

pytestmark = pytest.mark.django_db


def _store(data: bytes) -> str:
    upload = BytesIO(data)
    upload.size = len(data)  # type: ignore[attr-defined]
    return store_private_upload(upload)


def real_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Memorandum of understanding")
    page.showPage()
    page.save()
    return out.getvalue()


def real_png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


def _submission(cast: Cast, strategy: int = 2, **extra: Any) -> Submission:
    with scopes_disabled():
        return Submission.objects.create(
            agency=cast.agency, strategy=strategy, submitted_on=dt.date(2026, 3, 1), figures={"state": "met"}, **extra
        )


def test_the_review_page_shows_the_engines_answer_today_beside_the_evidence(cast: Cast) -> None:
    with scopes_disabled():
        make_policy(cast.agency, covered=5)
    submission = _submission(cast, 2)
    page = cast.client_for("staff").get(reverse("campaign:review", args=[submission.public_id])).content.decode()
    assert "The engine today" in page and "Not met" in page and "missing 7 required elements" in page


def test_verifying_what_the_engine_judges_unmet_needs_a_written_override_kept_and_shown(cast: Cast) -> None:
    with scopes_disabled():
        make_policy(cast.agency, covered=5)
    submission = _submission(cast, 2)
    url = reverse("campaign:review", args=[submission.public_id])
    staff = cast.client_for("staff")
    response = staff.post(url, {"decision": "verify"})
    assert response.status_code == 400 and "not met today" in response.content.decode()
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    staff.post(url, {"decision": "verify", "override_reason": "Sections 6-12 are in the annex we reviewed."})
    submission.refresh_from_db()
    assert submission.state == Submission.State.VERIFIED
    assert submission.engine_state_on_decision == "unmet"
    assert submission.override_reason == "Sections 6-12 are in the annex we reviewed."
    assert AuditEntry.objects.filter(action="reviews.strategy_verified_over_engine", reason__contains="annex").exists()
    agency_page = cast.client_for("viewer").get(reverse("reviews:detail", args=[cast.agency.slug, 2])).content.decode()
    assert "Sections 6-12 are in the annex" in agency_page
    staff_page = staff.get(reverse("campaign:agency", args=[cast.agency.slug])).content.decode()
    assert "Sections 6-12 are in the annex" in staff_page


def test_verifying_what_the_engine_judges_met_needs_no_override(cast: Cast) -> None:
    with scopes_disabled():
        make_partnership(cast.agency)
    submission = _submission(cast, 1)
    cast.client_for("staff").post(reverse("campaign:review", args=[submission.public_id]), {"decision": "verify"})
    submission.refresh_from_db()
    assert submission.state == Submission.State.VERIFIED and submission.override_reason == ""


def test_the_agency_is_warned_with_the_engines_reason_before_submitting_an_unmet_strategy(cast: Cast) -> None:
    with scopes_disabled():
        make_policy(cast.agency, covered=5)
    admin = cast.client_for("admin")
    page = admin.get(reverse("reviews:detail", args=[cast.agency.slug, 2])).content.decode()
    assert "The records show this strategy not met today" in page and "missing 7 required elements" in page
    response = admin.post(reverse("reviews:submit", args=[cast.agency.slug, 2]), {"note": ""}, follow=True)
    assert "missing 7 required elements" in response.content.decode()
    with scopes_disabled():
        assert not Submission.objects.filter(agency=cast.agency).exists()
    admin.post(
        reverse("reviews:submit", args=[cast.agency.slug, 2]),
        {"note": "Sections are in an annex", "acknowledge_unmet": "on"},
    )
    with scopes_disabled():
        assert Submission.objects.get(agency=cast.agency, strategy=2).state == Submission.State.SUBMITTED


@pytest.mark.parametrize(("maker", "size"), [(real_pdf, None), (real_png, (40, 30))])
def test_evidence_is_previewed_as_a_png_drawn_by_onemind_in_a_sandbox(cast: Cast, maker: Any, size: Any) -> None:
    submission = _submission(cast, 2, attachment=_store(maker()))
    url = reverse("campaign:evidence_preview", args=[submission.public_id, 0])
    response = cast.client_for("staff").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"] and response["X-Content-Type-Options"] == "nosniff"
    image = Image.open(BytesIO(response.content))
    assert image.format == "PNG" and (size is None or image.size == size)
    page = cast.client_for("staff").get(reverse("campaign:review", args=[submission.public_id])).content.decode()
    assert url in page and 'alt="First page of: Supporting file' in page


def test_a_damaged_or_missing_evidence_file_has_no_preview_and_no_error(cast: Cast) -> None:
    submission = _submission(cast, 2, attachment=_store(b"%PDF-1.4 not really a pdf"))
    staff = cast.client_for("staff")
    assert staff.get(reverse("campaign:evidence_preview", args=[submission.public_id, 0])).status_code == 404
    assert staff.get(reverse("campaign:evidence_preview", args=[submission.public_id, 7])).status_code == 404


@pytest.mark.parametrize("who", ["admin", "viewer", "outsider", "liaison"])
def test_previews_assignment_and_next_are_not_found_for_anyone_but_campaign_staff(cast: Cast, who: str) -> None:
    submission = _submission(cast, 2, attachment=_store(real_png()))
    client = cast.client_for(who)
    assert client.get(reverse("campaign:evidence_preview", args=[submission.public_id, 0])).status_code == 404
    assert client.post(reverse("campaign:assign", args=[submission.public_id]), {"to": "me"}).status_code == 404
    assert client.get(reverse("campaign:queue_next")).status_code == 404
    anonymous = cast.client_for("anonymous")
    assert anonymous.get(reverse("campaign:evidence_preview", args=[submission.public_id, 0])).status_code == 302
    submission.refresh_from_db()
    assert submission.assigned_to is None


def test_staff_take_assign_and_release_a_submission(cast: Cast) -> None:
    colleague = make_user("colleague@example.org", "Colleague", is_campaign_staff=True)
    submission = _submission(cast)
    url = reverse("campaign:assign", args=[submission.public_id])
    staff = cast.client_for("staff")
    staff.post(url, {"to": "me"})
    submission.refresh_from_db()
    assert submission.assigned_to == cast.staff
    staff.post(url, {"to": str(colleague.pk)})
    submission.refresh_from_db()
    assert submission.assigned_to == colleague
    staff.post(url, {"to": str(cast.admin.pk)})  # not campaign staff
    staff.post(url, {"to": "²"})
    submission.refresh_from_db()
    assert submission.assigned_to == colleague
    staff.post(url, {"to": ""})
    submission.refresh_from_db()
    assert submission.assigned_to is None
    assert AuditEntry.objects.filter(action="reviews.submission_assigned").count() == 3
    queue = staff.get(reverse("campaign:queue"), {"assigned": "unassigned"})
    assert queue.context["page"].paginator.count == 1


def test_next_moves_to_the_next_waiting_submission_skipping_those_taken_by_others(cast: Cast) -> None:
    colleague = make_user("colleague@example.org", "Colleague", is_campaign_staff=True)
    first, second, third = (_submission(cast, n) for n in (1, 2, 3))
    with scopes_disabled():
        for i, s in enumerate((first, second, third)):
            Submission.objects.filter(pk=s.pk).update(submitted_at=dt.datetime(2026, 3, 1 + i, tzinfo=dt.UTC))
        Submission.objects.filter(pk=second.pk).update(assigned_to=colleague)
    staff = cast.client_for("staff")
    nxt = reverse("campaign:queue_next")
    assert staff.get(nxt)["Location"] == reverse("campaign:review", args=[first.public_id])
    assert staff.get(nxt, {"after": str(first.public_id)})["Location"] == reverse(
        "campaign:review", args=[third.public_id]
    )
    assert staff.get(nxt, {"after": str(third.public_id)})["Location"] == reverse(
        "campaign:review", args=[first.public_id]
    )
    assert staff.get(nxt, {"after": "not-a-uuid"}).status_code == 302
    page = staff.get(reverse("campaign:review", args=[first.public_id])).content.decode()
    assert "waiting" in page and f"?after={first.public_id}" in page


def _all_verified(cast: Cast) -> None:
    with scopes_disabled():
        make_partnership(cast.agency)
        make_policy(cast.agency)
    for number in (1, 2, 3, 4):
        with scope(agency=cast.agency):
            submission = services.submit_strategy(
                actor=cast.admin, agency=cast.agency, strategy=number, acknowledge_unmet=True
            )
            services.verify_submission(actor=cast.staff, submission=submission, override_reason="checked")


def test_recognition_asks_for_confirmation_on_a_page_showing_each_strategy(cast: Cast) -> None:
    _all_verified(cast)
    url = reverse("campaign:recognize", args=[cast.agency.slug])
    staff = cast.client_for("staff")
    page = staff.get(url).content.decode()
    assert "Engine today" in page and "Recognize Springfield Police Department" in page
    assert staff.post(url, {}).status_code == 400
    cast.agency.refresh_from_db()
    assert cast.agency.recognized_on is None
    assert staff.post(url, {"confirm": "on"}).status_code == 302
    cast.agency.refresh_from_db()
    assert cast.agency.recognized_on is not None


def test_with_two_approvers_a_second_different_staff_member_confirms(cast: Cast, settings: Any) -> None:
    settings.RECOGNITION_SECOND_APPROVER = True
    _all_verified(cast)
    colleague = make_user("colleague@example.org", "Colleague", is_campaign_staff=True)
    url = reverse("campaign:recognize", args=[cast.agency.slug])
    staff = cast.client_for("staff")
    staff.post(url, {"confirm": "on"})
    cast.agency.refresh_from_db()
    assert cast.agency.recognized_on is None
    with scopes_disabled():
        assert RecognitionProposal.objects.filter(agency=cast.agency, closed_at__isnull=True).count() == 1
    response = staff.post(url, {"confirm": "on"})
    assert response.status_code == 400 and "different staff member" in response.content.decode()
    second = cast.client_for("anonymous")
    second.force_login(colleague)
    assert second.post(url, {"confirm": "on"}).status_code == 302
    with scopes_disabled():
        recognition = Recognition.objects.get(agency=cast.agency)
    assert recognition.recognized_by == cast.staff and recognition.confirmed_by == colleague
