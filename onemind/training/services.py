"""Writes to training records: one at a time, a whole class at once, and accepting/rejecting pending ones.

`validate_training_fields` is the one place the record rules live; the importer calls it per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from onemind.audit.services import log_action, log_change, snapshot
from onemind.roster.models import Person
from onemind.tenancy.changes import agency_changed
from onemind.tenancy.models import Agency
from onemind.training.models import CourseType, TrainingFormat, TrainingRecord

EARLIEST_DATE = dt.date(1950, 1, 1)
MAX_HOURS = Decimal("200")

RECORD_FIELDS = ("hours", "provider", "instructor", "format", "certificate_number", "certificate_file")


def validate_training_fields(
    *, course_type: CourseType | None, completed_on: dt.date | None, hours: Decimal | None = None, format: str = ""
) -> dict[str, str]:
    """Every rule a training record's values must satisfy, as {field: message}; empty when valid."""
    errors: dict[str, str] = {}
    if course_type is None:
        errors["course_type"] = "Choose the course."
    if completed_on is None:
        errors["completed_on"] = "Give the completion date."
    elif completed_on > timezone.localdate():
        errors["completed_on"] = f"The completion date {completed_on:%Y-%m-%d} is in the future."
    elif completed_on < EARLIEST_DATE:
        errors["completed_on"] = (
            f"The completion date {completed_on:%Y-%m-%d} is before 1950: it looks like a placeholder date."
        )
    if hours is not None and not (Decimal("0") < hours <= MAX_HOURS):
        errors["hours"] = f"Hours must be more than 0 and at most {MAX_HOURS}."
    if format and format not in TrainingFormat.values:
        errors["format"] = f"Format must be one of: {', '.join(TrainingFormat.values)}."
    return errors


def _log_created(actor: Any, record: TrainingRecord) -> None:
    log_action(actor=actor, action="training.record_created", obj=record, agency=record.agency, after=snapshot(record))
    log_action(
        actor=actor,
        action="training.record_created",
        obj=record.person,
        agency=record.agency,
        reason=f"{record.course_type.code} completed {record.completed_on:%Y-%m-%d}",
    )


@transaction.atomic
def record_training(
    *,
    actor: Any,
    person: Person,
    course_type: CourseType,
    completed_on: dt.date,
    status: str = TrainingRecord.Status.ACCEPTED,
    source: str = TrainingRecord.Source.MANUAL,
    **details: Any,
) -> TrainingRecord:
    """Record that `person` completed `course_type` on `completed_on`. Records from course providers or officers
    arrive with status=pending and wait for the coordinator."""
    unknown = set(details) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"Unknown training fields: {sorted(unknown)}")
    errors = validate_training_fields(
        course_type=course_type, completed_on=completed_on, hours=details.get("hours"), format=details.get("format", "")
    )
    if (
        not errors
        and TrainingRecord.objects.filter(person=person, course_type=course_type, completed_on=completed_on).exists()
    ):
        errors["completed_on"] = f"{person.full_name} already has {course_type.code} on {completed_on:%Y-%m-%d}."
    if errors:
        raise ValidationError(errors)
    record = TrainingRecord.objects.create(
        agency_id=person.agency_id,
        person=person,
        course_type=course_type,
        completed_on=completed_on,
        status=status,
        source=source,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **details,
    )
    _log_created(actor, record)
    agency_changed(record.agency_id)
    return record


@dataclass
class ClassResult:
    created: list[TrainingRecord] = field(default_factory=list)
    duplicates: list[Person] = field(default_factory=list)


