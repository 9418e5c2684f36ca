"""The agency data export: every row the agency holds (and its uploaded certificates) as a ZIP of JSON files.

`agency_rows` is also what the isolation tests compare before and after an attack, so it must stay complete:
it finds tenant tables by their foreign key to Agency rather than by a hand-kept list.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.serializers import serialize
from django.db import models
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.accounts.security import log_event
from onemind.audit.services import log_action
from onemind.roster.erasure import erasure_summary
from onemind.tenancy.models import Agency, Membership

# Never exported: secrets (hashes of tokens and codes) and cached copies of responses.
_SECRET_FIELDS = {"password", "token_hash", "key", "secret", "request_hash"}
_SKIPPED_MODELS = {"onemind_api.idempotentresponse"}
_CHUNK = 2000  # rows serialized at a time


def _agency_fk(model: type[models.Model]) -> str | None:
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model is Agency:
            return field.name
    return None


def tenant_querysets(agency: Agency) -> dict[str, models.QuerySet[Any]]:
    """label → rows of that table belonging to `agency` (directly, or through a parent row that does)."""
    direct: dict[type[models.Model], str] = {}
    for model in apps.get_models():
        name = _agency_fk(model)
        if name is not None and model._meta.label_lower not in _SKIPPED_MODELS:
            direct[model] = name
    result: dict[str, models.QuerySet[Any]] = {"tenancy.agency": Agency.objects.filter(pk=agency.pk)}
    for model, name in direct.items():
        result[model._meta.label_lower] = model._base_manager.filter(**{name: agency}).order_by("pk")
    for model in apps.get_models():
        if model in direct or model is Agency or model._meta.label_lower in _SKIPPED_MODELS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model in direct:
                lookup = f"{field.name}__{direct[field.related_model]}"
                result[model._meta.label_lower] = model._base_manager.filter(**{lookup: agency}).order_by("pk")
                break
    return result


def _chunks(queryset: models.QuerySet[Any]) -> Iterator[list[dict[str, Any]]]:
    """The queryset's rows as Django-serialized dicts without secrets, a chunk at a time: never a whole table at
    once (the largest agency holds ~100,000 training records)."""
    chunk: list[Any] = []
    for obj in queryset.iterator(chunk_size=_CHUNK):
        chunk.append(obj)
        if len(chunk) == _CHUNK:
            yield _clean(chunk)
            chunk = []
    if chunk:
        yield _clean(chunk)


def _clean(objects: list[Any]) -> list[dict[str, Any]]:
    rows = json.loads(serialize("json", objects))
    for row in rows:
        for name in _SECRET_FIELDS & set(row["fields"]):
            del row["fields"][name]
    return rows


def _members(agency: Agency) -> list[dict[str, Any]]:
    members = Membership.objects.filter(agency=agency).select_related("user").order_by("pk")
    return [
        {"pk": m.user.pk, "email": m.user.email, "full_name": m.user.full_name, "is_active": m.user.is_active}
        for m in members
    ]


def _tables(agency: Agency) -> Iterator[tuple[str, Iterable[list[dict[str, Any]]]]]:
    """(label, rows) in export order: the tenant tables by label, then the members' accounts. Call unscoped."""
    for label, queryset in sorted(tenant_querysets(agency).items()):
        yield label, _chunks(queryset)
    yield "accounts.user", [_members(agency)]


def agency_rows(agency: Agency) -> dict[str, list[dict[str, Any]]]:
    """Every row the agency holds, as JSON-ready dicts, plus the members' names and e-mail addresses."""
    with scopes_disabled():
        return {label: [row for chunk in chunks for row in chunk] for label, chunks in _tables(agency)}


def _certificate_path(name: str) -> Path | None:
    root = Path(settings.PRIVATE_FILES_DIR).resolve()
    path = (root / name).resolve()
    if name and path.is_relative_to(root) and path.is_file():
        return path
    return None


class _Hashing:
    """A write-only file that hashes and counts what passes through it to the ZIP entry."""

    def __init__(self, entry: IO[bytes]) -> None:
        self.entry = entry
        self.sha256 = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.sha256.update(data)
        self.entry.write(data)


def _write_table(
    out: _Hashing, chunks: Iterable[list[dict[str, Any]]], on_row: Callable[[dict[str, Any]], None]
) -> int:
    """Writes exactly json.dumps(rows, indent=1, sort_keys=True, default=str) of all the rows, a chunk at a time:
    a chunk's own dump is "[\\n" + its rows, one level deep, + "\\n]", and the rows of consecutive chunks join
    with ",\\n" as inside one list."""
    count = 0
    for rows in chunks:
        if not rows:
            continue
        for row in rows:
            on_row(row)
        text = json.dumps(rows, indent=1, sort_keys=True, default=str)[2:-2]
        out.write((("[\n" if count == 0 else ",\n") + text).encode())
        count += len(rows)
    out.write(b"\n]" if count else b"[]")
    return count


def export_archive(*, actor: Any, agency: Agency, via: str) -> tuple[IO[bytes], str]:
    """The ZIP (in an anonymous temporary file, read from the start; closing it deletes it) and its file name.
    Written table by table in chunks, so memory stays flat whatever the agency's size. Audited: who exported which
    agency, when, through the UI or the API."""
    manifest: dict[str, Any] = {
        "agency": agency.slug,
        "generated_at": timezone.now().isoformat(),
        "format": "One JSON file per table (Django serialization: model, pk, fields).",
        "tables": {},
        "files": {},
        # Separated personnel erased under the agency's retention period: rows kept with "(erased)" names and an
        # `erased_at` date in the roster table; this says how many and when.
        "erasure": erasure_summary(agency),
    }
    certificates: list[str] = []

    def note_certificate(row: dict[str, Any]) -> None:
        name = row["fields"].get("certificate_file") or ""
        if name:
            certificates.append(name)

    spool = tempfile.TemporaryFile(prefix="onemind-export-")  # noqa: SIM115  # handed to the response, which closes it
    try:
        with scopes_disabled(), zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for label, chunks in _tables(agency):
                with archive.open(f"tables/{label}.json", "w") as entry:
                    out = _Hashing(entry)
                    on_row = note_certificate if label == "training.trainingrecord" else _ignore
                    count = _write_table(out, chunks, on_row)
                manifest["tables"][label] = {"rows": count, "sha256": out.sha256.hexdigest()}
            root = Path(settings.PRIVATE_FILES_DIR).resolve()
            for name in certificates:
                path = _certificate_path(name)
                if path is None:
                    continue
                relative = path.relative_to(root).as_posix()
                with path.open("rb") as source, archive.open(f"files/{relative}", "w") as entry:
                    out = _Hashing(entry)
                    shutil.copyfileobj(source, out)
                manifest["files"][relative] = out.sha256.hexdigest()
            archive.writestr("manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    total = sum(t["rows"] for t in manifest["tables"].values())
    log_action(actor=actor, action="agency.data_exported", agency=agency, after={"via": via, "rows": total})
    log_event("agency.data_exported", None, agency_id=agency.pk, via=via, rows=total)
    stamp = timezone.localdate().isoformat()
    return spool, f"onemind-{agency.slug}-{stamp}.zip"


def _ignore(row: dict[str, Any]) -> None:
    return None
