"""Django rows → the engine's frozen inputs (``onemind.engine``), in a fixed number of queries.

Nothing here builds model instances: ``values_list`` tuples become engine records directly, so a 36,000-person
agency costs the same number of queries as a 9-person one (people, exemptions, accepted trainings and sworn-status
events, one query each), and only the columns the engine reads are fetched. ``load_many``, ``load_campaign`` and
``load_campaign_history`` do the same for the whole campaign, chunked by agency id so a million people stream
through memory a few thousand agencies at a time.

Strategies 1 and 2 come from the partnerships and policies apps' selectors, verification from reviews', each one
set-based call per agency or per chunk.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Q
from django.utils import timezone

from onemind.engine import (
    AgencyRecords,
    AgencyResult,
    Edition,
    Exemption,
    Partnership,
    Person,
    PersonId,
    Pledge,
    Policy,
    Standing,
    SwornChange,
    Training,
    evaluate,
    evaluate_dates,
    make_edition,
    standings_on_dates,
    sworn_on,
)
from onemind.pledges.models import Pledge as PledgeRow
from onemind.pledges.models import RuleEdition
from onemind.roster.models import Exemption as ExemptionRow
from onemind.roster.models import Person as PersonRow
from onemind.roster.models import PersonEvent
from onemind.tenancy.models import Agency
from onemind.training.models import CourseType, TrainingRecord

CHUNK_AGENCIES = 1500

PERSON_COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "sworn",
    "designated_mhfa",
    "designated_cit",
    "hire_date",
    "separation_date",
    "shift",
    "unit",
    "district",
)
PERSON_COLUMNS_NO_NAMES = tuple(c for c in PERSON_COLUMNS if c not in {"first_name", "last_name"})


@dataclass(frozen=True)
class CourseCatalog:
    """Course type id → code, and the approved equivalents by family: one small query serves both."""

    codes: dict[int, str]
    mhfa_equivalents: frozenset[str]
    cit_equivalents: frozenset[str]


def course_catalog() -> CourseCatalog:
    codes: dict[int, str] = {}
    mhfa: set[str] = set()
    cit: set[str] = set()
    for pk, code, family, is_equivalent, approved in CourseType.objects.values_list(
        "id", "code", "family", "is_equivalent", "approved"
    ):
        codes[pk] = code
        if is_equivalent and approved:
            if family == CourseType.Family.MHFA:
                mhfa.add(code)
            elif family == CourseType.Family.CIT:
                cit.add(code)
    return CourseCatalog(codes, frozenset(mhfa), frozenset(cit))


def edition_from_row(row: RuleEdition, catalog: CourseCatalog) -> Edition:
    return make_edition(
        row.code,
        partner_scope=row.partner_scope,
        policy_covers_idd=row.policy_covers_idd,
        s3_accepts_cit=row.s3_accepts_cit,
        s4_counts_designated=row.s4_counts_designated,
        mhfa_equivalents=catalog.mhfa_equivalents,
        cit_equivalents=catalog.cit_equivalents,
        mhfa_valid_months=row.mhfa_valid_months,
        cit_valid_months=row.cit_valid_months,
        s3_target_percent=row.s3_target_percent,
        s4_target_percent=row.s4_target_percent,
        new_hire_grace_days=row.new_hire_grace_days,
        at_risk_time_percent=row.at_risk_time_percent,
        min_months=row.min_months,
        max_months=row.max_months,
    )


def edition_for(pledge: PledgeRow | None, catalog: CourseCatalog | None = None) -> Edition:
    """The edition a pledge is judged under, with the approved equivalents; the default edition without a pledge."""
    catalog = catalog or course_catalog()
    if pledge is not None:
        return edition_from_row(pledge.edition, catalog)
    row = RuleEdition.objects.filter(is_default=True).first() or RuleEdition.objects.get(code="2016")
    return edition_from_row(row, catalog)


def current_pledge_row(agency: Agency) -> PledgeRow | None:
    return PledgeRow.objects.filter(agency=agency, superseded_at__isnull=True).select_related("edition").first()


def engine_pledge(row: PledgeRow | None, agency: Agency) -> Pledge | None:
    if row is None:
        return None
    # Verification is a later issue: until then no strategy is verified and only recognition completes.
    return Pledge(pledged_on=row.pledged_on, months=row.committed_months, recognized_on=agency.recognized_on)


@dataclass(frozen=True)
class AgencyData:
    """Everything one agency's evaluation needs, loaded once and judged on any number of dates."""

    agency: Agency
    pledge_row: PledgeRow | None
    edition: Edition
    records: AgencyRecords
    # person id -> [(effective_on, sworn before, sworn after)] for sworn-status changes, oldest first.
    sworn_changes: dict[PersonId, list[SwornChange]]
    # person id -> every accepted (completed_on, course code), oldest first: what the engine walks.
    histories: dict[PersonId, list[tuple[dt.date, str]]]

    def records_on(self, on: dt.date) -> AgencyRecords:
        """The records as the roster stood on ``on``: only sworn-status changes need rewinding."""
        if not self.sworn_changes:
            return self.records
        people = []
        for person in self.records.people:
            changes = self.sworn_changes.get(person.id)
            if changes:
                person = replace(person, sworn=sworn_on(changes, on, person.sworn))
            people.append(person)
        return replace(self.records, people=tuple(people))

    def histories_on(self, on: dt.date) -> dict[PersonId, list[tuple[dt.date, str]]]:
        """``histories`` cut at ``on`` (what ``evaluate(histories=...)`` takes); no copy when nothing is later."""
        if all(history[-1][0] <= on for history in self.histories.values()):
            return self.histories
        cut = {pk: [entry for entry in history if entry[0] <= on] for pk, history in self.histories.items()}
        return {pk: history for pk, history in cut.items() if history}

    def evaluate(self, on: dt.date, *, detail: bool = True) -> AgencyResult:
        """The engine's judgement on one date."""
        return evaluate(self.records_on(on), on, self.edition, detail=detail, histories=self.histories_on(on))

    def standings(self, dates: Sequence[dt.date]) -> list[Standing]:
        """Status and numbers on many dates in one sweep (what a history chart plots)."""
        return standings_on_dates(
            self.records, dates, self.edition, sworn_changes=self.sworn_changes, histories=self.histories
        )

    def evaluate_dates(self, dates: Sequence[dt.date]) -> list[AgencyResult]:
        """The engine's figures on many dates in one sweep (no per-person lists)."""
        return evaluate_dates(
            self.records, dates, self.edition, sworn_changes=self.sworn_changes, histories=self.histories
        )


