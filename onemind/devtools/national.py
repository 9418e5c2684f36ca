"""A generated national campaign for benchmarks (PRODUCT.md, "Quality bars": scale data set).

18,000 agencies whose sworn sizes follow a log-normal mix (half under 10 sworn, a long tail, one ~36,000),
~1,000,000 personnel with roster histories, ~2,500,000 training records, pledges at every stage under editions
2016 and 2019. Names are generated, never real. Every generated agency's slug starts with ``natl-`` so the set
can be deleted again (``--reset``).

Speed: personnel, events, exemptions and training records bypass the ORM — COPY on PostgreSQL, executemany in
large batches on SQLite — with primary keys assigned here so children can point at parents without a round trip.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.accounts.models import User
from onemind.lib.dates import add_months
from onemind.pledges.models import Pledge, RuleEdition
from onemind.roster.models import Exemption, Person, PersonEvent
from onemind.tenancy.models import Agency
from onemind.training.models import CourseType, TrainingRecord

PREFIX = "natl-"
FULL_AGENCIES = 18_000
LARGEST_SWORN = 36_000
# Log-normal sworn sizes: median 9.5 puts half the agencies under 10; sigma 1.75 gives ~810,000 sworn in all.
MEDIAN_SWORN = 9.5
SIGMA = 1.75
NONSWORN_SHARE = 0.2
SEPARATED_SHARE = 0.08
GENERATOR_EMAIL = "national-generator@onemind.invalid"

FIRST = (
    "Alex Avery Blake Casey Dana Drew Eden Emery Finley Gray Harper Hayden Jamie Jordan Kai Kendall Lane Logan "
    "Morgan Noel Parker Quinn Reese Riley Rowan Sage Sawyer Skyler Taylor Tatum"
).split()
LAST = (
    "Abbott Barlow Calder Dunmore Ellery Fairbank Garrow Hollis Inman Jessup Kettering Lowell Marston Northcott "
    "Oakes Pellham Quarles Rainer Stroud Thorne Underhill Vance Whitlock Yardley Zeller Ashby Brandt Corwin Dalby"
).split()
TOWNS = (
    "Riverton Maple-Falls Cedar-Bluff Oakridge Pine-Hollow Silver-Lake Fairhaven Brookfield Granite-City Ashford "
    "Lakeview Stonebridge Elm-Grove Harbor-Point Red-Mesa Copper-Springs Northfield Hillsdale Bayside Kingsbury"
).split()
STATES = "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND".split()
UNITS = ("Patrol", "Investigations", "Traffic", "Community", "Support", "K9", "Training")
SHIFTS = ("Day", "Evening", "Night")


@dataclass
class Totals:
    agencies: int = 0
    pledges: int = 0
    personnel: int = 0
    events: int = 0
    exemptions: int = 0
    trainings: int = 0
    seconds: float = 0.0
    sizes: list[int] = field(default_factory=list)

    def summary(self) -> str:
        under_10 = sum(1 for s in self.sizes if s < 10)
        share = under_10 / len(self.sizes) if self.sizes else 0.0
        return (
            f"{self.agencies:,} agencies ({share:.0%} under 10 sworn, largest {max(self.sizes, default=0):,} sworn), "
            f"{self.pledges:,} pledges, {self.personnel:,} personnel, {self.events:,} roster events, "
            f"{self.exemptions:,} exemptions, {self.trainings:,} training records in {self.seconds:.1f} s"
        )


def sworn_sizes(count: int, largest: int) -> list[int]:
    """Sworn headcounts at evenly spaced quantiles of the log-normal, capped at ``largest`` (the last one)."""
    normal = NormalDist()
    mu = math.log(MEDIAN_SWORN)
    sizes = [
        min(largest, max(1, round(math.exp(mu + SIGMA * normal.inv_cdf((i + 0.5) / count))))) for i in range(count)
    ]
    sizes[-1] = largest
    return sizes


def generated_agencies() -> models.QuerySet[Agency]:
    return Agency.objects.filter(slug__startswith=PREFIX)


def reset() -> int:
    """Delete every generated agency and everything that hangs off it, with set-based DELETEs."""
    agency_ids = "SELECT id FROM tenancy_agency WHERE slug LIKE %s"
    person_ids = f"SELECT id FROM roster_person WHERE agency_id IN ({agency_ids})"  # noqa: S608 - constant SQL
    pattern = PREFIX + "%"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({agency_ids}) t", [pattern])  # noqa: S608 - constant SQL
        count = cursor.fetchone()[0]
        for model, column, parent in _dependents():
            subquery = person_ids if parent is Person else agency_ids
            table = model._meta.db_table
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({subquery})", [pattern])  # noqa: S608
        cursor.execute(f"DELETE FROM tenancy_agency WHERE id IN ({agency_ids})", [pattern])  # noqa: S608
    return int(count)


def _dependents() -> list[tuple[type[models.Model], str, type[models.Model]]]:
    """(model, FK column, Person|Agency): rows pointing at people first, then rows pointing at agencies."""
    by_person: list[tuple[type[models.Model], str, type[models.Model]]] = []
    by_agency: list[tuple[type[models.Model], str, type[models.Model]]] = []
    for model in apps.get_models():
        if model is Person or model is Agency:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.related_model is Person:
                by_person.append((model, f.column, Person))
            elif isinstance(f, models.ForeignKey) and f.related_model is Agency:
                by_agency.append((model, f.column, Agency))
    person_tables = {m for m, _, _ in by_person}
    # Person itself points at Agency: it goes after everything that points at people.
    later = [(m, c, p) for m, c, p in by_agency if m not in person_tables]
    return by_person + later + [(Person, "agency_id", Agency)]


class Sink:
    """Appends rows to a table as fast as the database allows: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def date(self, value: dt.date | None) -> Any:
        return value if self.postgres or value is None else value.isoformat()

    def uuid(self, value: uuid.UUID) -> Any:
        return value if self.postgres else value.hex

    def write(self, model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        table = model._meta.db_table
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as wrapper:
            raw: Any = wrapper.cursor
            if self.postgres:
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608

    def bump_sequence(self, model: type[models.Model]) -> None:
        if not self.postgres:
            return  # SQLite's AUTOINCREMENT follows explicit ids by itself
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            )


