from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.audit.models import AuditEntry
from onemind.lib.uploads import UploadRejected, open_private_upload, store_private_upload
from onemind.training.models import TrainingRecord
from tests.conftest import Cast
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


@pytest.mark.parametrize(("content", "ext"), [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpg")])
def test_pdf_png_and_jpeg_are_stored_under_a_random_name_in_the_private_folder(
    content: bytes, ext: str, _private_files_in_tmp: Path
) -> None:
    name = store_private_upload(SimpleUploadedFile("../../x.pdf", content, content_type="text/html"))
    assert name.endswith(f".{ext}") and "/" not in name and len(name.split(".")[0]) == 32
    assert (_private_files_in_tmp / name).read_bytes() == content
    assert list(_private_files_in_tmp.iterdir()) == [_private_files_in_tmp / name]


def test_a_path_in_the_uploaded_file_name_cannot_write_outside_the_private_folder(_private_files_in_tmp: Path) -> None:
    store_private_upload(SimpleUploadedFile("../../../../escape.pdf", PDF))
    assert not (_private_files_in_tmp.parent.parent / "escape.pdf").exists()
    assert len(list(_private_files_in_tmp.iterdir())) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "Only PDF, PNG or JPEG"),
        (b"MZ\x90\x00 windows executable", "Only PDF, PNG or JPEG"),
        (b"", "empty"),
    ],
)
def test_files_that_are_not_pdf_png_or_jpeg_are_rejected_whatever_their_name(content: bytes, message: str) -> None:
    with pytest.raises(UploadRejected, match=message):
        store_private_upload(SimpleUploadedFile("certificate.pdf", content, content_type="application/pdf"))


def test_a_file_over_10_mb_is_rejected_and_nothing_is_kept(_private_files_in_tmp: Path) -> None:
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(UploadRejected, match="limit is 10 MB"):
        store_private_upload(big)
    assert not _private_files_in_tmp.exists() or not list(_private_files_in_tmp.iterdir())


def test_a_stored_name_that_is_not_ours_cannot_open_other_files() -> None:
    for name in ("../settings.py", "/etc/passwd", "0" * 32 + ".html", ""):
        with pytest.raises(FileNotFoundError):
            open_private_upload(name)


def _add_url(cast: Cast) -> str:
    return reverse("training:add", kwargs={"agency_slug": cast.agency.slug})


def _post_training(cast: Cast, upload: SimpleUploadedFile, person_number: str) -> object:
    return cast.client_for("coordinator").post(
        _add_url(cast),
        {
            "person_number": person_number,
            "course_type": _course_pk("MHFA-PS"),
            "completed_on": "2025-04-02",
            "hours": "8",
            "certificate": upload,
        },
    )


def _course_pk(code: str) -> int:
    from onemind.training.models import CourseType

    return CourseType.objects.get(code=code).pk


def test_an_html_file_renamed_pdf_is_refused_on_the_form_and_no_record_is_made(cast: Cast) -> None:
    person = make_person(cast.agency)
    response = _post_training(
        cast, SimpleUploadedFile("cert.pdf", b"<html>hi</html>", "application/pdf"), person.employee_number
    )
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "Only PDF, PNG or JPEG" in response.content.decode()  # type: ignore[attr-defined]
    with scopes_disabled():
        assert not TrainingRecord.objects.exists()


def test_a_certificate_is_downloaded_as_an_attachment_with_nosniff_and_the_download_is_audited(cast: Cast) -> None:
    person = make_person(cast.agency)
    response = _post_training(cast, SimpleUploadedFile("cert.pdf", PDF, "application/pdf"), person.employee_number)
    assert response.status_code == 302  # type: ignore[attr-defined]
    with scopes_disabled():
        record = TrainingRecord.objects.get(person=person)
    url = reverse("training:certificate", kwargs={"agency_slug": cast.agency.slug, "record_id": record.public_id})
    download = cast.client_for("viewer").get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert AuditEntry.objects.filter(action="training.certificate_downloaded", actor=cast.viewer).count() == 1


def test_an_outsider_gets_404_for_a_certificate_and_nothing_is_logged(cast: Cast) -> None:
    name = store_private_upload(SimpleUploadedFile("c.pdf", PDF))
    record = make_training(make_person(cast.agency), certificate_file=name, on=dt.date(2025, 1, 1))
    url = reverse("training:certificate", kwargs={"agency_slug": cast.agency.slug, "record_id": record.public_id})
    assert cast.client_for("outsider").get(url).status_code == 404
    # The outsider's own agency URL with the home agency's record id: still 404.
    foreign_url = reverse(
        "training:certificate", kwargs={"agency_slug": cast.other_agency.slug, "record_id": record.public_id}
    )
    assert cast.client_for("outsider").get(foreign_url).status_code == 404
    assert cast.client_for("anonymous").get(url).status_code == 302
    assert not AuditEntry.objects.filter(action="training.certificate_downloaded").exists()
