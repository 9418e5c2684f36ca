from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.accounts.models import Invitation
from onemind.audit.models import AuditEntry
from onemind.engine import edition_2016, partnership_result
from onemind.lib.uploads import MAX_UPLOAD_BYTES
from onemind.partnerships.models import Partnership
from onemind.partnerships.selectors import engine_partnerships
from tests.conftest import Cast
from tests.evidence_helpers import PDF, PNG, link_liaison, make_partnership, pdf_upload

pytestmark = pytest.mark.django_db


def _add_url(cast: Cast) -> str:
    return reverse("partnerships:add", args=[cast.agency.slug])


def _agreement_data(organization_id: int, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "organization": organization_id,
        "agreement_type": "mou",
        "effective_on": "2025-01-01",
        "agency_signed_on": "2024-12-01",
        "partner_signed_on": "2024-12-02",
        "agency_liaison_name": "Sgt. A",
        "partner_liaison_name": "Dr. B",
        "response_model": "cit",
    }
    data.update(extra)
    return data


def _organization(cast: Cast) -> int:
    client = cast.client_for("admin")
    client.post(
        reverse("partnerships:organization_add", args=[cast.agency.slug]), {"name": "Riverside CMHC", "kind": "cmhc"}
    )
    with scopes_disabled():
        return cast.agency.partner_organizations.get().pk


def test_the_administrator_records_an_agreement_with_its_document_and_the_engine_counts_it(cast: Cast) -> None:
    org = _organization(cast)
    response = cast.client_for("admin").post(_add_url(cast), _agreement_data(org, document_file=pdf_upload()))
    assert response.status_code == 302
    with scopes_disabled():
        partnership = Partnership.objects.get(agency=cast.agency)
        assert partnership.document.endswith(".pdf") and "/" not in partnership.document
        found = engine_partnerships([cast.agency.pk, cast.other_agency.pk], dt.date(2026, 1, 1))
    assert list(found) == [cast.agency.pk]
    assert partnership_result(found[cast.agency.pk], dt.date(2026, 1, 1), edition_2016()).state == "met"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "none of them"),
        (b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode", "none of them"),
        (PNG + b"<script>alert(1)</script>", "embedded markup"),
        (PDF + b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", "scripts"),
    ],
    ids=["html-named-pdf", "executable-named-pdf", "image-with-script", "pdf-with-javascript"],
)
def test_a_file_that_is_not_a_plain_pdf_or_image_is_refused(cast: Cast, content: bytes, reason: str) -> None:
    org = _organization(cast)
    upload = pdf_upload("agreement.pdf", content)
    response = cast.client_for("admin").post(_add_url(cast), _agreement_data(org, document_file=upload))
    assert response.status_code == 200
    assert reason in response.content.decode()
    with scopes_disabled():
        assert not Partnership.objects.filter(agency=cast.agency).exists()


def test_an_oversize_upload_is_refused(cast: Cast) -> None:
    org = _organization(cast)
    upload = pdf_upload("big.pdf", PDF + b"0" * MAX_UPLOAD_BYTES)
    response = cast.client_for("admin").post(_add_url(cast), _agreement_data(org, document_file=upload))
    assert "the limit is" in response.content.decode()
    with scopes_disabled():
        assert not Partnership.objects.filter(agency=cast.agency).exists()


def test_a_path_in_the_file_name_is_ignored_and_the_download_is_an_audited_nosniff_attachment(
    cast: Cast, settings: object
) -> None:
    org = _organization(cast)
    cast.client_for("admin").post(_add_url(cast), _agreement_data(org, document_file=pdf_upload("../../x.pdf")))
    with scopes_disabled():
        partnership = Partnership.objects.get(agency=cast.agency)
    assert ".." not in partnership.document and "x" not in partnership.document.removesuffix(".pdf").strip(
        "0123456789abcdef"
    )
    url = reverse("partnerships:document", args=[cast.agency.slug, partnership.public_id, "agreement"])
    response = cast.client_for("viewer").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert AuditEntry.objects.filter(action="partnerships.document_downloaded", actor=cast.viewer).count() == 1
    assert cast.client_for("outsider").get(url).status_code == 404


