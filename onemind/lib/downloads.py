"""Every download's `Content-Disposition` header comes from here, so no file name reaches a header unescaped.

File names are often the user's own (an import's original name) or built from record values. A name with a quote,
a semicolon, CR/LF, a path or non-ASCII letters must neither break the header (Django refuses CR/LF with a 500)
nor let the browser save somewhere else. RFC 6266 with RFC 5987 encoding: an ASCII-only `filename="..."` for old
clients and `filename*=UTF-8''...` carrying the exact (cleaned) name for every current browser.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TypeVar
from urllib.parse import quote

from django.http import HttpResponseBase

_NOT_FALLBACK_SAFE = re.compile(r"[^A-Za-z0-9._()\- ]+")
MAX_NAME_CHARS = 150

R = TypeVar("R", bound=HttpResponseBase)


def clean_filename(name: str, *, default: str = "download") -> str:
    """The name without any directory part, control characters or leading dots; `default` when nothing is left."""
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")  # controls, CR/LF, NUL, bidi marks
    name = name.replace('"', "'").strip().lstrip(".").strip()
    if len(name) > MAX_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME_CHARS - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:MAX_NAME_CHARS]
    return name or default


def ascii_fallback(name: str, *, default: str = "download") -> str:
    """An ASCII-only version of a cleaned name: accents dropped, anything else outside a safe set becomes `_`."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    safe = _NOT_FALLBACK_SAFE.sub("_", folded).strip(" _").lstrip(".")
    if not safe or safe.startswith("_."):
        ext = name.rpartition(".")[2] if "." in name else ""
        safe = f"{default}.{_NOT_FALLBACK_SAFE.sub('', ext)}" if ext else default
    return safe


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The header value for `filename`: `attachment; filename="ascii"; filename*=UTF-8''percent-encoded`."""
    name = clean_filename(filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def as_download(response: R, filename: str) -> R:
    """Mark a response as a download of `filename`, never rendered inline nor content-sniffed by the browser."""
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
