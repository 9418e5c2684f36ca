"""Training routes for the permission matrix (tests/test_permission_matrix.py)."""

from __future__ import annotations

from pathlib import Path

from tests.roster.helpers import make_officer, make_person, make_training
from tests.routes import Route


def _pending(cast: object) -> dict[str, object]:
    record = make_training(make_person(cast.agency), status="pending", source="course")  # type: ignore[attr-defined]
    return {"record_id": record.public_id}


def _stored_pdf() -> str:
    from django.conf import settings

    # One fixed, valid stored name: repeated matrix runs overwrite it instead of piling up files.
    name = "0" * 31 + "1.pdf"
    directory = Path(settings.PRIVATE_FILES_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(b"%PDF-1.4 sample certificate")
    return name


def _with_file(cast: object) -> dict[str, object]:
    record = make_training(make_person(cast.agency), certificate_file=_stored_pdf())  # type: ignore[attr-defined]
    return {"record_id": record.public_id}


def _officer(cast: object) -> dict[str, object]:
    make_officer(cast)
    return {"agency_slug": cast.agency.slug}  # type: ignore[attr-defined]


def _officer_file(cast: object) -> dict[str, object]:
    record = make_training(make_officer(cast), certificate_file=_stored_pdf())
    return {"agency_slug": cast.agency.slug, "record_id": record.public_id}  # type: ignore[attr-defined]


# "own-record" routes: the officer with a linked roster record gets 200, every other role 404 (matrix `_expected`).
ROUTES = {
    "training:list": Route("agency", "GET", "training:read"),
    "training:export": Route("agency", "GET", "training:read", sample=lambda cast: {"fmt": "xlsx"}),
    "training:add": Route("agency", "GET", "training:write"),
    "training:class": Route("agency", "GET", "training:write"),
    "training:pending": Route("agency", "GET", "training:read"),
    "training:accept": Route("agency", "POST", "training:write", sample=_pending, data={}),
    "training:reject": Route("agency", "POST", "training:write", sample=_pending, data={"reason": "Not our officer"}),
    "training:certificate": Route("agency", "GET", "training:read", sample=_with_file),
    "training:mine": Route("own-record", sample=_officer),
    "training:mine_upload": Route("own-record", sample=_officer),
    "training:mine_certificate": Route("own-record", sample=_officer_file),
}
