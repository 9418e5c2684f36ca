"""Private uploaded files (certificates, agreements, policies): stored outside any web root, served by a view.

Only PDF, PNG and JPEG are accepted, recognised by their first bytes (magic numbers) — never by the file name or
the browser's content type, which the uploader controls. Files get a random name; the original name is not used
on disk at all, so `../../x.pdf` or `<script>.pdf` cannot do anything.

Usage:
    try:
        name = store_private_upload(request.FILES["certificate"])
    except UploadRejected as exc:
        form.add_error("certificate", str(exc))
    ...
    with open_private_upload(name) as handle: ...
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import IO, Any

from django.conf import settings

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# (magic bytes, extension, content type)
_KINDS = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
)
CONTENT_TYPES = {ext: content_type for _, ext, content_type in _KINDS}


class UploadRejected(ValueError):
    """The file is not one we store; the message is safe to show to the uploader."""


def _private_dir() -> Path:
    directory = Path(settings.PRIVATE_FILES_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def sniff_kind(head: bytes) -> str | None:
    """The extension for the file's first bytes, or None if they are not PDF, PNG or JPEG."""
    for magic, ext, _ in _KINDS:
        if head.startswith(magic):
            return ext
    return None


def store_private_upload(file: Any, *, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Check and store an uploaded file; return the stored name to keep on the record."""
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise UploadRejected(f"The file is {size / 1_048_576:.1f} MB; the limit is {max_bytes // 1_048_576} MB.")
    if size == 0:
        raise UploadRejected("The file is empty.")
    file.seek(0)
    head = file.read(16)
    kind = sniff_kind(head)
    if kind is None:
        raise UploadRejected("Only PDF, PNG or JPEG files are accepted; this file is none of them.")
    name = f"{secrets.token_hex(16)}.{kind}"
    path = _private_dir() / name
    written = 0
    file.seek(0)
    try:
        with path.open("xb") as out:
            for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
                written += len(chunk)
                if written > max_bytes:
                    raise UploadRejected(f"The file is larger than the limit of {max_bytes // 1_048_576} MB.")
                out.write(chunk)
    except UploadRejected:
        path.unlink(missing_ok=True)
        raise
    return name


def _path_for(name: str) -> Path:
    # Names are ours (hex + known extension); anything else is refused so a stored value can never walk the disk.
    stem, _, ext = name.partition(".")
    if not (len(stem) == 32 and all(c in "0123456789abcdef" for c in stem) and ext in CONTENT_TYPES):
        raise FileNotFoundError(name)
    return _private_dir() / name


def open_private_upload(name: str) -> IO[bytes]:
    """Open a stored file for reading; FileNotFoundError if the name is not one of ours or the file is gone."""
    return _path_for(name).open("rb")


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(name.rpartition(".")[2], "application/octet-stream")


def delete_private_upload(name: str) -> None:
    """Remove a stored file (e.g. when the record it was uploaded for could not be saved)."""
    try:
        _path_for(name).unlink(missing_ok=True)
    except FileNotFoundError:
        pass
