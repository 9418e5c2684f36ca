"""Inline previews of evidence files for reviewers: a PNG that OneMind draws itself, never the uploaded bytes.

A PDF's first page is rendered by PDFium (no scripts run: PDFium renders without a JavaScript engine unless one
is attached, and we attach none); an image is decoded and encoded again, which drops anything hidden in it. The
page then shows the PNG in an <img>, from a response that also carries ``Content-Security-Policy: sandbox``.
"""

from __future__ import annotations

import io

from PIL import Image

from onemind.lib.uploads import open_private_upload

PREVIEW_WIDTH = 900
# A decompression bomb stops here instead of filling memory (Pillow raises above twice this).
Image.MAX_IMAGE_PIXELS = 40_000_000


class NoPreview(Exception):
    """The file cannot be drawn (gone, damaged or not a kind we preview); the page offers the download."""


def preview_png(stored_name: str) -> bytes:
    try:
        with open_private_upload(stored_name) as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        raise NoPreview("The file is missing") from exc
    try:
        image = _pdf_first_page(data) if data.startswith(b"%PDF-") else _image(data)
    except NoPreview:
        raise
    except Exception as exc:  # noqa: BLE001 - any damaged file is "no preview", never a 500
        raise NoPreview("The file could not be drawn") from exc
    image.thumbnail((PREVIEW_WIDTH, PREVIEW_WIDTH * 2))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def _pdf_first_page(data: bytes) -> Image.Image:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        if len(document) == 0:
            raise NoPreview("The PDF has no pages")
        page = document[0]
        width = page.get_width() or PREVIEW_WIDTH
        bitmap = page.render(scale=min(2.0, PREVIEW_WIDTH / width))
        return bitmap.to_pil().copy()
    finally:
        document.close()


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    if image.format not in ("PNG", "JPEG"):
        raise NoPreview("Only PDF, PNG and JPEG files are previewed")
    image.load()
    return image
