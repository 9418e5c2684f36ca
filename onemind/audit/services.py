"""Writing the audit trail. Every service function that changes data calls log_action()."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

from onemind.audit.models import AuditEntry

# Never written to the trail, even when a model has them.
_SECRET_FIELDS = {"password", "token_hash", "secret", "key"}


def snapshot(instance: models.Model | None) -> dict[str, Any] | None:
    """A JSON-safe dict of a model instance's concrete fields, for before/after comparison."""
    if instance is None:
        return None
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SECRET_FIELDS:
            continue
        data[field.name] = _json_safe(field.value_from_object(instance))
    return data


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or None
    return value


def log_action(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    agency: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_label=(getattr(actor, "email", "") if is_user else str(actor or "system"))[:254],
        agency=agency,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=before,
        after=after,
        reason=reason,
    )


def log_change(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    agency: Any = None,
    reason: str = "",
) -> AuditEntry:
    """Log a change whose before-snapshot was taken earlier; the after-snapshot is taken now."""
    return log_action(
        actor=actor, action=action, obj=obj, agency=agency, before=before, after=snapshot(obj), reason=reason
    )
