"""The partner liaison sees only their own partnership(s): confirm, dispute, upload; nothing else of the agency."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.partnerships.models import Partnership
from tests.conftest import Cast
from tests.evidence_helpers import PNG, link_liaison, make_partnership, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(cast: Cast) -> tuple[Partnership, Partnership]:
    with scopes_disabled():
        mine = make_partnership(cast.agency, name="Riverside CMHC", partner_signed_on=None)
        other = make_partnership(cast.agency, name="Lakeside Crisis Line")
        link_liaison(mine, cast.liaison)
    return mine, other


def test_the_liaison_sees_their_partnership_and_confirms_it(
    cast: Cast, linked: tuple[Partnership, Partnership]
) -> None:
    mine, _other = linked
    client = cast.client_for("liaison")
    home = client.get(reverse("partnerships:partner_home", args=[cast.agency.slug])).content.decode()
    assert "Riverside CMHC" in home and "Lakeside" not in home
    url = reverse("partnerships:partner_detail", args=[cast.agency.slug, mine.public_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "confirm", "note": ""}).status_code == 302
    mine.refresh_from_db()
    assert mine.partner_status == "confirmed"


def test_a_dispute_needs_a_note_and_is_recorded(cast: Cast, linked: tuple[Partnership, Partnership]) -> None:
    mine, _ = linked
    url = reverse("partnerships:partner_detail", args=[cast.agency.slug, mine.public_id])
    client = cast.client_for("liaison")
    assert client.post(url, {"decision": "dispute", "note": ""}).status_code == 200
    assert client.post(url, {"decision": "dispute", "note": "Dates are wrong"}).status_code == 302
    mine.refresh_from_db()
    assert mine.disputed and mine.partner_note == "Dates are wrong"


def test_the_liaison_uploads_the_countersigned_agreement(cast: Cast, linked: tuple[Partnership, Partnership]) -> None:
    mine, _ = linked
    url = reverse("partnerships:partner_upload", args=[cast.agency.slug, mine.public_id])
    response = cast.client_for("liaison").post(url, {"file": pdf_upload("signed.pdf"), "signed_on": "2025-01-05"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.countersigned_document and str(mine.partner_signed_on) == "2025-01-05"
    bad = cast.client_for("liaison").post(
        url, {"file": pdf_upload("x.png", PNG + b"<svg onload=x>"), "signed_on": "2025-01-05"}
    )
    assert bad.status_code == 400


def test_the_liaison_gets_404_for_another_partnership(cast: Cast, linked: tuple[Partnership, Partnership]) -> None:
    _mine, other = linked
    client = cast.client_for("liaison")
    for name in ("partnerships:partner_detail", "partnerships:partner_upload"):
        assert client.get(reverse(name, args=[cast.agency.slug, other.public_id])).status_code == 404
    doc = reverse("partnerships:partner_document", args=[cast.agency.slug, other.public_id, "agreement"])
    assert client.get(doc).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["roster:list", "training:list", "partnerships:list", "policies:list", "reviews:index", "compliance:dashboard"],
)
def test_the_liaison_cannot_open_anything_else_of_the_agency(cast: Cast, name: str) -> None:
    """The liaison holds only partnership:confirm: every other page of the agency is not found for them."""
    response = cast.client_for("liaison").get(reverse(name, args=[cast.agency.slug]))
    assert response.status_code == 404


def test_agency_members_cannot_use_the_liaison_pages(cast: Cast, linked: tuple[Partnership, Partnership]) -> None:
    mine, _ = linked
    url = reverse("partnerships:partner_detail", args=[cast.agency.slug, mine.public_id])
    assert cast.client_for("admin").get(url).status_code == 403
    assert cast.client_for("outsider").get(url).status_code == 404
