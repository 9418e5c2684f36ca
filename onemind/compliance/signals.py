"""Bump the versions that key cached dashboards whenever the data or the rules behind them change.

An agency's DataVersion moves on writes to its roster, exemptions, roster events, training records, partnerships,
policies and verification; the one RulesVersion moves on writes to rule editions and the course catalog. After a
committed write the worker is asked to recompute the agency's dashboard (tasks.py), so the next visitor finds it
ready instead of paying for the history chart.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save

from onemind.compliance.models import DataVersion, RulesVersion
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
# Rows every agency's figures depend on.
RULES_LABELS = ("pledges.RuleEdition", "training.CourseType")


def bump_data_version(agency_id: int) -> None:
    """Call after writes that send no model signals (bulk_create, queryset.update, raw SQL)."""
    if not DataVersion.objects.filter(agency_id=agency_id).update(version=F("version") + 1):
        DataVersion.objects.get_or_create(agency_id=agency_id, defaults={"version": 1})
    _refresh_after_commit(agency_id)


def bump_rules_version() -> None:
    """Call after bulk writes to rule editions or course types: every cached dashboard is stale."""
    if not RulesVersion.objects.filter(pk=1).update(version=F("version") + 1):
        RulesVersion.objects.get_or_create(pk=1, defaults={"version": 1})


class _Refresh:
    """An on-commit callback that asks the worker to recompute one agency's dashboard."""

    def __init__(self, agency_id: int) -> None:
        self.agency_id = agency_id

    def __call__(self) -> None:
        from onemind.compliance.tasks import request_refresh

        request_refresh(self.agency_id)


def _refresh_after_commit(agency_id: int) -> None:
    # One request per agency per transaction, however many rows it wrote; a rolled-back transaction drops it.
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(func, "agency_id", None) == agency_id for _sids, func, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_Refresh(agency_id), robust=True)


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: fixtures carry their own state
    agency_id = getattr(instance, "agency_id", None)
    if agency_id is not None:
        bump_data_version(agency_id)


def _rules_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        bump_rules_version()


def connect() -> None:
    from django.apps import apps

    models: list[type[Model]] = [*WATCHED, *(apps.get_model(label) for label in WATCHED_LABELS)]
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"compliance-version-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"compliance-version-delete-{model.__name__}")
    for model in (apps.get_model(label) for label in RULES_LABELS):
        post_save.connect(_rules_changed, sender=model, dispatch_uid=f"compliance-rules-save-{model.__name__}")
        post_delete.connect(_rules_changed, sender=model, dispatch_uid=f"compliance-rules-delete-{model.__name__}")
