"""Writes to the roster. Every function takes a keyword-only `actor`, validates, writes history and the audit log.

Validation lives once, in `validate_person_fields`: the forms, these services and the importer all call it.
For the importer: call `validate_person_fields(agency, row_data, instance=existing_or_None, check_unique=False)`
per row (it returns {field: message}, empty when the row is valid) and check employee-number uniqueness for the
whole file at once; then write with `create_person` / `update_person` / `separate_person`, or bulk-create Person
rows plus `PersonEvent(kind=HIRED, effective_on=hire_date)` rows with the same meaning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from onemind.audit.services import log_action, log_change, snapshot
from onemind.lib.versions import lock_current
from onemind.roster.models import DesignatedPosition, Exemption, Person, PersonEvent, PersonStatus
from onemind.tenancy.changes import agency_changed
from onemind.tenancy.models import Agency

EARLIEST_DATE = dt.date(1950, 1, 1)

# Fields a coordinator (or an import) may set on a person.
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "employee_number",
    "badge_number",
    "sworn",
    "rank",
    "unit",
    "shift",
    "district",
    "hire_date",
    "separation_date",
    "separation_reason",
    "status",
    "designated_mhfa",
    "designated_cit",
    "email",
)
TRANSFER_FIELDS = ("unit", "shift", "district")
DESIGNATION_FIELDS = ("designated_mhfa", "designated_cit")


# A recruit in the academy is on the roster before the hire date; they count only from that day.
MAX_FUTURE_HIRE_DAYS = 366


def _check_date(errors: dict[str, str], field: str, value: Any, label: str, *, future_days: int | None) -> None:
    """`future_days` None: any future date is fine; else at most that many days after today."""
    if not isinstance(value, dt.date):
        return
    if value < EARLIEST_DATE:
        errors[field] = f"{label} {value:%Y-%m-%d} is before 1950: it looks like a placeholder date, not a real one."
    elif future_days is not None and value > timezone.localdate() + dt.timedelta(days=future_days):
        ahead = f"more than {future_days} days " if future_days else ""
        errors[field] = f"{label} {value:%Y-%m-%d} is {ahead}in the future."


def check_person_rules(values: Mapping[str, Any]) -> dict[str, str]:
    """The rules between a person's typed values (dates, status), as {field: message}; pure and fast.

    `validate_person_fields` runs them after the field checks; the importer runs them on every row it would write.
    """
    errors: dict[str, str] = {}
    hire, separation, status = values.get("hire_date"), values.get("separation_date"), values.get("status")
    _check_date(errors, "hire_date", hire, "Hire date", future_days=MAX_FUTURE_HIRE_DAYS)
    _check_date(errors, "separation_date", separation, "Separation date", future_days=None)
    if hire and separation and separation < hire:
        errors["separation_date"] = f"Separation date {separation:%Y-%m-%d} is before the hire date {hire:%Y-%m-%d}."
    if status == PersonStatus.SEPARATED and not separation:
        errors.setdefault("separation_date", "A separated person needs a separation date.")
    if separation and status != PersonStatus.SEPARATED:
        errors.setdefault("status", "A person with a separation date must have the status “Separated”.")
    return errors


def validate_person_fields(
    agency: Agency, data: Mapping[str, Any], *, instance: Person | None = None, check_unique: bool = True
) -> dict[str, str]:
    """Every rule a person's fields must satisfy, as {field: message}; empty when valid.

    `data` holds typed values (dates as date, sworn as bool); fields absent from `data` keep the instance's value.
    """
    person = Person(agency=agency) if instance is None else Person(**{**_field_values(instance)})
    for name, value in data.items():
        setattr(person, name, value)
    errors: dict[str, str] = {}
    try:
        person.full_clean(exclude=["agency", "user"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            label = str(getattr(Person._meta.get_field(field), "verbose_name", field)).capitalize()
            errors[field] = " ".join(
                f"{label} is required." if "cannot be blank" in m else f"{label}: {m}" for m in messages
            )
    for field, message in check_person_rules(_field_values(person)).items():
        errors.setdefault(field, message)
    if check_unique and person.employee_number:
        clash = Person.objects.filter(agency=agency, employee_number=person.employee_number)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        other = clash.first()
        if other is not None:
            errors["employee_number"] = (
                f"Employee number {person.employee_number} is already used by {other.full_name}."
            )
    return errors


def _field_values(person: Person) -> dict[str, Any]:
    return {f.attname: getattr(person, f.attname) for f in person._meta.concrete_fields}


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _designations_for(agency: Agency, rank: str) -> DesignatedPosition | None:
    if not rank:
        return None
    return DesignatedPosition.objects.filter(agency=agency, title__iexact=rank.strip()).first()


@transaction.atomic
def create_person(*, actor: Any, agency: Agency, **data: Any) -> Person:
    """Add a person; writes a HIRED event at the hire date (and a SEPARATED one if already separated)."""
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    if data.get("separation_date") and not data.get("status"):
        data["status"] = PersonStatus.SEPARATED
    _raise_if(validate_person_fields(agency, data))
    position = _designations_for(agency, data.get("rank", ""))
    if position is not None and not any(data.get(f) for f in DESIGNATION_FIELDS):
        data["designated_mhfa"], data["designated_cit"] = position.for_mhfa, position.for_cit
    person = Person.objects.create(agency=agency, **data)
    if person.hire_date:
        _event(person, PersonEvent.Kind.HIRED, person.hire_date, actor, {})
    if person.separation_date:
        _event(person, PersonEvent.Kind.SEPARATED, person.separation_date, actor, {"reason": person.separation_reason})
    log_action(actor=actor, action="roster.person_created", obj=person, agency=agency, after=snapshot(person))
    agency_changed(agency)
    return person


def _event(person: Person, kind: str, on: dt.date, actor: Any, details: dict[str, Any]) -> PersonEvent:
    return PersonEvent.objects.create(
        agency_id=person.agency_id,
        person=person,
        kind=kind,
        effective_on=on,
        details=details,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def update_person(
    *,
    actor: Any,
    person: Person,
    effective_on: dt.date | None = None,
    expected_version: str | None = None,
    **data: Any,
) -> Person:
    """Change a person's fields. Transfers, sworn-status and designation changes become history events dated
    `effective_on` (default today). Hire/separation dates are corrected in place; use separate_person /
    rehire_person for an actual separation or rehire. With `expected_version` (an edit form's), a person saved by
    someone else since is refused with StaleEdit instead of being overwritten."""
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    if expected_version:
        lock_current(person, expected_version)
    changed = {name: value for name, value in data.items() if getattr(person, name) != value}
    if not changed:
        return person
    _raise_if(validate_person_fields(person.agency, changed, instance=person))
    on = effective_on or timezone.localdate()
    before = snapshot(person)
    old = {name: getattr(person, name) for name in changed}
    for name, value in changed.items():
        setattr(person, name, value)
    person.version += 1
    person.save()
    transfers = {f: [old[f], changed[f]] for f in TRANSFER_FIELDS if f in changed}
    if transfers:
        _event(person, PersonEvent.Kind.TRANSFERRED, on, actor, transfers)
    if "sworn" in changed:
        _event(person, PersonEvent.Kind.SWORN_CHANGED, on, actor, {"sworn": [old["sworn"], changed["sworn"]]})
    designations = {f: [old[f], changed[f]] for f in DESIGNATION_FIELDS if f in changed}
    if designations:
        _event(person, PersonEvent.Kind.DESIGNATION_CHANGED, on, actor, designations)
    log_change(actor=actor, action="roster.person_updated", obj=person, agency=person.agency, before=before)
    agency_changed(person.agency_id)
    return person


@transaction.atomic
def separate_person(*, actor: Any, person: Person, on: dt.date, reason: str) -> Person:
    """Record a separation (retirement, resignation, termination…) effective `on`."""
    if person.status == PersonStatus.SEPARATED and person.separation_date:
        raise ValidationError({"on": f"{person.full_name} is already separated since {person.separation_date}."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the separation."})
    errors = validate_person_fields(
        person.agency,
        {"separation_date": on, "status": PersonStatus.SEPARATED, "separation_reason": reason.strip()},
        instance=person,
        check_unique=False,
    )
    if "separation_date" in errors:
        raise ValidationError({"on": errors.pop("separation_date")})
    _raise_if(errors)
    before = snapshot(person)
    person.separation_date, person.separation_reason = on, reason.strip()
    person.status = PersonStatus.SEPARATED
    person.version += 1
    person.save()
    _event(person, PersonEvent.Kind.SEPARATED, on, actor, {"reason": person.separation_reason})
    log_change(actor=actor, action="roster.person_separated", obj=person, agency=person.agency, before=before)
    agency_changed(person.agency_id)
    return person


@transaction.atomic
def rehire_person(*, actor: Any, person: Person, on: dt.date) -> Person:
    """Bring a separated person back. The new hire date replaces the old one; the history keeps both."""
    if person.status != PersonStatus.SEPARATED or person.separation_date is None:
        raise ValidationError({"on": f"{person.full_name} is not separated."})
    if on < person.separation_date:
        raise ValidationError({"on": f"The rehire date is before the separation date {person.separation_date}."})
    errors = validate_person_fields(person.agency, {"hire_date": on}, instance=person, check_unique=False)
    if "hire_date" in errors:
        raise ValidationError({"on": errors["hire_date"]})
    before = snapshot(person)
    person.hire_date, person.separation_date, person.separation_reason = on, None, ""
    person.status = PersonStatus.ACTIVE
    person.version += 1
    person.save()
    _event(person, PersonEvent.Kind.REHIRED, on, actor, {})
    log_change(actor=actor, action="roster.person_rehired", obj=person, agency=person.agency, before=before)
    agency_changed(person.agency_id)
    return person


def _validate_exemption(start: dt.date, end: dt.date) -> None:
    errors: dict[str, str] = {}
    _check_date(errors, "start", start, "Start date", future_days=None)
    if end < start:
        errors["end"] = f"The end date {end:%Y-%m-%d} is before the start date {start:%Y-%m-%d}."
    _raise_if(errors)


@transaction.atomic
def add_exemption(
    *, actor: Any, person: Person, reason: str, start: dt.date, end: dt.date, note: str = ""
) -> Exemption:
    """An approved absence; the approver is the actor. Removes the person from the denominator, start to end."""
    if reason not in Exemption.Reason.values:
        raise ValidationError({"reason": "Choose a reason from the list."})
    _validate_exemption(start, end)
    exemption = Exemption.objects.create(
        agency_id=person.agency_id, person=person, reason=reason, note=note, start=start, end=end, approved_by=actor
    )
    log_action(
        actor=actor, action="roster.exemption_added", obj=exemption, agency=person.agency, after=snapshot(exemption)
    )
    log_action(actor=actor, action="roster.exemption_added", obj=person, agency=person.agency, reason=str(exemption))
    agency_changed(person.agency_id)
    return exemption


@transaction.atomic
def end_exemption(*, actor: Any, exemption: Exemption, on: dt.date | None = None) -> Exemption:
    """End an exemption early (on `on`, default today)."""
    end = on or timezone.localdate()
    _validate_exemption(exemption.start, end)
    before = snapshot(exemption)
    exemption.end = end
    exemption.save(update_fields=["end"])
    person = exemption.person
    log_change(actor=actor, action="roster.exemption_ended", obj=exemption, agency=person.agency, before=before)
    log_action(actor=actor, action="roster.exemption_ended", obj=person, agency=person.agency, reason=str(exemption))
    agency_changed(exemption.agency_id)
    return exemption


@transaction.atomic
def set_designated_positions(
    *, actor: Any, agency: Agency, positions: Iterable[tuple[str, bool, bool]], effective_on: dt.date | None = None
) -> int:
    """Replace the agency's designated positions [(title, for_mhfa, for_cit)] and apply them to the roster.

    People whose rank matches an old or new title (ignoring case) get the new flags; others keep theirs, so a
    one-off designation set by hand survives. Returns how many people changed.
    """
    wanted: dict[str, tuple[str, bool, bool]] = {}
    for title, for_mhfa, for_cit in positions:
        clean = " ".join(title.split())
        if clean and (for_mhfa or for_cit):
            wanted[clean.lower()] = (clean, for_mhfa, for_cit)
    existing = list(DesignatedPosition.objects.filter(agency=agency))
    before = {p.title.lower(): (p.title, p.for_mhfa, p.for_cit) for p in existing}
    DesignatedPosition.objects.filter(agency=agency).delete()
    DesignatedPosition.objects.bulk_create(
        [DesignatedPosition(agency=agency, title=t, for_mhfa=m, for_cit=c) for t, m, c in wanted.values()]
    )
    titles = set(before) | set(wanted)
    people = list(Person.objects.filter(agency=agency).annotate(rank_lower=Lower("rank")).filter(rank_lower__in=titles))
    on = effective_on or timezone.localdate()
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    changed, events = [], []
    for person in people:
        _, for_mhfa, for_cit = wanted.get(person.rank_lower, ("", False, False))
        if (person.designated_mhfa, person.designated_cit) == (for_mhfa, for_cit):
            continue
        details = {
            "designated_mhfa": [person.designated_mhfa, for_mhfa],
            "designated_cit": [person.designated_cit, for_cit],
        }
        person.designated_mhfa, person.designated_cit = for_mhfa, for_cit
        person.version += 1
        changed.append(person)
        events.append(
            PersonEvent(
                agency=agency,
                person=person,
                kind=PersonEvent.Kind.DESIGNATION_CHANGED,
                effective_on=on,
                details=details,
                recorded_by=recorder,
            )
        )
    Person.objects.bulk_update(changed, ["designated_mhfa", "designated_cit", "version"], batch_size=500)
    PersonEvent.objects.bulk_create(events, batch_size=500)
    log_action(
        actor=actor,
        action="roster.designated_positions_set",
        agency=agency,
        before={"positions": sorted(before.values())},
        after={"positions": sorted(wanted.values()), "people_changed": len(changed)},
    )
    agency_changed(agency)
    return len(changed)


# ---- officer self-service -------------------------------------------------------------------------------------


@transaction.atomic
def invite_officer(*, actor: Any, person: Person, email: str) -> tuple[Any, str]:
    """E-mail `person` an invitation to see their own record and upload certificates (nothing else of the agency).

    Returns the invitation and its link. The address is kept on the person, as the form's help text says.
    """
    from onemind.accounts.services import invite_member
    from onemind.tenancy.roles import Role

    if person.status == PersonStatus.SEPARATED:
        raise ValidationError({"email": f"{person.full_name} is separated: separated officers have no access."})
    if person.user_id is not None:
        raise ValidationError({"email": f"{person.full_name} already has an account linked to this record."})
    email = email.strip().lower()
    invitation, link = invite_member(actor=actor, agency=person.agency, email=email, role=Role.OFFICER, person=person)
    if person.email != email:
        person.email = email
        person.version += 1  # an import's undo must not silently put the old address back
        person.save(update_fields=["email", "version", "updated_at"])
    log_action(
        actor=actor,
        action="roster.officer_invited",
        obj=person,
        agency=person.agency,
        after={"email": email, "expires_at": invitation.expires_at.isoformat()},
    )
    agency_changed(person.agency_id)
    return invitation, link


def link_officer_account(*, actor: Any, invitation: Any, user: Any) -> Person:
    """Called when an officer accepts their invitation: the account now sees this one roster record."""
    from django_scopes import scope

    from onemind.accounts.services import InvitationError

    with scope(agency=invitation.agency):
        person = Person.objects.select_for_update().get(pk=invitation.person_id, agency=invitation.agency)
        if person.user_id not in (None, user.pk):
            raise InvitationError("This roster record is already linked to another account. Ask your coordinator.")
        person.user = user
        person.version += 1
        person.save(update_fields=["user", "version", "updated_at"])
        log_action(
            actor=actor, action="roster.officer_linked", obj=person, agency=person.agency, after={"user": user.email}
        )
    return person
