"""Files: one upload check for every upload path, and no file name reaching a download header unescaped.

Threats covered (OWASP ASVS 4.0 V12 files, V14.4 HTTP headers):
- an active-content PDF (JavaScript, JS, Launch, OpenAction, AA, embedded files; names escaped as #xx; hidden in a
  compressed object stream) or an image with script or another file inside (polyglot), sent as a training
  certificate by a coordinator or by the officer themself, or as agreement/policy evidence: refused, nothing kept;
- SVG, HTML or executables named .pdf: refused by content type;
- a hostile import file name (quotes, CR/LF, non-ASCII, ../) reaching Content-Disposition: always RFC 6266 encoded.
"""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.campaign.models import SyllabusEvidence
from onemind.lib.downloads import content_disposition
from onemind.lib.uploads import UploadRejected, check_upload
from onemind.partnerships.models import Partnership
from onemind.policies.models import PolicyDocument, PolicyVersion
from onemind.reviews.models import Submission
from onemind.training.models import CourseType, TrainingRecord
from tests.conftest import Cast
from tests.evidence_helpers import link_liaison, make_partnership, make_policy
from tests.roster.helpers import make_officer, make_person

pytestmark = pytest.mark.django_db

PDF_HEAD = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
PDF_TAIL = b"trailer << /Root 1 0 R >>\n%%EOF\n"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png(extra_chunk: bytes = b"", after_end: bytes = b"") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    header = chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00")
    pixels = chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    return PNG_SIGNATURE + header + extra_chunk + pixels + chunk(b"IEND", b"") + after_end


def _compressed_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return b"2 0 obj << /Type /ObjStm /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream endobj\n" % (
        len(packed),
        packed,
    )


CLEAN_PDF = PDF_HEAD + b"3 0 obj << /OpenAction [4 0 R /Fit] >> endobj\n" + PDF_TAIL
CLEAN_PNG = _png()
CLEAN_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 64 + b"\xff\xd9"

ACTIVE_FILES = {
    "pdf-javascript": PDF_HEAD + b"3 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n" + PDF_TAIL,
    "pdf-js-only": PDF_HEAD + b"3 0 obj << /JS 5 0 R >> endobj\n" + PDF_TAIL,
    "pdf-launch": PDF_HEAD + b"3 0 obj << /S /Launch /F (cmd.exe) >> endobj\n" + PDF_TAIL,
    "pdf-openaction-dict": PDF_HEAD + b"1 0 obj << /OpenAction << /S /URI /URI (x) >> >> endobj\n" + PDF_TAIL,
    "pdf-openaction-ref": PDF_HEAD + b"1 0 obj << /OpenAction 7 0 R >> endobj\n" + PDF_TAIL,
    "pdf-additional-actions": PDF_HEAD + b"4 0 obj << /Type /Page /AA << /O 8 0 R >> >> endobj\n" + PDF_TAIL,
    "pdf-embedded-file": PDF_HEAD + b"5 0 obj << /Type /EmbeddedFile >> endobj\n" + PDF_TAIL,
    "pdf-hex-escaped-name": PDF_HEAD + b"3 0 obj << /S /J#61vaScript /J#53 (x) >> endobj\n" + PDF_TAIL,
    "pdf-in-object-stream": PDF_HEAD + _compressed_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>") + PDF_TAIL,
    "pdf-html-polyglot": PDF_HEAD + b"<html><script>alert(1)</script></html>\n" + PDF_TAIL,
    "png-script": _png(extra_chunk=b"\x00\x00\x00\x1etEXt<script>alert(1)</script>\x00\x00\x00\x00"),
    "png-svg": _png(extra_chunk=b"\x00\x00\x00\x20iTXt<svg xmlns='http://www.w3.org/2000/svg'>\x00"),
    "png-file-appended": _png(after_end=b"PK\x03\x04 a zip archive appended to the image"),
    "png-pdf-inside": _png(extra_chunk=b"\x00\x00\x00\x08tEXt%PDF-1.4\x00\x00\x00\x00"),
    "jpeg-script": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00<svg onload=alert(1)>" + b"\xff\xd9",
    "jpeg-html-after-end": CLEAN_JPEG + b"<!DOCTYPE html><html><body>x</body></html>",
}
NOT_ACCEPTED_TYPES = {
    "svg": b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    "html": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    "exe": b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode",
}
ALL_REFUSED = {**ACTIVE_FILES, **NOT_ACCEPTED_TYPES}


