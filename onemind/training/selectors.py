"""Reads of training records: the agency's list, pending records, a person's certificates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from onemind.compliance.engine import Certificate, Edition, Training, certificate_on
from onemind.roster.models import Person
from onemind.tenancy.models import Agency
from onemind.training.models import TrainingRecord


def training_list(agency: Agency, params: Mapping[str, str]) -> QuerySet[TrainingRecord]:
    records = TrainingRecord.objects.filter(agency=agency).select_related("person", "course_type")
    if params.get("course"):
        records = records.filter(course_type__code=params["course"])
    status = params.get("status", "")
    if status in TrainingRecord.Status.values:
        records = records.filter(status=status)
    for key, lookup in (("from", "completed_on__gte"), ("to", "completed_on__lte")):
        day = _date(params.get(key, ""))
        if day is not None:
            records = records.filter(**{lookup: day})
    q = params.get("q", "").strip()
    if q:
        records = records.filter(person__last_name__istartswith=q) | records.filter(person__employee_number=q)
    return records.order_by("-completed_on", "person__last_name", "id")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def pending_records(agency: Agency) -> QuerySet[TrainingRecord]:
    return (
        TrainingRecord.objects.filter(agency=agency, status=TrainingRecord.Status.PENDING)
        .select_related("person", "course_type")
        .order_by("created_at", "id")
    )


def edition_for(agency: Agency) -> Edition:
    """The engine's edition for this agency's current pledge (the default edition before it pledges)."""
    from onemind.compliance.loader import current_pledge_row
    from onemind.compliance.loader import edition_for as edition_for_pledge

    return edition_for_pledge(current_pledge_row(agency))


@dataclass(frozen=True)
class PersonCertificates:
    mhfa: Certificate
    cit: Certificate


def certificates_for(
    person: Person, records: list[TrainingRecord], edition: Edition, on: dt.date | None = None
) -> PersonCertificates:
    """The engine's standing for MHFA (with renewal by recertification) and CIT, from accepted records."""
    on = on or timezone.localdate()
    trainings = [
        Training(person.pk, r.course_type.code, r.completed_on)
        for r in records
        if r.status == TrainingRecord.Status.ACCEPTED
    ]
    return PersonCertificates(
        mhfa=certificate_on(trainings, on, edition, edition.mhfa_codes),
        cit=certificate_on(trainings, on, edition, edition.s4_accepts),
    )
