"""Private uploaded files (certificates, agreements, policies): stored outside any web root, served by a view.

Only PDF, PNG and JPEG are accepted, recognised by their first bytes (magic numbers) — never by the file name or
the browser's content type, which the uploader controls (SVG, HTML and everything else are refused by type). Files
get a random name; the original name is not used on disk at all, so `../../x.pdf` or `<script>.pdf` cannot do
anything. Every upload (certificates, agreements, policies, submissions, syllabi) passes `check_upload` inside
`store_private_upload`, so no upload path can skip the active-content check: a PDF with actions (JavaScript, Launch,
OpenAction other than a plain "open at page", AA, embedded files, forms that submit or import data), also inside
compressed object streams and with `#xx`-escaped names; an image carrying markup, script or another file (a PDF,
HTML or data after the image's end: a polyglot). Served files are always downloads (`lib/downloads`).

Usage:
    try:
        name = store_private_upload(request.FILES["certificate"])
    except UploadRejected as exc:
        form.add_error("certificate", str(exc))
    ...
    with open_private_upload(name) as handle: ...
"""

from __future__ import annotations

import re
import secrets
import zlib
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


# PDF names may escape any character as #xx ("/J#61vaScript" is "/JavaScript"); names are case-sensitive.
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|Launch|AA|EmbeddedFiles?|RichMedia|SubmitForm|ImportData|GoToE|XFA|Sound|Movie)"
    rb"(?![A-Za-z0-9_.+\-])"
    # An OpenAction that is a destination array ("open at page 1, fit") is harmless; a dictionary or a
    # reference may be an action, so it is refused.
    rb"|/OpenAction\s*+(?!\[)"
)
_STREAM = re.compile(rb"stream\r?\n")
# Markup or another file inside an image (or markup inside a PDF): built to be a polyglot, so refused.
_MARKUP = re.compile(rb"<\s*(?:script|html|svg|iframe|object|embed|body|meta)\b|javascript:|<\?xml-stylesheet", re.I)
_FILE_INSIDE_IMAGE = (b"%PDF-", b"<!DOCTYPE", b"<!doctype")
_MAX_INFLATED = 64 * 1024 * 1024
PDF_REFUSED = "This PDF contains scripts, actions or embedded files; print it to a plain PDF and upload that."
IMAGE_REFUSED = "This image contains embedded markup, script or another file; export it again as a plain image."


def _read_all(file: Any, max_bytes: int) -> bytes:
    file.seek(0)
    parts, total = [], 0
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        total += len(chunk)
        if total > max_bytes:
            raise UploadRejected(f"The file is larger than the limit of {max_bytes // 1_048_576} MB.")
        parts.append(chunk)
    file.seek(0)
    return b"".join(parts)


def _inflated_streams(data: bytes) -> list[bytes]:
    """Every Flate-compressed stream of a PDF, decompressed (bounded, so a zip bomb cannot exhaust memory)."""
    out, budget = [], _MAX_INFLATED
    view = memoryview(data)
    for match in _STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        try:
            chunk = zlib.decompressobj().decompress(view[match.end() : end if end != -1 else len(data)], budget)
        except zlib.error:
            continue
        budget -= len(chunk)
        out.append(chunk)
        if budget <= 0:
            raise UploadRejected("This PDF expands to more data than we accept; print it to a plain PDF.")
    return out


def pdf_problem(data: bytes) -> str | None:
    for part in (data, *_inflated_streams(data)):
        names = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), part)
        if _PDF_ACTIVE.search(names) or _MARKUP.search(part):
            return PDF_REFUSED
    return None


def image_problem(data: bytes, kind: str) -> str | None:
    if _MARKUP.search(data) or any(marker in data for marker in _FILE_INSIDE_IMAGE):
        return IMAGE_REFUSED
    if kind == "png" and _png_trailer(data):
        return IMAGE_REFUSED
    return None


def _png_trailer(data: bytes) -> bytes:
    """Whatever follows a PNG's IEND chunk (a PNG with a file appended is a polyglot); b"" for a clean PNG."""
    offset = 8
    while offset + 8 <= len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        chunk_type = data[offset + 4 : offset + 8]
        offset += 12 + length  # length, type, data, CRC
        if chunk_type == b"IEND":
            return data[offset:].rstrip(b"\x00")
    return b""


def check_upload(file: Any, *, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """The one check every upload passes: size, type by content, no active content. Returns the extension."""
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise UploadRejected(f"The file is {size / 1_048_576:.1f} MB; the limit is {max_bytes // 1_048_576} MB.")
    if size == 0:
        raise UploadRejected("The file is empty.")
    file.seek(0)
    kind = sniff_kind(file.read(16))
    if kind is None:
        raise UploadRejected("Only PDF, PNG or JPEG files are accepted; this file is none of them.")
    data = _read_all(file, max_bytes)
    problem = pdf_problem(data) if kind == "pdf" else image_problem(data, kind)
    if problem:
        raise UploadRejected(problem)
    return kind


def store_private_upload(file: Any, *, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Check (`check_upload`) and store an uploaded file; return the stored name to keep on the record."""
    kind = check_upload(file, max_bytes=max_bytes)
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
