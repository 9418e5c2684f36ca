"""Builders for partnerships, policies and submissions used by several test areas and the route tables."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from onemind.lib.uploads import store_private_upload
from onemind.partnerships.models import PartnerOrganization, Partnership, PartnershipLiaison
from onemind.policies.models import ELEMENT_CHOICES, PolicyDocument, PolicyElement, PolicyVersion

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_upload(name: str = "agreement.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_pdf() -> str:
    upload = BytesIO(PDF)
    upload.size = len(PDF)  # type: ignore[attr-defined]
    return store_private_upload(upload)


def make_partnership(agency: Any, *, complete: bool = True, name: str = "Riverside CMHC", **extra: Any) -> Partnership:
    organization = PartnerOrganization.objects.create(agency=agency, name=name, kind="cmhc", city="Springfield")
    fields: dict[str, Any] = {
        "agreement_type": "mou",
        "effective_on": dt.date(2025, 1, 1),
        "agency_signed_on": dt.date(2024, 12, 1) if complete else None,
        "partner_signed_on": dt.date(2024, 12, 2) if complete else None,
        "agency_liaison_name": "Sgt. Liaison" if complete else "",
        "partner_liaison_name": "Dr. Partner" if complete else "",
        "document": stored_pdf() if complete else "",
    }
    fields.update(extra)
    return Partnership.objects.create(agency=agency, organization=organization, **fields)


def link_liaison(partnership: Partnership, user: Any) -> PartnershipLiaison:
    return PartnershipLiaison.objects.create(
        agency=partnership.agency, partnership=partnership, email=user.email, user=user
    )


def make_policy(agency: Any, *, covered: int | None = None, with_file: bool = True) -> PolicyVersion:
    """A policy version with the first `covered` elements covered (all by default)."""
    document = PolicyDocument.objects.create(agency=agency, title="Response to persons in crisis", reference="4.12")
    version = PolicyVersion.objects.create(
        agency=agency,
        document=document,
        version="2025-1",
        adopted_on=dt.date(2025, 2, 1),
        effective_on=dt.date(2025, 3, 1),
        signing_authority="Pat Chief, Chief of Police",
        file=stored_pdf() if with_file else "",
    )
    count = len(ELEMENT_CHOICES) if covered is None else covered
    PolicyElement.objects.bulk_create(
        PolicyElement(
            agency=agency,
            version=version,
            element=slug,
            coverage="covered" if i < count else "missing",
            section=f"§{i + 1}" if i < count else "",
        )
        for i, (slug, _label) in enumerate(ELEMENT_CHOICES)
    )
    return version