_UNSET: Any = object()


def load_agency(
    agency: Agency,
    *,
    names: bool = True,
    pledge_row: PledgeRow | None = _UNSET,
    catalog: CourseCatalog | None = None,
    trainings: bool = True,
    everyone: bool = True,
) -> AgencyData:
    """One agency's records in a fixed number of queries whatever its size (pledge, courses, people,
    exemptions, training, events, agreements, policies, verification).

    A caller that already read the pledge row or the course catalog passes them in and saves those queries.
    ``trainings=False`` leaves ``records.trainings`` empty: callers that judge through ``AgencyData.evaluate``
    or ``evaluate_dates`` read ``histories`` instead and save building one object per training record.
    ``everyone=False`` leaves out people who count on no date (neither sworn nor designated, never sworn).
    """
    if pledge_row is _UNSET:
        pledge_row = current_pledge_row(agency)
    catalog = catalog or course_catalog()
    edition = edition_for(pledge_row, catalog)
    columns = PERSON_COLUMNS if names else PERSON_COLUMNS_NO_NAMES
    roster = PersonRow.objects.filter(agency=agency)
    if not everyone:
        # Only people who can count on some date: sworn, designated, or sworn at some time (a status change).
        ever_sworn = PersonEvent.objects.filter(agency=agency, kind=PersonEvent.Kind.SWORN_CHANGED)
        roster = roster.filter(
            Q(sworn=True) | Q(designated_mhfa=True) | Q(designated_cit=True) | Q(pk__in=ever_sworn.values("person_id"))
        )
    people_rows = roster.order_by().values_list(*columns)
    exemptions = _exemptions(ExemptionRow.objects.filter(agency=agency))
    training_rows = (
        TrainingRecord.objects.filter(agency=agency, status=TrainingRecord.Status.ACCEPTED)
        .order_by()
        .values_list("person_id", "course_type_id", "completed_on")
    )
    histories = _histories(training_rows, catalog.codes)
    changes = _sworn_changes(PersonEvent.objects.filter(agency=agency))
    no_exemptions: tuple[Exemption, ...] = ()
    if names:
        # Built inline rather than through ``_person``: a 46,000-person roster pays for every call.
        people = tuple(
            [
                Person(
                    pk,
                    f"{last}, {first}" if first else last,
                    sworn,
                    d_mhfa,
                    d_cit,
                    hired,
                    separated,
                    exemptions.get(pk, no_exemptions) if exemptions else no_exemptions,
                    shift or "(no shift)",
                    unit or "(no unit)",
                    district or "(no district)",
                )
                for pk, first, last, sworn, d_mhfa, d_cit, hired, separated, shift, unit, district in people_rows
            ]
        )
    else:
        people = tuple(_person_without_name(row, exemptions) for row in people_rows)
    records = AgencyRecords(
        people=people,
        trainings=tuple(Training(pk, code, day) for pk, entries in histories.items() for day, code in entries)
        if trainings
        else (),
        partnerships=tuple(_partnerships([agency.pk]).get(agency.pk, ())),
        policies=tuple(_policies([agency.pk]).get(agency.pk, ())),
        pledge=_with_verification({agency.pk: engine_pledge(pledge_row, agency)}, [agency.pk])[agency.pk],
    )
    return AgencyData(agency, pledge_row, edition, records, changes, histories)


