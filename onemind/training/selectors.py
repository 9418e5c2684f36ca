"""Reads of training records: the agency's list, pending records, a person's certificates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from onemind.engine import Certificate, Edition, Training, histories_on
from onemind.engine.people import Courses, History, certificate_from_history, compile_courses
from onemind.lib.query import date_or_none
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
        day = date_or_none(params.get(key, ""))
        if day is not None:
            records = records.filter(**{lookup: day})
    q = params.get("q", "").strip()
    if q:
        records = records.filter(person__last_name__istartswith=q) | records.filter(person__employee_number=q)
    return records.order_by("-completed_on", "person__last_name", "id")


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
    """A person's MHFA and CIT standing on one date, as the compliance engine judges it."""

    mhfa: Certificate
    cit: Certificate
    # Certificates current on the date but ending on or before this day are "expiring" (the engine's window).
    expiring_by: dt.date | None = None

    @property
    def mhfa_state(self) -> str:
        """One of none / current / expiring / expired: the roster list's MHFA filter values and badges."""
        if not self.mhfa.ever_trained:
            return "none"
        if not self.mhfa.current:
            return "expired"
        ends = self.mhfa.expires_on
        if ends is not None and self.expiring_by is not None and ends <= self.expiring_by:
            return "expiring"
        return "current"


def cit_courses_for(edition: Edition, sworn: bool) -> frozenset[str]:
    """CIT courses that count for this person: the sworn set, or the designated non-sworn set (with CIT-911)."""
    return edition.s4_accepts if sworn else edition.s4_designated_accepts


def certificates_from_history(
    history: History, sworn: bool, on: dt.date, edition: Edition, courses: tuple[Courses, Courses, Courses]
) -> PersonCertificates:
    """The engine's standing from a date-sorted history (see `compile_standing_courses` for `courses`)."""
    mhfa, cit_sworn, cit_designated = courses
    return PersonCertificates(
        mhfa=certificate_from_history(history, on, mhfa),
        cit=certificate_from_history(history, on, cit_sworn if sworn else cit_designated),
        expiring_by=on + dt.timedelta(days=edition.expiring_window_days),
    )


def compile_standing_courses(edition: Edition) -> tuple[Courses, Courses, Courses]:
    """Compiled once per page: MHFA, CIT for sworn officers, CIT for designated non-sworn staff."""
    return (
        compile_courses(edition, edition.mhfa_codes),
        compile_courses(edition, cit_courses_for(edition, True)),
        compile_courses(edition, cit_courses_for(edition, False)),
    )


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
    history = histories_on(trainings, on).get(person.pk, [])
    return certificates_from_history(history, person.sworn, on, edition, compile_standing_courses(edition))