def test_a_disputed_partnership_is_shown_as_such_and_does_not_count(cast: Cast) -> None:
    with scopes_disabled():
        partnership = make_partnership(cast.agency, partner_status="disputed", partner_note="We never signed this")
        found = engine_partnerships([cast.agency.pk], dt.date(2026, 1, 1))[cast.agency.pk]
    assert partnership_result(found, dt.date(2026, 1, 1), edition_2016()).state == "unmet"
    page = cast.client_for("viewer").get(reverse("partnerships:detail", args=[cast.agency.slug, partnership.public_id]))
    assert "Disputed by the partner" in page.content.decode()
    assert "We never signed this" in page.content.decode()


def test_an_agreement_that_ended_is_unmet_with_the_reason(cast: Cast) -> None:
    with scopes_disabled():
        make_partnership(cast.agency, ends_on=dt.date(2025, 12, 31))
        found = engine_partnerships([cast.agency.pk], dt.date(2026, 1, 15))[cast.agency.pk]
    assert partnership_result(found, dt.date(2025, 6, 1), edition_2016()).state == "met"
    result = partnership_result(found, dt.date(2026, 1, 15), edition_2016())
    assert result.state == "unmet" and "ended on 2025-12-31" in result.explanation


def test_the_sustainability_checklist_is_scored_and_activities_are_logged(cast: Cast) -> None:
    with scopes_disabled():
        partnership = make_partnership(cast.agency, info_sharing_agreement=True, response_model="co_responder")
    client = cast.client_for("admin")
    url = reverse("partnerships:activity_add", args=[cast.agency.slug, partnership.public_id])
    today = timezone.localdate().isoformat()
    assert client.post(url, {"kind": "case_review", "occurred_on": today, "description": "Monthly"}).status_code == 302
    page = client.get(reverse("partnerships:detail", args=[cast.agency.slug, partnership.public_id])).content.decode()
    assert "<strong>3 of 6</strong>" in page
    assert "Case review" in page


def test_the_list_page_query_count_does_not_grow_with_partnerships(cast: Cast, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = cast.client_for("viewer")
    url = reverse("partnerships:list", args=[cast.agency.slug])
    with scopes_disabled():
        make_partnership(cast.agency)
    client.get(url)
    with django_assert_max_num_queries(12):
        client.get(url)
    with scopes_disabled():
        for i in range(10):
            make_partnership(cast.agency, name=f"Partner {i}")
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_inviting_the_partner_liaison_sends_an_invitation_with_the_partner_role(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        partnership = make_partnership(cast.agency)
    url = reverse("partnerships:invite_liaison", args=[cast.agency.slug, partnership.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client_for("admin").post(url, {"name": "Dr. New", "email": "new.liaison@example.org"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.liaison@example.org")
    assert invitation.role == "partner_liaison"
    assert len(mail.outbox) == 1
    with scopes_disabled():
        assert partnership.liaison_links.get().email == "new.liaison@example.org"


def test_an_agency_member_with_another_role_cannot_be_linked_as_liaison(cast: Cast) -> None:
    with scopes_disabled():
        partnership = make_partnership(cast.agency)
    url = reverse("partnerships:invite_liaison", args=[cast.agency.slug, partnership.public_id])
    response = cast.client_for("admin").post(url, {"name": "Viewer", "email": cast.viewer.email})
    assert response.status_code == 200
    assert "another role" in response.content.decode()


def test_a_viewer_may_not_record_agreements(cast: Cast) -> None:
    assert cast.client_for("viewer").post(_add_url(cast), {}).status_code == 403
    assert link_liaison  # imported for the liaison tests' module
