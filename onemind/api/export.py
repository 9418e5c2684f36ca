"""The agency data export: every row the agency holds (and its uploaded certificates) as a ZIP of JSON files.

`agency_rows` is also what the isolation tests compare before and after an attack, so it must stay complete:
it finds tenant tables by their foreign key to Agency rather than by a hand-kept list.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.serializers import serialize
from django.db import models
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.accounts.security import log_event
from onemind.audit.services import log_action
from onemind.tenancy.models import Agency, Membership

# Never exported: secrets (hashes of tokens and codes) and cached copies of responses.
_SECRET_FIELDS = {"password", "token_hash", "key", "secret", "request_hash"}
_SKIPPED_MODELS = {"onemind_api.idempotentresponse"}


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


def _rows(queryset: models.QuerySet[Any]) -> list[dict[str, Any]]:
    rows = json.loads(serialize("json", queryset))
    for row in rows:
        for name in _SECRET_FIELDS & set(row["fields"]):
            del row["fields"][name]
    return rows


def agency_rows(agency: Agency) -> dict[str, list[dict[str, Any]]]:
    """Every row the agency holds, as JSON-ready dicts, plus the members' names and e-mail addresses."""
    with scopes_disabled():
        tables = {label: _rows(qs) for label, qs in sorted(tenant_querysets(agency).items())}
        members = Membership.objects.filter(agency=agency).select_related("user").order_by("pk")
        tables["accounts.user"] = [
            {"pk": m.user.pk, "email": m.user.email, "full_name": m.user.full_name, "is_active": m.user.is_active}
            for m in members
        ]
    return tables


def _certificate_files(tables: dict[str, list[dict[str, Any]]]) -> list[Path]:
    root = Path(settings.PRIVATE_FILES_DIR).resolve()
    files = []
    for row in tables.get("training.trainingrecord", []):
        name = row["fields"].get("certificate_file") or ""
        path = (root / name).resolve()
        if name and path.is_relative_to(root) and path.is_file():
            files.append(path)
    return files


def export_archive(*, actor: Any, agency: Agency, via: str) -> tuple[io.BytesIO, str]:
    """The ZIP and its file name. Audited: who exported which agency, when, through the UI or the API."""
    tables = agency_rows(agency)
    buffer = io.BytesIO()
    manifest: dict[str, Any] = {
        "agency": agency.slug,
        "generated_at": timezone.now().isoformat(),
        "format": "One JSON file per table (Django serialization: model, pk, fields).",
        "tables": {},
        "files": {},
    }
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for label, rows in tables.items():
            data = json.dumps(rows, indent=1, sort_keys=True, default=str).encode()
            archive.writestr(f"tables/{label}.json", data)
            manifest["tables"][label] = {"rows": len(rows), "sha256": hashlib.sha256(data).hexdigest()}
        root = Path(settings.PRIVATE_FILES_DIR).resolve()
        for path in _certificate_files(tables):
            content = path.read_bytes()
            name = path.relative_to(root).as_posix()
            archive.writestr(f"files/{name}", content)
            manifest["files"][name] = hashlib.sha256(content).hexdigest()
        archive.writestr("manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
    buffer.seek(0)
    total = sum(t["rows"] for t in manifest["tables"].values())
    log_action(actor=actor, action="agency.data_exported", agency=agency, after={"via": via, "rows": total})
    log_event("agency.data_exported", None, agency_id=agency.pk, via=via, rows=total)
    stamp = timezone.localdate().isoformat()
    return buffer, f"onemind-{agency.slug}-{stamp}.zip"