@transaction.atomic
def record_class(
    *,
    actor: Any,
    agency: Agency,
    attendees: Iterable[Person],
    course_type: CourseType,
    completed_on: dt.date,
    **details: Any,
) -> ClassResult:
    """One session, many attendees, one transaction. Attendees who already have this course on this date are
    reported in `duplicates`, not recorded twice."""
    people = list(attendees)
    if any(p.agency_id != agency.pk for p in people):
        raise ValidationError("Every attendee must belong to this agency.")
    if not people:
        raise ValidationError({"attendees": "Pick at least one attendee."})
    errors = validate_training_fields(
        course_type=course_type, completed_on=completed_on, hours=details.get("hours"), format=details.get("format", "")
    )
    if errors:
        raise ValidationError(errors)
    already = set(
        TrainingRecord.objects.filter(
            agency=agency, person__in=people, course_type=course_type, completed_on=completed_on
        ).values_list("person_id", flat=True)
    )
    result = ClassResult(duplicates=[p for p in people if p.pk in already])
    creator = actor if getattr(actor, "is_authenticated", False) else None
    new = [
        TrainingRecord(
            agency=agency,
            person=p,
            course_type=course_type,
            completed_on=completed_on,
            source=TrainingRecord.Source.CLASS,
            created_by=creator,
            **details,
        )
        for p in {p.pk: p for p in people if p.pk not in already}.values()
    ]
    result.created = TrainingRecord.objects.bulk_create(new)
    log_action(
        actor=actor,
        action="training.class_recorded",
        agency=agency,
        after={
            "course": course_type.code,
            "completed_on": completed_on.isoformat(),
            "created": len(result.created),
            "duplicates": len(result.duplicates),
            **{k: str(v) for k, v in details.items()},
        },
    )
    for record in result.created:
        log_action(
            actor=actor,
            action="training.record_created",
            obj=record.person,
            agency=agency,
            reason=f"{course_type.code} completed {completed_on:%Y-%m-%d} (class entry)",
        )
    agency_changed(agency)
    return result


@transaction.atomic
def accept_training(*, actor: Any, record: TrainingRecord) -> TrainingRecord:
    if record.status != TrainingRecord.Status.PENDING:
        raise ValidationError(f"This record is {record.get_status_display().lower()}, not pending.")
    before = snapshot(record)
    record.status, record.rejection_reason = TrainingRecord.Status.ACCEPTED, ""
    record.save(update_fields=["status", "rejection_reason"])
    log_change(actor=actor, action="training.record_accepted", obj=record, agency=record.agency, before=before)
    agency_changed(record.agency_id)
    return record


@transaction.atomic
def reject_training(*, actor: Any, record: TrainingRecord, reason: str) -> TrainingRecord:
    if record.status != TrainingRecord.Status.PENDING:
        raise ValidationError(f"This record is {record.get_status_display().lower()}, not pending.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is rejected; the sender sees this reason."})
    before = snapshot(record)
    record.status, record.rejection_reason = TrainingRecord.Status.REJECTED, reason.strip()[:300]
    record.save(update_fields=["status", "rejection_reason"])
    log_change(
        actor=actor, action="training.record_rejected", obj=record, agency=record.agency, before=before, reason=reason
    )
    agency_changed(record.agency_id)
    return record


def log_certificate_download(*, actor: Any, record: TrainingRecord) -> None:
    log_action(actor=actor, action="training.certificate_downloaded", obj=record, agency=record.agency)


def details_from(data: Mapping[str, Any]) -> dict[str, Any]:
    """The optional record fields present in a form's cleaned data."""
    return {name: data[name] for name in RECORD_FIELDS if name in data and data[name] not in (None,)}


@transaction.atomic
def submit_own_training(
    *,
    actor: Any,
    person: Person,
    course_type: CourseType,
    completed_on: dt.date,
    certificate_file: str,
    **details: Any,
) -> TrainingRecord:
    """An officer sends their own certificate: a pending record the coordinator accepts or rejects."""
    if person.user_id is None or getattr(actor, "pk", None) != person.user_id:
        raise ValidationError("Only the officer linked to this record can send a certificate for it.")
    if not certificate_file:
        raise ValidationError({"certificate": "Attach the certificate."})
    record = record_training(
        actor=actor,
        person=person,
        course_type=course_type,
        completed_on=completed_on,
        status=TrainingRecord.Status.PENDING,
        source=TrainingRecord.Source.SELF,
        certificate_file=certificate_file,
        **details,
    )
    log_action(
        actor=actor,
        action="training.certificate_submitted",
        obj=record,
        agency=record.agency,
        reason=f"{course_type.code} completed {completed_on:%Y-%m-%d}, sent by the officer for acceptance",
    )
    return record