def _stored_files() -> list[Path]:
    folder = Path(settings.PRIVATE_FILES_DIR)
    return list(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("content", [CLEAN_PDF, CLEAN_PNG, CLEAN_JPEG], ids=["pdf", "png", "jpeg"])
def test_plain_pdfs_and_images_pass_the_check(content: bytes) -> None:
    assert check_upload(SimpleUploadedFile("x", content)) in {"pdf", "png", "jpg"}


@pytest.mark.parametrize("content", ALL_REFUSED.values(), ids=ALL_REFUSED.keys())
def test_active_content_and_other_types_are_refused_by_the_one_check(content: bytes) -> None:
    with pytest.raises(UploadRejected):
        check_upload(SimpleUploadedFile("certificate.pdf", content))


def test_a_compressed_stream_that_would_expand_without_bound_is_refused() -> None:
    bomb = PDF_HEAD + _compressed_stream(b"\x00" * (80 * 1024 * 1024)) + PDF_TAIL
    with pytest.raises(UploadRejected, match="expands"):
        check_upload(SimpleUploadedFile("bomb.pdf", bomb))


def _course_pk() -> int:
    with scopes_disabled():
        return CourseType.objects.get(code="MHFA-PS").pk


@pytest.mark.parametrize("content", ALL_REFUSED.values(), ids=ALL_REFUSED.keys())
def test_a_coordinator_cannot_attach_an_active_certificate(cast: Cast, content: bytes) -> None:
    person = make_person(cast.agency)
    url = reverse("training:add", kwargs={"agency_slug": cast.agency.slug})
    data = {
        "person_number": person.employee_number,
        "course_type": _course_pk(),
        "completed_on": "2025-04-02",
        "certificate": SimpleUploadedFile("cert.pdf", content, content_type="application/pdf"),
    }
    response = cast.client_for("coordinator").post(url, data)
    assert response.status_code == 200
    with scopes_disabled():
        assert not TrainingRecord.objects.filter(person=person).exists()
    assert _stored_files() == []


@pytest.mark.parametrize("content", ALL_REFUSED.values(), ids=ALL_REFUSED.keys())
def test_an_officer_cannot_send_an_active_certificate(cast: Cast, content: bytes) -> None:
    person = make_officer(cast)
    url = reverse("training:mine_upload", kwargs={"agency_slug": cast.agency.slug})
    data = {
        "course_type": _course_pk(),
        "completed_on": "2025-04-02",
        "hours": "8",
        "certificate": SimpleUploadedFile("cert.pdf", content, content_type="application/pdf"),
    }
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        response = cast.client_for("officer").post(url, data)
    assert response.status_code == 200
    with scopes_disabled():
        assert not TrainingRecord.objects.filter(person=person).exists()
    assert _stored_files() == []


def test_the_coordinators_and_the_officers_clean_certificates_are_kept(cast: Cast) -> None:
    person = make_officer(cast)
    coordinator = cast.client_for("coordinator").post(
        reverse("training:add", kwargs={"agency_slug": cast.agency.slug}),
        {
            "person_number": person.employee_number,
            "course_type": _course_pk(),
            "completed_on": "2025-04-02",
            "certificate": SimpleUploadedFile("cert.png", CLEAN_PNG),
        },
    )
    assert coordinator.status_code == 302
    officer = cast.client_for("officer").post(
        reverse("training:mine_upload", kwargs={"agency_slug": cast.agency.slug}),
        {
            "course_type": _course_pk(),
            "completed_on": "2025-05-02",
            "hours": "8",
            "certificate": SimpleUploadedFile("cert.pdf", CLEAN_PDF),
        },
    )
    assert officer.status_code == 302
    assert len(_stored_files()) == 2


@pytest.mark.parametrize("content", ACTIVE_FILES.values(), ids=ACTIVE_FILES.keys())
def test_agreement_and_policy_evidence_get_the_same_check(cast: Cast, content: bytes) -> None:
    admin = cast.client_for("admin")
    admin.post(reverse("partnerships:organization_add", args=[cast.agency.slug]), {"name": "CMHC", "kind": "cmhc"})
    with scopes_disabled():
        organization = cast.agency.partner_organizations.get().pk
        document = PolicyDocument.objects.create(agency=cast.agency, title="Crisis response")
    agreement = admin.post(
        reverse("partnerships:add", args=[cast.agency.slug]),
        {
            "organization": organization,
            "agreement_type": "mou",
            "effective_on": "2025-01-01",
            "response_model": "cit",
            "document_file": SimpleUploadedFile("mou.pdf", content),
        },
    )
    policy = admin.post(
        reverse("policies:version_add", args=[cast.agency.slug, document.public_id]),
        {
            "version": "2025-1",
            "adopted_on": "2025-01-01",
            "effective_on": "2025-02-01",
            "signing_authority": "Chief",
            "policy_file": SimpleUploadedFile("policy.pdf", content),
        },
    )
    assert agreement.status_code == 200 and policy.status_code == 200
    with scopes_disabled():
        assert not Partnership.objects.filter(agency=cast.agency).exists()
        assert not PolicyVersion.objects.filter(agency=cast.agency).exists()
    assert _stored_files() == []


HOSTILE_NAMES = {
    "quotes": 'roster"; filename="evil.html',
    "crlf": "roster\r\nSet-Cookie: sessionid=stolen\r\n.csv",
    "non-ascii": "Dienstplan Müller – 警察.csv",
    "path": "../../etc/passwd",
    "backslash-path": "..\\..\\windows\\system.ini",
    "only-dots": "....",
}


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_a_hostile_file_name_becomes_one_safe_rfc_6266_header_value(name: str) -> None:
    value = content_disposition(name)
    kind, fallback, encoded = value.split("; ")
    assert kind == "attachment"
    assert fallback.startswith('filename="') and fallback.endswith('"')
    inner = fallback[len('filename="') : -1]
    assert inner.isascii() and '"' not in inner and "\\" not in inner and "/" not in inner
    assert not inner.startswith(".")
    assert encoded.startswith("filename*=UTF-8''")
    assert all(c.isalnum() or c in "%-._~" for c in encoded[len("filename*=UTF-8''") :])
    assert "\r" not in value and "\n" not in value and value.isascii()


def test_the_encoded_name_keeps_non_ascii_letters_and_the_fallback_keeps_the_extension() -> None:
    value = content_disposition("Dienstplan Müller.csv")
    assert 'filename="Dienstplan Muller.csv"' in value
    assert "filename*=UTF-8''Dienstplan%20M%C3%BCller.csv" in value


def _hostile_import(cast: Cast, name: str) -> str:
    url = reverse("imports:upload", kwargs={"agency_slug": cast.agency.slug})
    upload = SimpleUploadedFile(name, b"last_name,employee_number\nDoe,\n", content_type="text/csv")
    response = cast.client_for("coordinator").post(url, {"kind": "roster", "file": upload})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"].rstrip("/").split("/")[-2]


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_an_import_files_hostile_name_is_encoded_in_the_error_file_download(cast: Cast, name: str) -> None:
    batch_id = _hostile_import(cast, name)
    url = reverse("imports:errors", kwargs={"agency_slug": cast.agency.slug, "batch_id": batch_id})
    for who, expected in (("coordinator", 200), ("viewer", 200), ("outsider", 404)):
        response = cast.client_for(who).get(url)
        assert response.status_code == expected, who
    response = cast.client_for("coordinator").get(url)
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="') and "filename*=UTF-8''" in header
    assert "\r" not in header and "\n" not in header and header.count('"') == 2
    assert response["X-Content-Type-Options"] == "nosniff"
    assert cast.client_for("anonymous").get(url).status_code == 302


def _edit_form(cast: Cast, who: str, url: str) -> dict[str, str]:
    from tests.security.test_stale_edits import _form

    return _form(cast.client_for(who), url)


def _partnership_edit(cast: Cast, upload: SimpleUploadedFile) -> tuple[str, object, set[Path]]:
    with scopes_disabled():
        partnership = make_partnership(cast.agency, document="")
    url = reverse("partnerships:edit", args=[cast.agency.slug, partnership.public_id])
    before = set(_stored_files())
    response = cast.client_for("admin").post(url, {**_edit_form(cast, "admin", url), "document_file": upload})
    with scopes_disabled():
        partnership.refresh_from_db()
    return partnership.document, response, set(_stored_files()) - before


def _policy_edit(cast: Cast, upload: SimpleUploadedFile) -> tuple[str, object, set[Path]]:
    with scopes_disabled():
        version = make_policy(cast.agency, with_file=False)
    url = reverse("policies:version_edit", args=[cast.agency.slug, version.public_id])
    before = set(_stored_files())
    response = cast.client_for("admin").post(url, {**_edit_form(cast, "admin", url), "policy_file": upload})
    with scopes_disabled():
        version.refresh_from_db()
    return version.file, response, set(_stored_files()) - before


def _countersigned(cast: Cast, upload: SimpleUploadedFile) -> tuple[str, object, set[Path]]:
    with scopes_disabled():
        partnership = make_partnership(cast.agency, partner_signed_on=None, document="")
        link_liaison(partnership, cast.liaison)
    url = reverse("partnerships:partner_upload", args=[cast.agency.slug, partnership.public_id])
    before = set(_stored_files())
    response = cast.client_for("liaison").post(url, {"file": upload, "signed_on": "2025-01-05"})
    with scopes_disabled():
        partnership.refresh_from_db()
    return partnership.countersigned_document, response, set(_stored_files()) - before


def _submission(cast: Cast, upload: SimpleUploadedFile) -> tuple[str, object, set[Path]]:
    url = reverse("reviews:submit", args=[cast.agency.slug, 3])
    before = set(_stored_files())
    response = cast.client_for("admin").post(url, {"note": "", "attachment": upload})
    with scopes_disabled():
        stored = list(Submission.objects.filter(agency=cast.agency).values_list("attachment", flat=True))
    return "".join(stored), response, set(_stored_files()) - before


def _syllabus(cast: Cast, upload: SimpleUploadedFile) -> tuple[str, object, set[Path]]:
    course = CourseType.objects.filter(is_equivalent=False).order_by("pk").first()
    assert course is not None
    url = reverse("campaign:course_type_edit", args=[course.pk])
    before = set(_stored_files())
    response = cast.client_for("staff").post(url, {**_edit_form(cast, "staff", url), "syllabus": upload})
    return (
        "".join(SyllabusEvidence.objects.filter(course_type=course).values_list("file", flat=True)),
        response,
        set(_stored_files()) - before,
    )


OTHER_UPLOAD_PATHS = {
    "agreement-edit": _partnership_edit,
    "policy-version-edit": _policy_edit,
    "liaison-countersigned": _countersigned,
    "submission-attachment": _submission,
    "course-type-syllabus": _syllabus,
}
PROBES = {
    "pdf-javascript": ACTIVE_FILES["pdf-javascript"],
    "pdf-in-object-stream": ACTIVE_FILES["pdf-in-object-stream"],
    "png-script": ACTIVE_FILES["png-script"],
    "svg": NOT_ACCEPTED_TYPES["svg"],
}


@pytest.mark.parametrize("content", PROBES.values(), ids=PROBES.keys())
@pytest.mark.parametrize("post", OTHER_UPLOAD_PATHS.values(), ids=OTHER_UPLOAD_PATHS.keys())
def test_every_other_upload_path_refuses_active_content_too(cast: Cast, post: object, content: bytes) -> None:
    stored, response, new_files = post(cast, SimpleUploadedFile("evidence.pdf", content))  # type: ignore[operator]
    assert response.status_code in (200, 302, 400)
    assert stored == ""
    assert new_files == set()


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
@pytest.mark.parametrize("post", OTHER_UPLOAD_PATHS.values(), ids=OTHER_UPLOAD_PATHS.keys())
def test_a_hostile_upload_name_never_reaches_the_disk(cast: Cast, post: object, name: str) -> None:
    stored, _response, new_files = post(cast, SimpleUploadedFile(name, CLEAN_PDF))  # type: ignore[operator]
    assert len(stored) == 36 and stored.endswith(".pdf") and all(c in "0123456789abcdef" for c in stored[:32])
    assert [path.name for path in new_files] == [stored]
