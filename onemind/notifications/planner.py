"""Decide which reminders are due and write them as rows: set-based, and idempotent by the unique dedupe key.

Each date-driven reminder has a window: it is planned from its due day until the next stage of the same thing
begins (or ``CATCH_UP_DAYS`` pass), so a planner that did not run for a few days still plans what it missed,
and re-running it on any day never plans a reminder twice. Only the latest stage is planned: a certificate
first seen 20 days before it lapses gets the 30-day reminder, not a stale 90-day one as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.compliance.loader import load_many
from onemind.compliance.selectors import untrained_hires
from onemind.engine import Training, certificate_on, certification_expiry
from onemind.lib.dates import add_months
from onemind.notifications.kinds import Kind
from onemind.notifications.models import DEFAULT_NEW_HIRE_DAYS, AgencyNotificationSettings, Reminder
from onemind.notifications.timezones import local_today, zone, zone_name
from onemind.partnerships.models import Partnership
from onemind.pledges.models import Pledge
from onemind.roster.models import Person, PersonStatus
from onemind.tenancy.models import Agency, Membership
from onemind.tenancy.roles import Role

CATCH_UP_DAYS = 30
MILESTONE_MONTHS = (12, 24, 30)
DEADLINE_DAYS_BEFORE = (90, 30)
AGREEMENT_DAYS_BEFORE = 60
MHFA_STAGES = ((90, Kind.MHFA_EXPIRING_90), (30, Kind.MHFA_EXPIRING_30), (0, Kind.MHFA_EXPIRED))
AGENCY_ROLES = (Role.AGENCY_ADMIN, Role.TRAINING_COORDINATOR)


@dataclass(frozen=True)
class Planned:
    kind: str
    recipient_id: int
    agency_id: int | None
    subject_key: str
    due_on: dt.date
    dedupe_key: str
    context: dict[str, Any] = field(default_factory=dict)
    # When it may be sent: local midnight of the due day in the agency's zone (or now, for events).
    not_before: dt.datetime | None = None


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    name: str
    slug: str
    today: dt.date
    zone: str
    new_hire_days: int
    recipients: tuple[int, ...]


def message_id_for(dedupe_key: str) -> str:
    """The same Message-ID for every delivery attempt of one reminder, so a mail system can drop a repeat."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]
    domain = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "onemind.invalid"
    return f"<reminder.{digest}@{domain}>"


def local_midnight(day: dt.date, zone_id: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone(zone_id))


def save_planned(planned: Iterable[Planned]) -> int:
    """Insert the rows not yet planned; returns how many were new. Safe against a concurrent planner."""
    rows = {p.dedupe_key: p for p in planned}
    if not rows:
        return 0
    existing: set[str] = set()
    keys = list(rows)
    for start in range(0, len(keys), 500):
        existing.update(
            Reminder.objects.filter(dedupe_key__in=keys[start : start + 500]).values_list("dedupe_key", flat=True)
        )
    now = timezone.now()
    new = [
        Reminder(
            kind=p.kind,
            recipient_id=p.recipient_id,
            agency_id=p.agency_id,
            subject_key=p.subject_key,
            due_on=p.due_on,
            dedupe_key=p.dedupe_key,
            context=p.context,
            next_attempt_at=p.not_before or now,
            message_id=message_id_for(p.dedupe_key),
        )
        for key, p in rows.items()
        if key not in existing
    ]
    # ignore_conflicts: a second planner racing this one hits the unique key and simply loses.
    Reminder.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def plan_reminders(now: dt.datetime | None = None) -> int:
    """Plan every date-driven reminder due by ``now``; returns the number of new rows."""
    now = now or timezone.now()
    with scopes_disabled():
        agencies = agency_infos(now)
        summary: dict[int, dict[str, Any]] = defaultdict(lambda: {"expiring": 0, "lapsed": 0, "untrained": 0})
        planned: list[Planned] = []
        planned += _people_reminders(agencies, summary)
        planned += _deadline_reminders(agencies, summary)
        planned += _agreement_reminders(agencies)
        planned += _digests(agencies, summary)
        with transaction.atomic():
            return save_planned(planned)


def agency_recipients(agency_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
    """Active administrators and training coordinators by agency: who hears about an agency's reminders."""
    rows = Membership.objects.filter(role__in=AGENCY_ROLES, user__is_active=True)
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=list(agency_ids))
    result: dict[int, list[int]] = defaultdict(list)
    for agency_id, user_id in rows.order_by("agency_id", "user_id").values_list("agency_id", "user_id"):
        result[agency_id].append(user_id)
    return dict(result)


