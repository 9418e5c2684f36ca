"""Bump an agency's DataVersion whenever its roster, exemptions, roster events or training records change."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save

from onemind.compliance.models import DataVersion
from onemind.roster.models import Exemption, Person, PersonEvent
from onemind.training.models import TrainingRecord

WATCHED = (Person, PersonEvent, Exemption, TrainingRecord)
# Strategies 1 and 2, and verification, change the figures too.
WATCHED_LABELS = (
    "partnerships.Partnership",
    "partnerships.PartnershipLiaison",
    "policies.PolicyVersion",
    "policies.PolicyElement",
    "reviews.Submission",
    "reviews.Recognition",
)


def bump_data_version(agency_id: int) -> None:
    """Call after writes that send no model signals (bulk_create, queryset.update, raw SQL)."""
    if not DataVersion.objects.filter(agency_id=agency_id).update(version=F("version") + 1):
        DataVersion.objects.get_or_create(agency_id=agency_id, defaults={"version": 1})


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: fixtures carry their own state
    agency_id = getattr(instance, "agency_id", None)
    if agency_id is not None:
        bump_data_version(agency_id)


def connect() -> None:
    from django.apps import apps

    models: list[type[Model]] = [*WATCHED, *(apps.get_model(label) for label in WATCHED_LABELS)]
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"compliance-version-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"compliance-version-delete-{model.__name__}")
