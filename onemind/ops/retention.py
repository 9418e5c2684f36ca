"""Retention (PRODUCT.md C14): a separated person's identifying data is erased once the agency's period has passed.

Each agency sets `personnel_retention_years` (default 7; blank keeps everything). A person separated on or before
today minus that many years is due. Erasing blanks what identifies them: names, employee and badge numbers, e-mail,
the separation reason, certificate numbers and files, exemption notes and rejection reasons, the link to an
officer account and pending invitations, and the same values copied into the audit log's before/after snapshots,
roster history events, import rows, course registrations, reminders and in-app notices. What the compliance
engine reads stays: hire and separation dates, status, sworn status, rank/unit/shift/district, designations,
exemption kinds and dates, training course types and dates.
So every figure for every past date is the same before and after (tests/ops/test_retention.py proves it).

Each person is claimed with a conditional UPDATE (`erased_at IS NULL` → now) inside the transaction that scrubs
them: two workers never erase one person twice, and a worker killed half-way leaves the person unclaimed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.accounts.models import Invitation
from onemind.audit.models import AuditEntry
from onemind.audit.services import log_action
from onemind.courses.models import Registration
from onemind.imports.models import ImportChange
from onemind.lib.uploads import delete_private_upload
from onemind.lib.versions import lock_current
from onemind.notifications.models import Notification, Reminder
from onemind.roster.erasure import ERASED, PERSON_BLANKS
from onemind.roster.models import Exemption, Person, PersonEvent, PersonStatus
from onemind.tenancy.models import Agency
from onemind.training.models import TrainingRecord

DEFAULT_YEARS = 7
# Keys whose values identify a person wherever they are copied (audit snapshots, import rows, event details).
IDENTIFYING_KEYS = frozenset(
    {
        "first_name",
        "last_name",
        "full_name",
        "name",
        "employee_number",
        "badge_number",
        "email",
        "separation_reason",
        "reason",
        "note",
        "notes",
        "certificate_number",
        "certificate_file",
        "rejection_reason",
        "label",
    }
)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def erase_on(separation_date: dt.date, years: int) -> dt.date:
    """The first day a person separated on `separation_date` is due for erasure."""
    try:
        return separation_date.replace(year=separation_date.year + years)
    except ValueError:
        return separation_date.replace(year=separation_date.year + years, month=3, day=1)


def _separated_not_erased() -> Q:
    return Q(status=PersonStatus.SEPARATED, separation_date__isnull=False, erased_at__isnull=True)


def due_people(agency: Agency, today: dt.date) -> QuerySet[Person]:
    years = agency.personnel_retention_years
    if years is None:
        return Person.objects.none()
    return Person.objects.filter(
        _separated_not_erased(), agency=agency, separation_date__lte=years_before(today, years)
    )


@dataclass
class Preview:
    years: int | None
    cutoff: dt.date | None  # separated on or before this day: due
    due_now: int
    oldest_separation: dt.date | None
    upcoming: list[tuple[dt.date, int]]  # (erase date, people) in the next 12 months
    erased: int
    last_erased_at: dt.datetime | None


def retention_preview(agency: Agency, today: dt.date) -> Preview:
    """Counts and dates only (no names): who is due now, who falls due in the next year, what was erased."""
    years = agency.personnel_retention_years
    erased = Person.objects.filter(agency=agency, erased_at__isnull=False)
    last = erased.order_by("-erased_at").values_list("erased_at", flat=True).first()
    if years is None:
        return Preview(None, None, 0, None, [], erased.count(), last)
    horizon = years_before(today + dt.timedelta(days=366), years)
    dates = Person.objects.filter(_separated_not_erased(), agency=agency, separation_date__lte=horizon).values_list(
        "separation_date", flat=True
    )
    by_day = Counter(erase_on(d, years) for d in dates if d is not None)
    due = sorted((day, n) for day, n in by_day.items() if day <= today)
    upcoming = sorted((day, n) for day, n in by_day.items() if day > today)
    cutoff = years_before(today, years)
    return Preview(years, cutoff, sum(n for _, n in due), due[0][0] if due else None, upcoming, erased.count(), last)


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (ERASED if k in IDENTIFYING_KEYS and v not in ("", None) else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _erase_copies(person: Person, record_ids: list[int], exemption_ids: list[int]) -> None:
    targets = (
        Q(object_type="roster.person", object_id=str(person.pk))
        | Q(object_type="training.trainingrecord", object_id__in=[str(i) for i in record_ids])
        | Q(object_type="roster.exemption", object_id__in=[str(i) for i in exemption_ids])
    )
    for entry in AuditEntry.objects.filter(targets):
        entry.before, entry.after = _scrub(entry.before), _scrub(entry.after)
        entry.object_repr = ERASED
        entry.save(update_fields=["before", "after", "object_repr"])
    for event in PersonEvent.objects.filter(person=person):
        event.details = _scrub(event.details)
        event.save(update_fields=["details"])
    rows = ImportChange.objects.filter(Q(person=person) | Q(record_id__in=record_ids))
    for row in rows:
        row.label, row.changes = ERASED, _scrub(row.changes)
        row.errors = [[column, ERASED, reason] for column, _value, reason in _triples(row.errors)]
        row.save(update_fields=["label", "changes", "errors"])


def _erase_messages(person: Person) -> None:
    """Reminders about the person carry their name in the context, and in-app notices in the title and body."""
    names = [n for n in (f"{person.first_name} {person.last_name}".strip(), person.last_name) if len(n) >= 3]
    reminders = list(Reminder.objects.filter(subject_key=f"person:{person.pk}"))
    for reminder in reminders:
        if isinstance(reminder.context, dict) and reminder.context.get("person"):
            reminder.context = {**reminder.context, "person": ERASED}
            reminder.save(update_fields=["context"])
    for notice in Notification.objects.filter(reminder__in=reminders):
        for name in names:
            notice.title, notice.body = notice.title.replace(name, ERASED), notice.body.replace(name, ERASED)
        notice.save(update_fields=["title", "body"])


def _triples(errors: Any) -> list[tuple[Any, Any, Any]]:
    out = []
    for item in errors if isinstance(errors, list) else []:
        if isinstance(item, list | tuple) and len(item) == 3:
            out.append((item[0], item[1], item[2]))
    return out


def _delete_files(names: list[str]) -> None:
    for name in names:
        delete_private_upload(name)


def erase_person(person_id: int, *, now: dt.datetime) -> bool:
    """Claim and erase one person; False when someone else already did."""
    with transaction.atomic():
        if not Person.objects.filter(pk=person_id, erased_at__isnull=True).update(erased_at=now):
            return False
        person = Person.objects.select_for_update().get(pk=person_id)
        records = list(TrainingRecord.objects.filter(person=person))
        files = [r.certificate_file for r in records if r.certificate_file]
        for record in records:
            record.certificate_number = record.certificate_file = record.rejection_reason = ""
            record.save(update_fields=["certificate_number", "certificate_file", "rejection_reason"])
        exemptions = list(Exemption.objects.filter(person=person))
        for exemption in exemptions:
            exemption.note = ""
            exemption.save(update_fields=["note"])
        Invitation.objects.filter(person=person).delete()
        Registration.objects.filter(person=person).update(certificate_number="")
        _erase_copies(person, [r.pk for r in records], [e.pk for e in exemptions])
        _erase_messages(person)
        for name, blank in PERSON_BLANKS.items():
            setattr(person, name, blank)
        person.user = None
        person.version += 1
        person.save()  # model signals move the agency's data version: cached pages showing the name are dropped
        transaction.on_commit(lambda: _delete_files(files))
    return True


@dataclass
class AgencyRun:
    agency: Agency
    cutoff: dt.date
    due: int
    erased: int = 0
    people: list[int] = field(default_factory=list)


def erase_expired(*, actor: Any = None, today: dt.date | None = None, dry_run: bool = False) -> list[AgencyRun]:
    """Erase every separated person past their agency's retention period; one audit entry per agency and run."""
    today = today or timezone.localdate()
    now = timezone.now()
    runs: list[AgencyRun] = []
    with scopes_disabled():
        periods = (
            Agency.objects.filter(personnel_retention_years__isnull=False)
            .values_list("personnel_retention_years", flat=True)
            .distinct()
        )
        for years in sorted({p for p in periods if p is not None}):
            cutoff = years_before(today, years)
            due = Person.objects.filter(
                _separated_not_erased(), agency__personnel_retention_years=years, separation_date__lte=cutoff
            ).order_by("agency_id", "pk")
            by_agency: dict[int, list[int]] = {}
            for agency_id, person_id in due.values_list("agency_id", "pk"):
                by_agency.setdefault(agency_id, []).append(person_id)
            for agency in Agency.objects.filter(pk__in=by_agency).order_by("pk"):
                run = AgencyRun(agency, cutoff, len(by_agency[agency.pk]), people=by_agency[agency.pk])
                if not dry_run:
                    run.erased = sum(erase_person(pk, now=now) for pk in run.people)
                    _log_run(actor, run, years)
                runs.append(run)
    return runs


def _log_run(actor: Any, run: AgencyRun, years: int) -> None:
    log_action(
        actor=actor,
        action="roster.retention_erased",
        obj=run.agency,
        agency=run.agency,
        after={"erased": run.erased, "separated_on_or_before": run.cutoff.isoformat(), "retention_years": years},
    )


@transaction.atomic
def set_retention_period(*, actor: Any, agency: Agency, years: int | None, expected_version: str | None = None) -> None:
    """Set how many years after separation a person's identifying data is erased (None: kept for good)."""
    current = lock_current(agency, expected_version)
    before = {"personnel_retention_years": current.personnel_retention_years}
    Agency.objects.filter(pk=agency.pk).update(personnel_retention_years=years)
    agency.personnel_retention_years = years
    log_action(
        actor=actor,
        action="agency.retention_changed",
        obj=agency,
        agency=agency,
        before=before,
        after={"personnel_retention_years": years},
    )