def _histories(
    rows: Iterable[tuple[int, int, dt.date]], codes: dict[int, str]
) -> dict[PersonId, list[tuple[dt.date, str]]]:
    """(person, course type, completed_on) rows → each person's (completed_on, code) list, oldest first.

    Sorted here rather than by the database: PostgreSQL spills a 100,000-row sort to disk, Python sorts each
    person's two or three records in place.
    """
    grouped: dict[PersonId, list[tuple[dt.date, str]]] = {}
    for person_id, course_id, completed_on in rows:
        entry = (completed_on, codes[course_id])
        history = grouped.get(person_id)
        if history is None:
            grouped[person_id] = [entry]
        else:
            history.append(entry)
    for history in grouped.values():
        if len(history) > 1:
            history.sort()
    return grouped


def load_agency_records(agency: Agency, on: dt.date) -> AgencyRecords:
    """The engine's input for one agency as its roster stood on ``on``."""
    return load_agency(agency).records_on(on)


def load_many(
    agency_ids: Iterable[int], on: dt.date, *, chunk: int = CHUNK_AGENCIES
) -> Iterator[tuple[dict[int, AgencyRecords], dict[int, Edition]]]:
    """Records and editions for many agencies, a chunk of agencies at a time, without names (figures only).

    Per chunk: pledges, people, exemptions, accepted trainings and sworn events, one query each; plus one
    query for the course catalog and one for the editions overall.
    """
    ids = sorted(set(agency_ids))
    catalog = course_catalog()
    editions, default = _editions(catalog)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        wanted = set(part)
        lo, hi = part[0], part[-1]

        def in_range(qs: Any, lo: int = lo, hi: int = hi) -> Any:
            return qs.filter(agency_id__gte=lo, agency_id__lte=hi)

        pledges = _current_pledges(in_range(PledgeRow.objects.filter(superseded_at__isnull=True)))
        exemptions = _exemptions(in_range(ExemptionRow.objects.all()))
        trainings = _trainings(in_range(TrainingRecord.objects.all()), catalog)
        changes = _sworn_changes(in_range(PersonEvent.objects.all()))
        people: dict[int, list[Person]] = defaultdict(list)
        for row in (
            in_range(PersonRow.objects.all())
            .order_by()
            .values_list("agency_id", *PERSON_COLUMNS)
            .iterator(chunk_size=20_000)
        ):
            person = _person(row[1:], exemptions, names=False)
            if changes and person.id in changes:
                person = replace(person, sworn=sworn_on(changes[person.id], on, person.sworn))
            people[row[0]].append(person)
        partnerships, policies = _partnerships(part), _policies(part)
        verified_pledges = _with_verification({a: pledges.get(a, (None, None))[1] for a in part}, part)
        records: dict[int, AgencyRecords] = {}
        chunk_editions: dict[int, Edition] = {}
        for agency_id in part:
            if agency_id not in wanted:
                continue
            edition_id, _unverified = pledges.get(agency_id, (None, None))
            pledge = verified_pledges[agency_id]
            records[agency_id] = AgencyRecords(
                people=tuple(people.get(agency_id, ())),
                trainings=tuple(trainings.get(agency_id, ())),
                partnerships=tuple(partnerships.get(agency_id, ())),
                policies=tuple(policies.get(agency_id, ())),
                pledge=pledge,
            )
            chunk_editions[agency_id] = editions[edition_id] if edition_id in editions else default
        yield records, chunk_editions


