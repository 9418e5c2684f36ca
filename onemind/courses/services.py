"""Writes: publishing and cancelling sessions, registering and cancelling people, recording attendance.

Seats are counted under a row lock on the session (``select_for_update``), so two coordinators registering at the
same moment queue behind each other and a session is never overbooked. Announcements go out only after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django_scopes import scopes_disabled

from onemind.audit.services import log_action, log_change, snapshot
from onemind.courses.geo import locate
from onemind.courses.models import CourseProvider, CourseSession, ProviderMember, Registration
from onemind.courses.signals import registration_changed, session_cancelled, session_changed
from onemind.lib.versions import lock_current
from onemind.roster.models import Person, PersonStatus
from onemind.tenancy.models import Agency
from onemind.training.models import TrainingRecord
from onemind.training.services import record_training

SESSION_FIELDS = (
    "course_type",
    "title",
    "starts_at",
    "ends_at",
    "timezone",
    "hours",
    "format",
    "address",
    "city",
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "seats",
    "registration_deadline",
    "cost",
    "contact",
    "notes",
)


def _announce(registration: Registration, change: str) -> None:
    transaction.on_commit(
        lambda: registration_changed.send(sender=Registration, registration=registration, change=change)
    )


@transaction.atomic
def create_provider(*, actor: Any, name: str, members: Iterable[Any] = (), contact_email: str = "") -> CourseProvider:
    base = slugify(name)[:60] or "provider"
    slug, n = base, 1
    while CourseProvider.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    provider = CourseProvider.objects.create(slug=slug, name=name, contact_email=contact_email)
    for user in members:
        ProviderMember.objects.get_or_create(provider=provider, user=user)
    log_action(actor=actor, action="courses.provider_created", obj=provider, after=snapshot(provider))
    return provider


def _fill_coordinates(session: CourseSession) -> None:
    """Coordinates from the ZIP code, else the city, when the provider gave none."""
    if session.latitude is not None or session.longitude is not None:
        return
    point = locate(session.zip_code) if session.zip_code else None
    if point is None and session.city and session.state:
        point = locate(f"{session.city}, {session.state}")
    if point is not None:
        session.latitude, session.longitude = round(point.latitude, 5), round(point.longitude, 5)


@transaction.atomic
def publish_session(*, actor: Any, provider: CourseProvider, **values: Any) -> CourseSession:
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown session fields: {sorted(unknown)}")
    session = CourseSession(
        provider=provider, created_by=actor if getattr(actor, "is_authenticated", False) else None, **values
    )
    _fill_coordinates(session)
    session.full_clean(exclude=["provider", "course_type", "created_by"])
    session.save()
    log_action(actor=actor, action="courses.session_published", obj=session, after=snapshot(session))
    return session


@transaction.atomic
def update_session(
    *, actor: Any, session: CourseSession, expected_version: str | None = None, **values: Any
) -> CourseSession:
    session = lock_current(session, expected_version)
    if session.is_cancelled:
        raise ValidationError("A cancelled session cannot be changed.")
    before = snapshot(session)
    stored = _field_values(session)
    labels = {"when": session.when_label, "where": session.where_label}
    place_changed = any(values.get(k) != getattr(session, k) for k in ("zip_code", "city", "state") if k in values)
    for name, value in values.items():
        if name not in SESSION_FIELDS:
            raise TypeError(f"Unknown session field: {name}")
        setattr(session, name, value)
    if place_changed and "latitude" not in values:
        session.latitude = session.longitude = None
    _fill_coordinates(session)
    session.full_clean(exclude=["provider", "course_type", "created_by"])
    with scopes_disabled():
        confirmed = Registration.objects.filter(session=session, status=Registration.Status.CONFIRMED).count()
        if session.seats < confirmed:
            raise ValidationError(
                {"seats": f"{confirmed} seats are already held: cancel registrations before lowering the seats."}
            )
        if _field_values(session) != stored:
            _touch(session)
        session.save()
        _promote(actor, session, free=session.seats - confirmed)
    entry = log_change(actor=actor, action="courses.session_updated", obj=session, before=before)
    _announce_change(session, labels, change_id=entry.pk)
    return session


def _field_values(session: CourseSession) -> dict[str, Any]:
    return {f.attname: getattr(session, f.attname) for f in CourseSession._meta.concrete_fields}


def _touch(session: CourseSession) -> None:
    """A change calendars must see: the next SEQUENCE and a new LAST-MODIFIED."""
    session.sequence += 1
    session.updated_at = timezone.now()


def _announce_change(session: CourseSession, labels: dict[str, str], *, change_id: int) -> None:
    """Registrants hear when the date, time, zone or place changed; other edits (notes, seats) are silent."""
    now = {"when": session.when_label, "where": session.where_label}
    changes = {key: (labels[key], now[key]) for key in labels if labels[key] != now[key]}
    if not changes:
        return
    with scopes_disabled():
        active = list(
            Registration.objects.filter(session=session)
            .exclude(status=Registration.Status.CANCELLED)
            .select_related("agency", "person", "registered_by")
        )
    if active:
        transaction.on_commit(
            lambda: session_changed.send(
                sender=CourseSession, session=session, registrations=active, changes=changes, change_id=change_id
            )
        )


@transaction.atomic
def cancel_session(*, actor: Any, session: CourseSession, reason: str) -> list[Registration]:
    """Cancel the session and every active registration; registrants are told (``session_cancelled``)."""
    session = CourseSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError("This session is already cancelled.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the session is cancelled: registrants are told."})
    before = snapshot(session)
    session.status, session.cancel_reason = CourseSession.Status.CANCELLED, reason.strip()[:300]
    _touch(session)
    session.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    now = timezone.now()
    with scopes_disabled():
        active = list(
            Registration.objects.filter(session=session)
            .exclude(status=Registration.Status.CANCELLED)
            .select_related("agency", "person", "registered_by")
        )
        for reg in active:
            reg.status, reg.cancelled_at = Registration.Status.CANCELLED, now
        Registration.objects.bulk_update(active, ["status", "cancelled_at"])
    log_change(actor=actor, action="courses.session_cancelled", obj=session, before=before, reason=reason)
    transaction.on_commit(lambda: session_cancelled.send(sender=CourseSession, session=session, registrations=active))
    return active


def registration_problem(session: CourseSession, now: dt.datetime | None = None) -> str:
    """Why nobody can register for the session now, or "" when registration is open."""
    now = now or timezone.now()
    if session.is_cancelled:
        return "This session is cancelled."
    if now > session.registration_deadline:
        return f"Registration closed on {session.deadline_local:%Y-%m-%d %H:%M %Z}."
    return ""


@dataclass
class RegisterResult:
    confirmed: list[Registration] = field(default_factory=list)
    waitlisted: list[Registration] = field(default_factory=list)
    already: list[Person] = field(default_factory=list)


@transaction.atomic
def register_people(*, actor: Any, session: CourseSession, agency: Agency, people: Iterable[Person]) -> RegisterResult:
    """Hold a seat for each person while seats last, then waitlist the rest, in the order given."""
    people = list(people)
    if not people:
        raise ValidationError({"people": "Pick at least one person to register."})
    if any(p.agency_id != agency.pk for p in people):
        raise ValidationError({"people": "Only people on this agency's roster can be registered."})
    if any(p.status == PersonStatus.SEPARATED for p in people):
        raise ValidationError({"people": "Separated personnel cannot be registered."})
    # The lock: every registration and cancellation for this session waits here for the one before it.
    locked = CourseSession.objects.select_for_update().get(pk=session.pk)
    problem = registration_problem(locked)
    if problem:
        raise ValidationError(problem)
    result = RegisterResult()
    with scopes_disabled():
        active = Registration.objects.filter(session=locked).exclude(status=Registration.Status.CANCELLED)
        taken = set(active.filter(person__in=people).values_list("person_id", flat=True))
        confirmed = active.filter(status=Registration.Status.CONFIRMED).count()
        position = (Registration.objects.filter(session=locked).aggregate(m=Max("position"))["m"] or 0) + 1
        for person in {p.pk: p for p in people}.values():
            if person.pk in taken:
                result.already.append(person)
                continue
            status = Registration.Status.CONFIRMED if confirmed < locked.seats else Registration.Status.WAITLISTED
            confirmed += status == Registration.Status.CONFIRMED
            reg = Registration.objects.create(
                session=locked,
                agency=agency,
                person=person,
                status=status,
                position=position,
                registered_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            position += 1
            (result.confirmed if status == Registration.Status.CONFIRMED else result.waitlisted).append(reg)
            log_action(
                actor=actor,
                action=f"courses.registration_{status}",
                obj=person,
                agency=agency,
                reason=f"{locked.course_type.code} on {locked.starts_local:%Y-%m-%d} ({locked.provider.name})",
            )
            _announce(reg, status)
    if result.already and not (result.confirmed or result.waitlisted):
        names = ", ".join(p.full_name for p in result.already)
        raise ValidationError({"people": f"Already registered for this session: {names}."})
    return result


@transaction.atomic
def cancel_registration(*, actor: Any, registration: Registration) -> Registration | None:
    """Cancel one registration; a freed seat goes to the first person waiting. Returns who was promoted."""
    locked = CourseSession.objects.select_for_update().get(pk=registration.session_id)
    with scopes_disabled():
        reg = Registration.objects.select_related("person", "agency").get(pk=registration.pk)
        if reg.status == Registration.Status.CANCELLED:
            raise ValidationError("This registration is already cancelled.")
        if reg.attended is not None:
            raise ValidationError("Attendance is recorded for this registration: it can no longer be cancelled.")
        freed = reg.status == Registration.Status.CONFIRMED
        reg.status, reg.cancelled_at = Registration.Status.CANCELLED, timezone.now()
        reg.save(update_fields=["status", "cancelled_at"])
        log_action(
            actor=actor,
            action="courses.registration_cancelled",
            obj=reg.person,
            agency=reg.agency,
            reason=f"{locked.course_type.code} on {locked.starts_local:%Y-%m-%d}",
        )
        _announce(reg, "cancelled")
        promoted = _promote(actor, locked, free=1) if freed and not locked.is_cancelled else []
    return promoted[0] if promoted else None


def _promote(actor: Any, session: CourseSession, *, free: int) -> list[Registration]:
    """Give up to ``free`` seats to the waitlist in order (caller holds the session lock, scopes disabled)."""
    if free <= 0:
        return []
    waiting = list(
        Registration.objects.filter(session=session, status=Registration.Status.WAITLISTED)
        .select_related("person", "agency")
        .order_by("position", "id")[:free]
    )
    for reg in waiting:
        reg.status = Registration.Status.CONFIRMED
        reg.save(update_fields=["status"])
        log_action(
            actor=actor,
            action="courses.registration_promoted",
            obj=reg.person,
            agency=reg.agency,
            reason=f"{session.course_type.code} on {session.starts_local:%Y-%m-%d}: a seat freed up",
        )
        _announce(reg, "promoted")
    return waiting


@dataclass(frozen=True)
class Mark:
    registration_id: str
    attended: bool
    completed: bool = False
    certificate_number: str = ""


@dataclass
class AttendanceResult:
    records: list[TrainingRecord] = field(default_factory=list)
    already_on_file: list[Registration] = field(default_factory=list)


@transaction.atomic
def record_attendance(*, actor: Any, session: CourseSession, marks: Iterable[Mark]) -> AttendanceResult:
    """Mark attendance and completion; each completion becomes a pending record in the attendee's agency."""
    marks = list(marks)
    if session.is_cancelled:
        raise ValidationError("This session is cancelled.")
    if session.starts_at > timezone.now():
        raise ValidationError("Attendance can be recorded once the session has started.")
    with scopes_disabled():
        regs = {
            str(r.public_id): r
            for r in Registration.objects.filter(session=session, status=Registration.Status.CONFIRMED).select_related(
                "person", "agency", "training_record"
            )
        }
        unknown = [m.registration_id for m in marks if m.registration_id not in regs]
        if unknown:
            raise ValidationError("Attendance can only be recorded for people holding a seat on this session.")
        completed_on = min(session.ends_local.date(), timezone.localdate())
        result = AttendanceResult()
        for mark in marks:
            reg = regs[mark.registration_id]
            if reg.training_record_id is not None:
                continue  # already sent to the agency: the agency's decision stands
            reg.attended, reg.completed = mark.attended, mark.attended and mark.completed
            reg.certificate_number = mark.certificate_number.strip()[:80] if reg.completed else ""
            if reg.completed:
                _send_record(actor, session, reg, completed_on, result)
            reg.save(update_fields=["attended", "completed", "certificate_number", "training_record"])
    log_action(
        actor=actor,
        action="courses.attendance_recorded",
        obj=session,
        after={"marked": len(marks), "records": len(result.records)},
    )
    return result


def _send_record(
    actor: Any, session: CourseSession, reg: Registration, completed_on: dt.date, result: AttendanceResult
) -> None:
    existing = TrainingRecord.objects.filter(
        person=reg.person, course_type=session.course_type, completed_on=completed_on
    ).first()
    if existing is not None:
        # The agency typed it already: link it, never send it twice.
        reg.training_record = existing
        result.already_on_file.append(reg)
        return
    details: dict[str, Any] = {"hours": session.hours, "provider": session.provider.name[:200]}
    if session.format:
        details["format"] = session.format
    if reg.certificate_number:
        details["certificate_number"] = reg.certificate_number
    reg.training_record = record_training(
        actor=actor,
        person=reg.person,
        course_type=session.course_type,
        completed_on=completed_on,
        status=TrainingRecord.Status.PENDING,
        source=TrainingRecord.Source.COURSE,
        **details,
    )
    result.records.append(reg.training_record)