class Columns:
    """A table's full column list with constant defaults prepared once; rows give only the varying fields."""

    def __init__(self, model: type[models.Model], varying: Sequence[str], constants: dict[str, Any]) -> None:
        self.model = model
        fields = {f.name: f for f in model._meta.concrete_fields}
        fixed = [f for f in model._meta.concrete_fields if f.name not in varying and not f.primary_key]
        self.columns = [str(fields[name].column) for name in varying] + [str(f.column) for f in fixed]
        values = []
        for f in fixed:
            value = constants[f.name] if f.name in constants else f.get_default()
            values.append(f.get_db_prep_save(value, connection))
        self.constant_tail = tuple(values)

    def row(self, *varying: Any) -> tuple[Any, ...]:
        return varying + self.constant_tail


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(m=models.Max("id"))["m"] or 0) + 1


class Generator:
    def __init__(self, *, agencies: int, seed: int, scale: float, today: dt.date, log: Callable[[str], None]):
        self.count = max(20, round(agencies * scale))
        self.largest = max(50, round(LARGEST_SWORN * scale))
        self.rng = random.Random(seed)
        self.today = today
        self.log = log
        self.sink = Sink()
        self.totals = Totals()
        now = timezone.now()
        self.user = _generator_user()
        self.editions = {e.code: e for e in RuleEdition.objects.filter(code__in=["2016", "2019"])}
        self.courses = {c.code: c.pk for c in CourseType.objects.all()}
        self.person_cols = Columns(
            Person,
            [
                "id",
                "agency",
                "public_id",
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
            ],
            {"created_at": now, "updated_at": now},
        )
        self.event_cols = Columns(
            PersonEvent, ["agency", "person", "kind", "effective_on", "details"], {"recorded_at": now}
        )
        self.exemption_cols = Columns(
            Exemption,
            ["agency", "person", "reason", "start", "end"],
            {"approved_by": self.user.pk, "approved_at": now, "note": "Generated"},
        )
        self.training_cols = Columns(
            TrainingRecord,
            ["agency", "public_id", "person", "course_type", "completed_on", "hours", "status", "source"],
            {"created_at": now, "provider": "Generated provider"},
        )

    def run(self) -> Totals:
        started = time.perf_counter()
        sizes = sworn_sizes(self.count, self.largest)
        self.rng.shuffle(sizes)
        self.totals.sizes = sizes
        with scopes_disabled():
            agencies = self._agencies(sizes)
            pledges = self._pledges(agencies)
            self._people(agencies, pledges)
        analyze()
        self.totals.seconds = time.perf_counter() - started
        return self.totals

    def _agencies(self, sizes: list[int]) -> list[Agency]:
        start = _next_id(Agency)
        rows = []
        for i, sworn in enumerate(sizes):
            town = self.rng.choice(TOWNS).replace("-", " ")
            kind = "county" if sworn > 400 and self.rng.random() < 0.4 else self.rng.choice(["city", "city", "other"])
            label = "Sheriff's Office" if kind == "county" else "Police Department"
            rows.append(
                Agency(
                    slug=f"{PREFIX}{start + i:06d}",
                    name=f"{town} {label} {start + i}",
                    agency_type=kind,
                    state=self.rng.choice(STATES),
                    sworn_count=sworn,
                    nonsworn_count=round(sworn * NONSWORN_SHARE),
                )
            )
        created = Agency.objects.bulk_create(rows, batch_size=2000)
        if not created or created[0].pk is None:  # backends without RETURNING: read the ids back
            created = list(generated_agencies().filter(slug__in=[a.slug for a in rows]).order_by("slug"))
        self.totals.agencies = len(created)
        self.log(f"agencies: {len(created):,}")
        return created

    def _pledges(self, agencies: list[Agency]) -> dict[int, Pledge]:
        earliest = dt.date(2016, 6, 1)
        span = (self.today - earliest).days - 30
        rows = []
        for agency in agencies:
            if self.rng.random() < 0.1:
                continue  # in the directory, not pledged
            pledged_on = earliest + dt.timedelta(days=self.rng.randrange(max(span, 1)))
            code = "2016" if pledged_on < dt.date(2019, 7, 1) or self.rng.random() < 0.1 else "2019"
            sworn = agency.sworn_count or 0
            rows.append(
                Pledge(
                    agency=agency,
                    edition=self.editions[code],
                    committed_months=self.rng.choice([12, 18, 24, 24, 36]),
                    pledged_on=pledged_on,
                    sworn_count=sworn,
                    nonsworn_count=agency.nonsworn_count or 0,
                    head_name=f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}",
                    head_title="Chief of Police",
                    consent_text="Generated pledge for the national benchmark data set.",
                    signed_by=self.user,
                )
            )
        Pledge.objects.bulk_create(rows, batch_size=2000)
        self.totals.pledges = len(rows)
        self.log(f"pledges: {len(rows):,}")
        return {p.agency_id: p for p in rows}

    def _people(self, agencies: list[Agency], pledges: dict[int, Pledge]) -> None:
        next_person = _next_id(Person)
        batch = _Batch()
        for agency in agencies:
            next_person = self._agency_people(agency, pledges.get(agency.pk), next_person, batch)
            if batch.size >= 100_000:
                self._flush(batch)
                batch = _Batch()
        self._flush(batch)
        self.sink.bump_sequence(Person)

    def _flush(self, batch: _Batch) -> None:
        with transaction.atomic():
            self.sink.write(Person, self.person_cols.columns, batch.people)
            self.sink.write(PersonEvent, self.event_cols.columns, batch.events)
            self.sink.write(Exemption, self.exemption_cols.columns, batch.exemptions)
            self.sink.write(TrainingRecord, self.training_cols.columns, batch.trainings)
        t = self.totals
        t.personnel += len(batch.people)
        t.events += len(batch.events)
        t.exemptions += len(batch.exemptions)
        t.trainings += len(batch.trainings)
        self.log(f"  {t.personnel:,} personnel, {t.trainings:,} training records so far")

    def _agency_people(self, agency: Agency, pledge: Pledge | None, next_id: int, batch: _Batch) -> int:
        rng, sink = self.rng, self.sink
        sworn = agency.sworn_count or 0
        nonsworn = agency.nonsworn_count or 0
        separated = round((sworn + nonsworn) * SEPARATED_SHARE)
        districts = max(1, round(math.sqrt(sworn) / 4))
        shifts = SHIFTS if sworn >= 6 else SHIFTS[:1]
        units = UNITS[: max(1, min(len(UNITS), sworn // 8))]
        # How far along the agency is: pledged long ago -> mostly trained; never pledged -> a little.
        if pledge is None:
            progress = rng.uniform(0.0, 0.3)
        else:
            elapsed = (self.today - pledge.pledged_on).days / (pledge.committed_months * 30.4)
            progress = min(1.0, rng.uniform(0.3, 1.1) * min(1.0, 0.3 + elapsed))
        for n in range(sworn + nonsworn + separated):
            is_sworn = n < sworn or (n >= sworn + nonsworn and rng.random() < 0.8)
            hired = self.today - dt.timedelta(days=int(rng.expovariate(1 / 3000)) + rng.randrange(1, 400))
            gone = None
            if n >= sworn + nonsworn:
                gone = min(self.today, hired + dt.timedelta(days=rng.randrange(30, 4000)))
            dispatcher = not is_sworn and rng.random() < 0.45
            unit = "Communications" if dispatcher else rng.choice(units)
            shift = rng.choice(shifts)
            district = f"District {rng.randrange(1, districts + 1)}"
            batch.people.append(
                self.person_cols.row(
                    next_id,
                    agency.pk,
                    sink.uuid(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    rng.choice(FIRST),
                    rng.choice(LAST),
                    f"E{n + 1:06d}",
                    str(1000 + n),
                    is_sworn,
                    "Officer" if is_sworn else ("Dispatcher" if dispatcher else "Records clerk"),
                    unit,
                    shift,
                    district,
                    sink.date(hired),
                    sink.date(gone),
                    "Retired" if gone else "",
                    "separated" if gone else "active",
                    dispatcher,
                    dispatcher and rng.random() < 0.3,
                )
            )
            self._history(agency.pk, next_id, hired, gone, unit, batch)
            if is_sworn or dispatcher:
                self._trainings(agency.pk, next_id, is_sworn, hired, gone, progress, pledge, batch)
            next_id += 1
        return next_id

    def _history(self, agency_id: int, person_id: int, hired: dt.date, gone: dt.date | None, unit: str, b: _Batch):
        d = self.sink.date
        b.events.append(self.event_cols.row(agency_id, person_id, "hired", d(hired), "{}"))
        if gone is not None:
            b.events.append(self.event_cols.row(agency_id, person_id, "separated", d(gone), '{"reason": "Retired"}'))
        elif self.rng.random() < 0.1:
            moved = hired + dt.timedelta(days=self.rng.randrange(1, max(2, (self.today - hired).days)))
            details = json.dumps({"unit": ["Patrol", unit]})
            b.events.append(self.event_cols.row(agency_id, person_id, "transferred", d(moved), details))
        if gone is None and self.rng.random() < 0.01:
            start = self.today - dt.timedelta(days=self.rng.randrange(0, 200))
            end = start + dt.timedelta(days=self.rng.randrange(30, 365))
            reason = self.rng.choice(["military", "long_term_leave", "light_duty"])
            b.exemptions.append(self.exemption_cols.row(agency_id, person_id, reason, d(start), d(end)))

    def _trainings(
        self,
        agency_id: int,
        person_id: int,
        sworn: bool,
        hired: dt.date,
        gone: dt.date | None,
        progress: float,
        pledge: Pledge | None,
        b: _Batch,
    ) -> None:
        rng = self.rng
        last = gone or self.today
        done: set[tuple[str, dt.date]] = set()

        def add(code: str, day: dt.date, hours: str) -> None:
            if day > last or day < hired or (code, day) in done:
                return
            done.add((code, day))
            roll = rng.random()
            status = "accepted" if roll < 0.97 else ("pending" if roll < 0.99 else "rejected")
            uid = self.sink.uuid(uuid.UUID(int=rng.getrandbits(128), version=4))
            sdate = self.sink.date(day)
            b.trainings.append(
                self.training_cols.row(agency_id, uid, person_id, self.courses[code], sdate, hours, status, "import")
            )

        def some_day(after: dt.date) -> dt.date:
            return after + dt.timedelta(days=rng.randrange(0, max(1, (last - after).days + 1)))

        start = max(hired, pledge.pledged_on - dt.timedelta(days=365)) if pledge else hired
        # An early certificate, long lapsed or renewed: roster histories carry old training too.
        if rng.random() < 0.8:
            first = some_day(hired)
            add("MHFA-PS", first, "8.0")
            renewal = first
            while rng.random() < 0.8:
                renewal = add_months(renewal, rng.randrange(28, 36))
                add("MHFA-RECERT", renewal, "4.0")
        if rng.random() < progress:
            add("MHFA-PS", some_day(start), "6.5")
        if sworn and rng.random() < 0.12 + 0.3 * progress:
            add(rng.choice(["CIT-40", "CIT-40", "CIT-40", "CRIT-40"]), some_day(hired), "40.0")
        if not sworn and rng.random() < 0.5:
            add("CIT-911", some_day(hired), "8.0")
        if rng.random() < 0.15:
            add("MHFA-ADULT", some_day(hired), "8.0")


@dataclass
class _Batch:
    people: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    exemptions: list[tuple[Any, ...]] = field(default_factory=list)
    trainings: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.people) + len(self.trainings)


def _generator_user() -> User:
    user = User.objects.filter(email=GENERATOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=GENERATOR_EMAIL, password=None, full_name="National data generator", email_verified_at=timezone.now()
        )
    return user


def analyze() -> None:
    """Refresh PostgreSQL's planner statistics: after millions of fresh rows its estimates are for empty tables,
    and it would read one agency's 100,000 training records through the wrong plan until autovacuum catches up."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def generate_national(
    *,
    agencies: int = FULL_AGENCIES,
    seed: int = 1,
    scale: float = 1.0,
    today: dt.date | None = None,
    log: Callable[[str], None] = lambda _msg: None,
) -> Totals:
    day = today or timezone.localdate()
    return Generator(agencies=agencies, seed=seed, scale=scale, today=day, log=log).run()