# What a figures-only evaluation reads of a person: no names, no shift/unit/district.
CAMPAIGN_PERSON_COLUMNS = (
    "agency_id",
    "id",
    "sworn",
    "designated_mhfa",
    "designated_cit",
    "hire_date",
    "separation_date",
)


@dataclass(frozen=True)
class CampaignChunk:
    """Figures-only inputs for a chunk of agencies on one date (see ``load_campaign``)."""

    records: dict[int, AgencyRecords]
    editions: dict[int, Edition]
    # person id -> [(completed_on, course code)] up to the date, oldest first: ``evaluate(histories=...)``.
    histories: dict[PersonId, list[tuple[dt.date, str]]]
    # person id -> sworn-status changes (``load_campaign_history`` only: people keep today's flag).
    sworn_changes: dict[PersonId, list[SwornChange]] = field(default_factory=dict)


def load_campaign(agency_ids: Iterable[int], on: dt.date, *, chunk: int = CHUNK_AGENCIES) -> Iterator[CampaignChunk]:
    """``load_many`` cut down to what the figures on ``on`` need, for a campaign-wide run.

    The same queries per chunk, but: people who cannot count on ``on`` (separated by then, not yet hired, or
    neither sworn nor designated and never sworn) are left out, which the engine would do anyway; trainings are
    read up to ``on`` only and go straight into per-person histories instead of one Training object per row; no
    names, shifts, units or districts are read.
    """
    ids = sorted(set(agency_ids))
    catalog = course_catalog()
    codes = catalog.codes
    editions, default = _editions(catalog)
    accepted = TrainingRecord.Status.ACCEPTED
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        lo, hi = part[0], part[-1]

        def in_range(qs: Any, lo: int = lo, hi: int = hi) -> Any:
            return qs.filter(agency_id__gte=lo, agency_id__lte=hi)

        pledges = _current_pledges(in_range(PledgeRow.objects.filter(superseded_at__isnull=True)))
        exemptions = _exemptions(in_range(ExemptionRow.objects.all()))
        changes = _sworn_changes(in_range(PersonEvent.objects.all()))
        histories: dict[PersonId, list[tuple[dt.date, str]]] = {}
        training_rows = (
            in_range(TrainingRecord.objects.filter(status=accepted, completed_on__lte=on))
            .order_by()
            .values_list("person_id", "course_type_id", "completed_on")
            .iterator(chunk_size=50_000)
        )
        for person_id, course_id, completed_on in training_rows:
            entry = (completed_on, codes[course_id])
            history = histories.get(person_id)
            if history is None:
                histories[person_id] = [entry]
            else:
                history.append(entry)
        for history in histories.values():
            if len(history) > 1:
                history.sort()
        people: dict[int, list[Person]] = defaultdict(list)
        in_post = Q(hire_date__isnull=True) | Q(hire_date__lte=on)
        not_gone = Q(separation_date__isnull=True) | Q(separation_date__gt=on)
        no_exemptions: tuple[Exemption, ...] = ()
        for agency_id, pk, sworn, d_mhfa, d_cit, hired, separated in (
            in_range(PersonRow.objects.filter(in_post, not_gone))
            .order_by()
            .values_list(*CAMPAIGN_PERSON_COLUMNS)
            .iterator(chunk_size=20_000)
        ):
            changed = changes.get(pk)
            if changed:
                sworn = sworn_on(changed, on, sworn)
            elif not (sworn or d_mhfa or d_cit):
                continue
            people[agency_id].append(
                Person(pk, "", sworn, d_mhfa, d_cit, hired, separated, exemptions.get(pk, no_exemptions))
            )
        records, chunk_editions = _chunk_records(part, people, pledges, editions, default)
        yield CampaignChunk(records, chunk_editions, histories)