def agency_infos(now: dt.datetime, agency_ids: Iterable[int] | None = None) -> dict[int, AgencyInfo]:
    """Only agencies with someone to tell: on the national data set that is the few with accounts."""
    recipients = agency_recipients(agency_ids)
    own = {
        agency_id: (days, tz)
        for agency_id, days, tz in AgencyNotificationSettings.objects.filter(
            agency_id__in=list(recipients)
        ).values_list("agency_id", "new_hire_days", "time_zone")
    }
    infos = {}
    for pk, name, slug, state in Agency.objects.filter(pk__in=list(recipients)).values_list(
        "pk", "name", "slug", "state"
    ):
        days, explicit = own.get(pk, (DEFAULT_NEW_HIRE_DAYS, ""))
        zone_id = zone_name(state, explicit)
        infos[pk] = AgencyInfo(pk, name, slug, local_today(now, zone_id), zone_id, days, tuple(recipients[pk]))
    return infos


def _stage(stages: Sequence[tuple[dt.date, str, str]], today: dt.date, ends: dt.date | None) -> tuple[Any, ...]:
    """The latest stage begun by ``today`` whose window (until the next stage, at most CATCH_UP_DAYS) is open."""
    current: tuple[Any, ...] = ()
    for index, (start, kind, label) in enumerate(stages):
        if start > today:
            break
        following = stages[index + 1][0] if index + 1 < len(stages) else ends
        limit = start + dt.timedelta(days=CATCH_UP_DAYS)
        if following is not None:
            limit = min(limit, following)
        current = (start, kind, label) if today < limit else ()
    return current


def _people_reminders(agencies: dict[int, AgencyInfo], summary: dict[int, dict[str, Any]]) -> list[Planned]:
    if not agencies:
        return []
    planned: list[Planned] = []
    # Roster history is rewound to one day for all: agencies' "today" differ by at most a day across zones.
    on = max(info.today for info in agencies.values())
    for records_by_agency, editions in load_many(agencies, on):
        found: list[tuple[AgencyInfo, int, str, dt.date, dt.date]] = []  # agency, person, kind, due, key date
        for agency_id, records in records_by_agency.items():
            info = agencies[agency_id]
            edition = editions[agency_id]
            qualifying = edition.s3_accepts | edition.s4_accepts
            trainings: dict[Any, list[Training]] = defaultdict(list)
            for training in records.trainings:
                trainings[training.person_id].append(training)
            counts = summary[agency_id]
            # The dashboard's own list, so the digest and the dashboard give one number.
            counts["untrained"] = len(untrained_hires(records, info.today, edition))
            for person in records.people:
                if person.separation_date is not None and person.separation_date <= info.today:
                    continue
                if person.hire_date is not None and person.hire_date > info.today:
                    continue
                history = trainings.get(person.id, [])
                expiry = certification_expiry(history, edition, info.today)
                if expiry is not None:
                    if expiry <= info.today:
                        counts["lapsed"] += 1
                    elif expiry <= info.today + dt.timedelta(days=90):
                        counts["expiring"] += 1
                    stages = [(expiry - dt.timedelta(days=d), kind, "") for d, kind in MHFA_STAGES]
                    stage = _stage(stages, info.today, None)
                    if stage:
                        found.append((info, int(person.id), stage[1], stage[0], expiry))
                if person.sworn and person.hire_date is not None:
                    due = person.hire_date + dt.timedelta(days=info.new_hire_days)
                    if due <= info.today and not certificate_on(history, info.today, edition, qualifying).ever_trained:
                        if info.today < due + dt.timedelta(days=CATCH_UP_DAYS):
                            found.append((info, int(person.id), Kind.NEW_HIRE_UNTRAINED, due, person.hire_date))
        planned += _people_rows(found)
    return planned


def _people_rows(found: list[tuple[AgencyInfo, int, str, dt.date, dt.date]]) -> list[Planned]:
    """Names, links and the officer's own login for the people found: one query for the whole chunk."""
    details = {
        pk: (first, last, public_id, user_id, status)
        for pk, first, last, public_id, user_id, status in Person.objects.filter(
            pk__in=[f[1] for f in found]
        ).values_list("pk", "first_name", "last_name", "public_id", "user_id", "status")
    }
    planned = []
    for info, person_id, kind, due, key_date in found:
        first, last, public_id, user_id, status = details[person_id]
        if status == PersonStatus.SEPARATED:
            continue
        context = {
            "person": f"{first} {last}".strip(),
            "person_id": str(public_id),
            "agency": info.name,
            "agency_slug": info.slug,
            "date": key_date.isoformat(),
        }
        recipients = list(info.recipients)
        if kind != Kind.NEW_HIRE_UNTRAINED and user_id is not None and user_id not in recipients:
            recipients.append(user_id)
        for recipient in recipients:
            planned.append(
                Planned(
                    kind=kind,
                    recipient_id=recipient,
                    agency_id=info.id,
                    subject_key=f"person:{person_id}",
                    due_on=due,
                    dedupe_key=f"{kind}:p{person_id}:{key_date.isoformat()}:u{recipient}",
                    context={**context, "own": recipient == user_id},
                    not_before=local_midnight(info.today, info.zone),
                )
            )
    return planned


