"""Evidence files for partnerships, policies and submissions: stored and served only through lib/uploads.

Checks are lib/uploads' (content sniffing, size limit, random names outside the web roots); this module adds
the two things every evidence view repeats: turning a rejection into a form error, and serving a stored file
as a download that browsers will not sniff or render inline.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import FileResponse, Http404, HttpResponse

from onemind.lib.uploads import (
    MAX_UPLOAD_BYTES,
    UploadRejected,
    content_type_for,
    delete_private_upload,
    open_private_upload,
    store_private_upload,
)

EVIDENCE_HELP = f"PDF, PNG or JPEG, at most {MAX_UPLOAD_BYTES // 1_048_576} MB."


def evidence_field(label: str, *, required: bool = False) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        help_text=EVIDENCE_HELP,
        widget=forms.ClearableFileInput(attrs={"class": "usa-file-input", "accept": ".pdf,.png,.jpg,.jpeg"}),
    )


# Markup or active content inside an image or PDF: harmless when served as we serve it, but a file like that is
# built to be a polyglot, so it is refused rather than kept as evidence.
_ACTIVE_IN_IMAGE = (b"<script", b"<html", b"<svg", b"<iframe", b"javascript:")
_ACTIVE_IN_PDF = (b"/javascript", b"/js ", b"/js(", b"/js<", b"/launch", b"/embeddedfile")


def active_content_problem(upload: Any) -> str | None:
    """Why a file that passed the type check still may not be kept, or None."""
    upload.seek(0)
    head = upload.read(8)
    is_pdf = head.startswith(b"%PDF-")
    needles = _ACTIVE_IN_PDF if is_pdf else _ACTIVE_IN_IMAGE
    upload.seek(0)
    tail = b""
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        window = (tail + chunk).lower()
        if any(needle in window for needle in needles):
            upload.seek(0)
            return (
                "This PDF contains scripts or embedded files; print it to a plain PDF and upload that."
                if is_pdf
                else "This image contains embedded markup or script; export it again as a plain image."
            )
        tail = window[-16:]
    upload.seek(0)
    return None


def store_form_upload(form: forms.BaseForm, field: str) -> str | None:
    """Store the file uploaded in `field`; on rejection add the reason to the form and return None."""
    upload = form.cleaned_data.get(field)
    if not upload:
        return None
    try:
        name = store_private_upload(upload)
    except UploadRejected as exc:
        form.add_error(field, str(exc))
        return None
    problem = active_content_problem(upload)
    if problem:
        delete_private_upload(name)
        form.add_error(field, problem)
        return None
    return name


def attachment(stored_name: str, filename_stem: str) -> HttpResponse:
    """Serve a stored evidence file as a download with nosniff; 404 when the file is gone."""
    if not stored_name:
        raise Http404("No file on record")
    try:
        handle = open_private_upload(stored_name)
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    ext = stored_name.rpartition(".")[2]
    response: HttpResponse = FileResponse(  # type: ignore[assignment]
        handle, as_attachment=True, filename=f"{filename_stem}.{ext}", content_type=content_type_for(stored_name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def file_on_record(stored_name: str) -> bool:
    if not stored_name:
        return False
    try:
        open_private_upload(stored_name).close()
    except FileNotFoundError:
        return False
    return True