def load_campaign_history(
    agency_ids: Iterable[int], first: dt.date, last: dt.date, *, chunk: int = CHUNK_AGENCIES
) -> Iterator[CampaignChunk]:
    """What the sweep needs to judge every agency on any dates from ``first`` to ``last``, chunk by chunk.

    Per chunk the same queries as ``load_campaign``; people are kept with today's sworn flag and their
    sworn-status changes (the sweep rewinds them per date), trainings up to ``last``; people in post on none
    of the dates, or never sworn nor designated, are left out.
    """
    ids = sorted(set(agency_ids))
    catalog = course_catalog()
    editions, default = _editions(catalog)
    accepted = TrainingRecord.Status.ACCEPTED
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        lo, hi = part[0], part[-1]

        def in_range(qs: Any, lo: int = lo, hi: int = hi) -> Any:
            return qs.filter(agency_id__gte=lo, agency_id__lte=hi)

        pledges = _current_pledges(in_range(PledgeRow.objects.filter(superseded_at__isnull=True)))
        exemptions = _exemptions(in_range(ExemptionRow.objects.all()))
        changes = _sworn_changes(in_range(PersonEvent.objects.all()))
        histories = _histories(
            in_range(TrainingRecord.objects.filter(status=accepted, completed_on__lte=last))
            .order_by()
            .values_list("person_id", "course_type_id", "completed_on")
            .iterator(chunk_size=50_000),
            catalog.codes,
        )
        people: dict[int, list[Person]] = defaultdict(list)
        in_post = Q(hire_date__isnull=True) | Q(hire_date__lte=last)
        not_gone = Q(separation_date__isnull=True) | Q(separation_date__gt=first)
        no_exemptions: tuple[Exemption, ...] = ()
        for agency_id, pk, sworn, d_mhfa, d_cit, hired, separated in (
            in_range(PersonRow.objects.filter(in_post, not_gone))
            .order_by()
            .values_list(*CAMPAIGN_PERSON_COLUMNS)
            .iterator(chunk_size=20_000)
        ):
            if not (sworn or d_mhfa or d_cit or pk in changes):
                continue
            people[agency_id].append(
                Person(pk, "", sworn, d_mhfa, d_cit, hired, separated, exemptions.get(pk, no_exemptions))
            )
        records, chunk_editions = _chunk_records(part, people, pledges, editions, default)
        yield CampaignChunk(records, chunk_editions, histories, changes)


def _person(row: Sequence[Any], exemptions: dict[int, tuple[Exemption, ...]], names: bool) -> Person:
    pk, first, last, sworn, d_mhfa, d_cit, hired, separated, shift, unit, district = row
    return Person(
        id=pk,
        name=(f"{last}, {first}" if first else last) if names else "",
        sworn=sworn,
        designated_mhfa=d_mhfa,
        designated_cit=d_cit,
        hire_date=hired,
        separation_date=separated,
        exemptions=exemptions.get(pk, ()),
        shift=shift or "(no shift)",
        unit=unit or "(no unit)",
        district=district or "(no district)",
    )


def _person_without_name(row: Sequence[Any], exemptions: dict[int, tuple[Exemption, ...]]) -> Person:
    pk, sworn, d_mhfa, d_cit, hired, separated, shift, unit, district = row
    return Person(
        pk,
        "",
        sworn,
        d_mhfa,
        d_cit,
        hired,
        separated,
        exemptions.get(pk, ()),
        shift or "(no shift)",
        unit or "(no unit)",
        district or "(no district)",
    )


def _exemptions(queryset: Any) -> dict[int, tuple[Exemption, ...]]:
    grouped: dict[int, list[Exemption]] = defaultdict(list)
    for person_id, start, end, reason in queryset.order_by().values_list("person_id", "start", "end", "reason"):
        grouped[person_id].append(Exemption(start, end, reason))
    return {pk: tuple(items) for pk, items in grouped.items()}


def _trainings(queryset: Any, catalog: CourseCatalog) -> dict[int, list[Training]]:
    """Accepted records only, grouped by agency; pending and rejected records never count."""
    codes = catalog.codes
    grouped: dict[int, list[Training]] = defaultdict(list)
    rows = (
        queryset.filter(status=TrainingRecord.Status.ACCEPTED)
        .order_by()
        .values_list("agency_id", "person_id", "course_type_id", "completed_on")
    )
    for agency_id, person_id, course_id, completed_on in rows.iterator(chunk_size=50_000):
        grouped[agency_id].append(Training(person_id, codes[course_id], completed_on))
    return grouped


