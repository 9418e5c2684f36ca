"""Optimistic locking for shared records: one notion of a record's version, for edit forms and the API alike.

A record with an integer `version` column (a person: every roster service increments it, and the API's ETag is
that number) has that number as its version; any other record's version is a hash of its stored values. An edit
form carries the version it was rendered from (hidden `edit_version`) and the values it showed (hidden
`edit_seen`); the update service locks the row and refuses the save with `StaleEdit` when the version moved on.
The view then re-shows the form with the user's typed input, a table of what the other save changed (field, your
entry, now saved) and the new version, so saving again is a deliberate choice.

A form posted without a version (a hand-made request) is saved as before, like an API write without If-Match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, TypeVar

from django import forms
from django.db import models

VERSION_FIELD = "edit_version"
SEEN_FIELD = "edit_seen"

M = TypeVar("M", bound=models.Model)


class StaleEdit(Exception):
    """Someone saved the record since the form was rendered; `current` is its stored state."""

    def __init__(self, current: models.Model) -> None:
        super().__init__("The record changed since the form was opened.")
        self.current = current


def record_version(record: models.Model) -> str:
    version = getattr(record, "version", None)
    if isinstance(version, int) and not isinstance(version, bool):
        return str(version)
    values = {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if not field.primary_key and not getattr(field, "auto_now", False)
    }
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:24]


def lock_current(record: M, expected_version: str | None) -> M:
    """Lock the record's row (call inside a transaction) and return its stored state; StaleEdit if it moved on."""
    fresh = type(record)._base_manager.select_for_update().get(pk=record.pk)
    if expected_version and record_version(fresh) != expected_version:
        raise StaleEdit(fresh)
    return fresh


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return ",".join(_text(v) for v in value)
    return str(value)


def form_values(form: forms.BaseForm, record: models.Model) -> dict[str, Any]:
    """The record's values for the form's fields that the record has (what an unbound form would show)."""
    names = {f.name for f in record._meta.concrete_fields}
    return {name: getattr(record, name) for name in form.fields if name in names}


def track_version(form: forms.BaseForm, record: models.Model, values: Mapping[str, Any] | None = None) -> None:
    """Add the hidden version fields to `form`, filled from `record` when the form is shown for the first time."""
    form.fields[VERSION_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    form.fields[SEEN_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100_000)
    if not form.is_bound:
        shown = form_values(form, record) if values is None else values
        form.initial[VERSION_FIELD] = record_version(record)
        form.initial[SEEN_FIELD] = json.dumps({k: _text(v) for k, v in shown.items()})


def edited_values(form: forms.BaseForm, names: Any = None) -> dict[str, Any]:
    """The form's cleaned values (or those named) without the two version fields."""
    keys = form.cleaned_data if names is None else names
    return {k: form.cleaned_data[k] for k in keys if k not in (VERSION_FIELD, SEEN_FIELD)}


def submitted_version(form: forms.BaseForm) -> str | None:
    value = form.data.get(VERSION_FIELD)
    return str(value).strip()[:64] or None if value else None


def _display(form: forms.BaseForm, name: str, value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choices = getattr(form.fields.get(name), "choices", None)
    if choices is not None and not isinstance(value, models.Model):
        labels = {str(key): label for key, label in choices if not isinstance(label, list | tuple)}
        return str(labels.get(str(value), value))
    return str(value)


def refuse_stale(form: forms.BaseForm, current: models.Model, values: Mapping[str, Any] | None = None) -> None:
    """Explain the refused save on the form, keep the user's input and arm it with the current version."""
    now = form_values(form, current) if values is None else dict(values)
    try:
        seen = json.loads(form.data.get(SEEN_FIELD) or "{}")
    except ValueError:
        seen = {}
    seen = seen if isinstance(seen, dict) else {}
    cleaned = getattr(form, "cleaned_data", {})
    rows = []
    for name, value in now.items():
        if name in seen and seen[name] == _text(value):
            continue
        yours = cleaned.get(name, form.data.get(name))
        if not seen and _text(yours) == _text(value):
            continue
        label = form.fields[name].label or name.replace("_", " ").capitalize() if name in form.fields else name
        rows.append((str(label), _display(form, name, yours), _display(form, name, value)))
    form.stale_changes = rows  # type: ignore[attr-defined]
    form.add_error(
        None,
        "Someone else saved this record while you were editing it, so your changes are not saved. "
        + ("The table below shows what they changed. " if rows else "")
        + "The form still holds what you typed: check it and save again to keep your entries.",
    )
    data = form.data.copy()  # type: ignore[attr-defined]
    data[VERSION_FIELD] = record_version(current)
    data[SEEN_FIELD] = json.dumps({k: _text(v) for k, v in now.items()})
    form.data = data
