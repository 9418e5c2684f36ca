"""Generated personnel and training for the demo seed. Names come from small made-up lists, never real people."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django_scopes import scope

from onemind.roster.models import DesignatedPosition, Person, PersonEvent, PersonStatus
from onemind.tenancy.changes import agency_changed
from onemind.tenancy.models import Agency
from onemind.training.models import CourseType, TrainingFormat, TrainingRecord

FIRST_NAMES = (
    "Avery Blake Casey Dana Drew Emery Finley Gray Harper Indigo Jordan Kai Lane Morgan Noel Oakley Parker Quinn "
    "Reese Rowan Sage Skyler Tatum Rory Wren"
).split()
# Invented surnames (compounds that are unlikely to belong to a real officer).
LAST_NAMES = (
    "Ashbrook Bellmoor Brightwater Caddell Copperfield Dunmore Elmsworth Fairhaven Glenholt Hartwell Ivybridge "
    "Juniperhill Kestrelby Larkspur Marrowdale Northcote Oakenfold Pinehurst Quillfeather Ravenscar Silverbirch "
    "Thornbury Underhill Valemont Westbrook Yarrowby"
).split()
UNITS = ("Patrol", "Traffic", "Investigations", "Community Policing", "Training", "Communications")
SHIFTS = ("Day", "Evening", "Night")
DISTRICTS = ("North", "South", "East", "West", "Central")
SWORN_RANKS = ("Officer", "Officer", "Officer", "Corporal", "Sergeant", "Lieutenant", "Captain")
NONSWORN_RANKS = ("Dispatcher", "Dispatcher", "Records Clerk", "Community Service Officer")
PROVIDERS = ("County Behavioral Health", "State Police Academy", "Regional CIT Partnership", "NAMI affiliate")


def seed_roster(agency: Agency, *, rng: random.Random, size: int) -> dict[str, int]:
    """Create `size` generated people with hire events and a realistic mix of MHFA/CIT records.

    About 60% hold MHFA (some expired, some expiring within 90 days, some renewed by recertification), about
    18% of sworn officers hold CIT-40, dispatchers some CIT-911; a few people are separated or on leave.
    Uses bulk_create, so thousands of people take seconds. Returns counts of what was created.
    """
    today = timezone.localdate()
    courses = {c.code: c for c in CourseType.objects.filter(code__in=["MHFA-PS", "MHFA-RECERT", "CIT-40", "CIT-911"])}
    with scope(agency=agency):
        if not DesignatedPosition.objects.filter(agency=agency).exists():
            DesignatedPosition.objects.create(agency=agency, title="Dispatcher", for_mhfa=True, for_cit=True)
        start = Person.objects.filter(agency=agency).count()
        people = Person.objects.bulk_create(
            [_person(agency, rng, today, start + i) for i in range(size)], batch_size=1000
        )
        events, records = [], []
        for person in people:
            events.extend(_events(agency, person))
            records.extend(_trainings(agency, person, rng, today, courses))
        PersonEvent.objects.bulk_create(events, batch_size=1000)
        TrainingRecord.objects.bulk_create(records, batch_size=1000)
        agency_changed(agency)
    return {"people": len(people), "events": len(events), "training_records": len(records)}


def _days_ago(today: dt.date, low: int, high: int, rng: random.Random) -> dt.date:
    return today - dt.timedelta(days=rng.randint(low, high))


def _person(agency: Agency, rng: random.Random, today: dt.date, index: int) -> Person:
    sworn = rng.random() < 0.85
    rank = rng.choice(SWORN_RANKS if sworn else NONSWORN_RANKS)
    hire = _days_ago(today, 60, 365 * 25, rng)
    values: dict[str, Any] = {}
    roll = rng.random()
    if roll < 0.04:
        values = {
            "status": PersonStatus.SEPARATED,
            "separation_date": min(today, hire + dt.timedelta(days=rng.randint(200, 4000))),
            "separation_reason": rng.choice(["Retired", "Resigned", "Transferred to another agency"]),
        }
    elif roll < 0.06:
        values = {"status": PersonStatus.LEAVE}
    return Person(
        agency=agency,
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        employee_number=f"D{index + 1:06d}",
        badge_number=str(1000 + index) if sworn else "",
        sworn=sworn,
        rank=rank,
        unit="Communications" if rank == "Dispatcher" else rng.choice(UNITS[:5]),
        shift=rng.choice(SHIFTS),
        district=rng.choice(DISTRICTS),
        hire_date=hire,
        designated_mhfa=rank == "Dispatcher",
        designated_cit=rank == "Dispatcher",
        **values,
    )


def _events(agency: Agency, person: Person) -> list[PersonEvent]:
    assert person.hire_date is not None
    events = [PersonEvent(agency=agency, person=person, kind=PersonEvent.Kind.HIRED, effective_on=person.hire_date)]
    if person.separation_date:
        events.append(
            PersonEvent(
                agency=agency,
                person=person,
                kind=PersonEvent.Kind.SEPARATED,
                effective_on=person.separation_date,
                details={"reason": person.separation_reason},
            )
        )
    return events


def _record(agency: Agency, person: Person, course: CourseType, on: dt.date, rng: random.Random) -> TrainingRecord:
    return TrainingRecord(
        agency=agency,
        person=person,
        course_type=course,
        completed_on=on,
        hours=course.default_hours or Decimal("8"),
        provider=rng.choice(PROVIDERS),
        format=rng.choice([TrainingFormat.IN_PERSON, TrainingFormat.IN_PERSON, TrainingFormat.BLENDED]),
        certificate_number=f"C-{rng.randint(100000, 999999)}",
        source=TrainingRecord.Source.IMPORT,
    )


def _trainings(
    agency: Agency, person: Person, rng: random.Random, today: dt.date, courses: dict[str, CourseType]
) -> list[TrainingRecord]:
    assert person.hire_date is not None
    records: list[TrainingRecord] = []
    earliest = max(person.hire_date, today - dt.timedelta(days=365 * 6))
    latest = min(today, person.separation_date or today)
    span = (latest - earliest).days
    if span < 1:
        return records
    roll = rng.random()
    if roll < 0.60:
        if roll < 0.08 and span > 1130:  # expiring within the next 90 days
            mhfa_on = today - dt.timedelta(days=rng.randint(1006, 1090))
        else:
            mhfa_on = earliest + dt.timedelta(days=rng.randint(0, span))
        records.append(_record(agency, person, courses["MHFA-PS"], mhfa_on, rng))
        recert_on = mhfa_on + dt.timedelta(days=rng.randint(900, 1080))
        if rng.random() < 0.25 and recert_on <= latest:
            records.append(_record(agency, person, courses["MHFA-RECERT"], recert_on, rng))
    if person.sworn and rng.random() < 0.18:
        records.append(
            _record(agency, person, courses["CIT-40"], earliest + dt.timedelta(days=rng.randint(0, span)), rng)
        )
    if person.rank == "Dispatcher" and rng.random() < 0.4:
        records.append(
            _record(agency, person, courses["CIT-911"], earliest + dt.timedelta(days=rng.randint(0, span)), rng)
        )
    return records