def _sworn_changes(queryset: Any) -> dict[PersonId, list[SwornChange]]:
    """Sworn-status events; ``details`` holds ``{"sworn": [before, after]}``."""
    changes: dict[PersonId, list[SwornChange]] = defaultdict(list)
    rows = queryset.filter(kind=PersonEvent.Kind.SWORN_CHANGED).order_by("effective_on", "id")
    for person_id, effective_on, details in rows.values_list("person_id", "effective_on", "details"):
        pair = details.get("sworn") if isinstance(details, dict) else None
        if isinstance(pair, list | tuple) and len(pair) == 2:
            changes[person_id].append((effective_on, bool(pair[0]), bool(pair[1])))
    return dict(changes)


def _partnerships(agency_ids: Sequence[int]) -> dict[int, tuple[Partnership, ...]]:
    """Strategy 1 agreements by agency (the engine judges their dates itself)."""
    from onemind.partnerships.selectors import engine_partnerships

    return engine_partnerships(list(agency_ids), timezone.localdate())


def _policies(agency_ids: Sequence[int]) -> dict[int, tuple[Policy, ...]]:
    """Strategy 2 policy versions and their checklists by agency."""
    from onemind.policies.selectors import engine_policies

    return engine_policies(list(agency_ids), timezone.localdate())


def _with_verification(pledges: dict[int, Pledge | None], agency_ids: Sequence[int]) -> dict[int, Pledge | None]:
    """Add campaign staff's verifications (verified strategies, completion, recognition) to each pledge."""
    from onemind.reviews.selectors import verification_state

    states = verification_state(list(agency_ids))
    result: dict[int, Pledge | None] = {}
    for agency_id, pledge in pledges.items():
        state = states.get(agency_id)
        if pledge is None or state is None:
            result[agency_id] = pledge
            continue
        verified, completed_on, recognized_on = state
        result[agency_id] = replace(
            pledge, verified=verified, completed_on=completed_on, recognized_on=recognized_on or pledge.recognized_on
        )
    return result


def _editions(catalog: CourseCatalog) -> tuple[dict[int, Edition], Edition]:
    """Every rule edition by id, and the default one (for agencies with no pledge)."""
    rows = list(RuleEdition.objects.order_by("-is_default", "code"))
    editions = {row.pk: edition_from_row(row, catalog) for row in rows}
    return editions, editions[rows[0].pk]


def _current_pledges(pledge_rows: Any) -> dict[int, tuple[int, Pledge]]:
    """Each agency's current pledge, as (edition id, the engine's Pledge)."""
    return {
        agency_id: (edition_id, Pledge(pledged_on=pledged_on, months=months, recognized_on=recognized_on))
        for agency_id, edition_id, pledged_on, months, recognized_on in pledge_rows.values_list(
            "agency_id", "edition_id", "pledged_on", "committed_months", "agency__recognized_on"
        )
    }


def _chunk_records(
    part: list[int],
    people: Any,
    pledges: dict[int, tuple[int, Pledge]],
    editions: dict[int, Edition],
    default: Edition,
) -> tuple[dict[int, AgencyRecords], dict[int, Edition]]:
    """One chunk's engine inputs: each agency's people, partnerships, policies and pledge, and its edition."""
    partnerships, policies = _partnerships(part), _policies(part)
    verified_pledges = _with_verification({a: pledges.get(a, (None, None))[1] for a in part}, part)
    records: dict[int, AgencyRecords] = {}
    chunk_editions: dict[int, Edition] = {}
    for agency_id in part:
        edition_id = pledges.get(agency_id, (None, None))[0]
        records[agency_id] = AgencyRecords(
            people=tuple(people.get(agency_id, ())),
            partnerships=tuple(partnerships.get(agency_id, ())),
            policies=tuple(policies.get(agency_id, ())),
            pledge=verified_pledges[agency_id],
        )
        chunk_editions[agency_id] = editions[edition_id] if edition_id in editions else default
    return records, chunk_editions
