"""Evidence files for partnerships, policies and submissions: stored and served only through lib/uploads.

Checks are lib/uploads' (content sniffing, active content, size limit, random names outside the web roots); this
module adds the two things every evidence view repeats: turning a rejection into a form error, and serving a stored
file as a download that browsers will not sniff or render inline.
"""

from __future__ import annotations

from django import forms
from django.http import FileResponse, Http404, HttpResponse

from onemind.lib.downloads import as_download
from onemind.lib.uploads import (
    MAX_UPLOAD_BYTES,
    UploadRejected,
    content_type_for,
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


def store_form_upload(form: forms.BaseForm, field: str) -> str | None:
    """Store the file uploaded in `field`; on rejection add the reason to the form and return None."""
    upload = form.cleaned_data.get(field)
    if not upload:
        return None
    try:
        return store_private_upload(upload)
    except UploadRejected as exc:
        form.add_error(field, str(exc))
        return None


def attachment(stored_name: str, filename_stem: str) -> HttpResponse:
    """Serve a stored evidence file as a download with nosniff; 404 when the file is gone."""
    if not stored_name:
        raise Http404("No file on record")
    try:
        handle = open_private_upload(stored_name)
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    ext = stored_name.rpartition(".")[2]
    response: HttpResponse = FileResponse(handle, content_type=content_type_for(stored_name))  # type: ignore[assignment]
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return as_download(response, f"{filename_stem}.{ext}")


def file_on_record(stored_name: str) -> bool:
    if not stored_name:
        return False
    try:
        open_private_upload(stored_name).close()
    except FileNotFoundError:
        return False
    return True