def deadline_stages(pledged_on: dt.date, months: int) -> list[tuple[dt.date, str, str]]:
    deadline = add_months(pledged_on, months)
    stages = [(add_months(pledged_on, m), Kind.DEADLINE_MILESTONE, f"{m}m") for m in MILESTONE_MONTHS if m < months]
    stages += [
        (deadline - dt.timedelta(days=d), Kind.DEADLINE_APPROACHING, f"{d}d")
        for d in DEADLINE_DAYS_BEFORE
        if deadline - dt.timedelta(days=d) > pledged_on
    ]
    return sorted(stages)


def _deadline_reminders(agencies: dict[int, AgencyInfo], summary: dict[int, dict[str, Any]]) -> list[Planned]:
    planned = []
    pledges = Pledge.objects.filter(
        agency_id__in=list(agencies), superseded_at__isnull=True, agency__recognized_on__isnull=True
    ).values_list("pk", "agency_id", "pledged_on", "committed_months")
    for pledge_id, agency_id, pledged_on, months in pledges:
        info = agencies[agency_id]
        deadline = add_months(pledged_on, months)
        summary[agency_id]["deadline"] = deadline.isoformat()
        stage = _stage(deadline_stages(pledged_on, months), info.today, deadline)
        if not stage:
            continue
        due, kind, label = stage
        context = {"agency": info.name, "agency_slug": info.slug, "deadline": deadline.isoformat(), "stage": label}
        for recipient in info.recipients:
            planned.append(
                Planned(
                    kind=kind,
                    recipient_id=recipient,
                    agency_id=agency_id,
                    subject_key=f"pledge:{pledge_id}",
                    due_on=due,
                    dedupe_key=f"{kind}:g{pledge_id}:{label}:{deadline.isoformat()}:u{recipient}",
                    context=context,
                    not_before=local_midnight(info.today, info.zone),
                )
            )
    return planned


def _agreement_reminders(agencies: dict[int, AgencyInfo]) -> list[Planned]:
    planned = []
    rows = Partnership.objects.filter(agency_id__in=list(agencies), ends_on__isnull=False).values_list(
        "pk", "public_id", "agency_id", "ends_on", "organization__name"
    )
    for pk, public_id, agency_id, ends_on, partner in rows:
        assert ends_on is not None  # filtered above
        info = agencies[agency_id]
        due = ends_on - dt.timedelta(days=AGREEMENT_DAYS_BEFORE)
        if not due <= info.today <= ends_on:
            continue
        context = {
            "agency": info.name,
            "agency_slug": info.slug,
            "partner": partner,
            "date": ends_on.isoformat(),
            "partnership_id": str(public_id),
        }
        for recipient in info.recipients:
            planned.append(
                Planned(
                    kind=Kind.AGREEMENT_ENDING,
                    recipient_id=recipient,
                    agency_id=agency_id,
                    subject_key=f"partnership:{pk}",
                    due_on=due,
                    dedupe_key=f"{Kind.AGREEMENT_ENDING}:s{pk}:{ends_on.isoformat()}:u{recipient}",
                    context=context,
                    not_before=local_midnight(info.today, info.zone),
                )
            )
    return planned


DIGEST_DEADLINE_DAYS = 180


def _digests(agencies: dict[int, AgencyInfo], summary: dict[int, dict[str, Any]]) -> list[Planned]:
    """One digest per coordinator and week (due on the agency's Monday), when there is something to report."""
    planned = []
    for agency_id, info in agencies.items():
        counts = summary.get(agency_id, {})
        deadline = counts.get("deadline")
        near = deadline is not None and dt.date.fromisoformat(deadline) - info.today <= dt.timedelta(
            days=DIGEST_DEADLINE_DAYS
        )
        if not (counts.get("expiring") or counts.get("lapsed") or counts.get("untrained") or near):
            continue
        monday = info.today - dt.timedelta(days=info.today.weekday())
        year, week, _ = monday.isocalendar()
        context = {"agency": info.name, "agency_slug": info.slug, "week_of": monday.isoformat(), **counts}
        for recipient in info.recipients:
            planned.append(
                Planned(
                    kind=Kind.WEEKLY_DIGEST,
                    recipient_id=recipient,
                    agency_id=agency_id,
                    subject_key=f"agency:{agency_id}",
                    due_on=monday,
                    dedupe_key=f"{Kind.WEEKLY_DIGEST}:a{agency_id}:{year}-W{week:02d}:u{recipient}",
                    context=context,
                    not_before=local_midnight(info.today, info.zone),
                )
            )
    return planned
