"""Judging one date: on D, under an edition, is each strategy met, and what is missing (with names)?

A pure function of an agency's records and D (RULES.md). Standard library only: the Django layer loads rows
into the frozen inputs of ``records`` and renders the frozen results of ``results``. Records dated after D never
affect the answer on D. ``sweep.evaluate_dates`` gives the same figures for many dates in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from onemind.engine.documents import partnership_result, policy_result
from onemind.engine.people import (
    NEVER_TRAINED,
    Certificate,
    Courses,
    History,
    Scope,
    certificate_from_history,
    compile_courses,
    designation_scopes,
    histories_on,
    scope_on,
)
from onemind.engine.records import (
    AgencyRecords,
    Person,
    PersonId,
    Pledge,
    ceil_percent,
    deadline_of,
)
from onemind.engine.results import (
    CIT,
    MHFA,
    PARTNERSHIP,
    POLICY,
    AgencyResult,
    Due,
    Expiring,
    Figure,
    GroupCoverage,
    MissingItem,
    State,
    Status,
    StrategyResult,
)
from onemind.engine.rules import (
    Edition,
)
from onemind.engine.schedule import (
    project,
    under_time_fraction,
)

ALL_STRATEGIES = frozenset({PARTNERSHIP, POLICY, MHFA, CIT})
SWORN, DESIGNATED = "sworn", "designated"
_NOUNS = {
    SWORN: ("sworn officer", "sworn officers"),
    DESIGNATED: ("designated staff member", "designated staff"),
}


class _Tally:
    """Mutable counts for one population of one training strategy while people are walked once."""

    __slots__ = (
        "population",
        "courses",
        "percent",
        "detail",
        "numerator",
        "denominator",
        "ever",
        "newly",
        "due_count",
        "uncovered",
        "expiring",
        "due",
        "seen",
    )

    def __init__(self, population: str, courses: Courses, percent: int, detail: bool) -> None:
        self.population = population
        self.courses = courses
        self.percent = percent
        self.detail = detail
        self.numerator = self.denominator = self.ever = self.newly = self.due_count = 0
        self.uncovered: list[tuple[Person, Certificate]] = []
        self.expiring: list[Expiring] = []
        self.due: list[Due] = []
        self.seen: dict[PersonId, Certificate] | None = None

    def add(self, person: Person, history: History, grace_due: date | None, ctx: _Context) -> None:
        cert = certificate_from_history(history, ctx.on, self.courses) if history else NEVER_TRAINED
        if self.seen is not None:
            self.seen[person.id] = cert
        if grace_due is not None:
            # Only a 100% target makes every new hire due; a 20% target names nobody in particular.
            if not cert.current and self.percent >= 100:
                self.due_count += 1
                if self.detail:
                    self.due.append(Due(person.id, person.name, grace_due))
            return
        self.denominator += 1
        if not cert.current:
            self.ever += cert.ever_trained
            if self.detail:
                self.uncovered.append((person, cert))
            return
        self.ever += 1
        self.numerator += 1
        last_course = cert.last_course_on
        if ctx.pledged_on is not None and last_course is not None and last_course >= ctx.pledged_on:
            self.newly += 1
        if self.detail and cert.expires_on is not None and cert.expires_on <= ctx.window_end:
            self.expiring.append(Expiring(person.id, person.name, cert.expires_on))

    def figure(self) -> Figure:
        return figure_of(self.population, self.percent, self.numerator, self.denominator, self.ever)

    @property
    def can_expire(self) -> bool:
        return any(months is not None for months, _ in self.courses.rules.values())


@dataclass(frozen=True, slots=True)
class _Context:
    """What every strategy of one evaluation shares: the date, the edition and the pledge's dates."""

    on: date
    edition: Edition
    pledged_on: date | None
    deadline: date | None
    window_end: date
    pledge: Pledge | None = None


def evaluate(
    records: AgencyRecords,
    on: date,
    edition: Edition,
    *,
    detail: bool = True,
    histories: Mapping[PersonId, History] | None = None,
    standings: dict[str, dict[PersonId, Certificate]] | None = None,
) -> AgencyResult:
    """Judge one agency on ``on`` under ``edition``, in time linear in its records.

    ``detail=False`` keeps every number and explanation but skips the per-person lists (missing, expiring,
    due), which is what a campaign-wide run needs.

    ``histories`` may replace ``records.trainings`` with what ``histories_on(trainings, on)`` returns (each
    person's trainings completed on or before ``on``, oldest first): a loader that reads them straight from
    database rows saves building a Training per row. It may hold other agencies' people too.

    ``standings``, when given, receives each judged person's certificate per population, keyed
    ``"s3 sworn"``, ``"s4 sworn"``, ``"s3 designated"``, ``"s4 designated"``: a caller listing people by
    certificate reuses them instead of judging everyone again.
    """
    ctx = context_on(records.pledge, on, edition)
    s3, s4 = _tally_people(records, ctx, detail, histories, standings)
    strategies = (
        partnership_result(records.partnerships, on, edition),
        policy_result(records.policies, on, edition),
        _training_result(MHFA, s3, edition.s3_label, ctx),
        _training_result(CIT, s4, edition.s4_label, ctx),
    )
    return agency_result(ctx, strategies)


def context_on(pledge: Pledge | None, on: date, edition: Edition) -> _Context:
    """The shared context of one evaluation; a pledge made after ``on`` is not in force on it."""
    in_force = pledge if pledge is not None and pledge.pledged_on <= on else None
    return _Context(
        on=on,
        edition=edition,
        pledged_on=None if in_force is None else in_force.pledged_on,
        deadline=None if in_force is None else deadline_of(in_force),
        window_end=on + timedelta(days=edition.expiring_window_days),
        pledge=in_force,
    )


def agency_result(
    ctx: _Context, strategies: tuple[StrategyResult, StrategyResult, StrategyResult, StrategyResult]
) -> AgencyResult:
    """The four strategies plus the status they add up to on ``ctx.on``."""
    status, reason = _status(ctx.pledge, strategies, ctx)
    return AgencyResult(
        on=ctx.on,
        edition=ctx.edition.code,
        status=status,
        status_reason=reason,
        strategies=strategies,
        deadline=ctx.deadline,
        days_left=None if ctx.deadline is None else (ctx.deadline - ctx.on).days,
    )


K = TypeVar("K")


def evaluate_many(
    records_by_agency: Mapping[K, AgencyRecords],
    on: date,
    editions: Mapping[K, Edition] | Edition,
    *,
    detail: bool = False,
) -> dict[K, AgencyResult]:
    """Judge many agencies on one date; ``editions`` is one edition for all or one per agency key.

    Lists of named people are off by default: a national run wants the figures, not a million names.
    """
    if isinstance(editions, Edition):
        one = editions
        return {key: evaluate(rec, on, one, detail=detail) for key, rec in records_by_agency.items()}
    return {key: evaluate(rec, on, editions[key], detail=detail) for key, rec in records_by_agency.items()}


def _tally_people(
    records: AgencyRecords,
    ctx: _Context,
    detail: bool,
    histories: Mapping[PersonId, History] | None,
    standings: dict[str, dict[PersonId, Certificate]] | None = None,
) -> tuple[list[_Tally], list[_Tally]]:
    edition = ctx.edition
    s3_sworn = _Tally(SWORN, compile_courses(edition, edition.s3_accepts), edition.s3_target_percent, detail)
    s4_sworn = _Tally(SWORN, compile_courses(edition, edition.s4_accepts), edition.s4_target_percent, detail)
    s3, s4 = [s3_sworn], [s4_sworn]
    s3_designated = s4_designated = None
    if edition.s3_designated_scopes:
        courses = compile_courses(edition, edition.s3_designated_accepts)
        s3_designated = _Tally(DESIGNATED, courses, edition.s3_target_percent, detail)
        s3.append(s3_designated)
    if edition.s4_designated_scopes:
        courses = compile_courses(edition, edition.s4_designated_accepts)
        s4_designated = _Tally(DESIGNATED, courses, edition.s4_target_percent, detail)
        s4.append(s4_designated)
    if standings is not None:
        for number, tallies in ((3, s3), (4, s4)):
            for tally in tallies:
                tally.seen = standings[f"s{number} {tally.population}"] = {}
    if histories is None:
        histories = histories_on(records.trainings, ctx.on)
    no_history: History = ()
    on, grace_days = ctx.on, edition.new_hire_grace_days
    for person in records.people:
        if not person.sworn and not (person.designated_mhfa or person.designated_cit):
            continue
        scope, grace_due = scope_on(person, on, grace_days)
        if scope is Scope.OUT:
            continue
        history = histories.get(person.id, no_history)
        if person.sworn:
            s3_sworn.add(person, history, grace_due, ctx)
            s4_sworn.add(person, history, grace_due, ctx)
            continue
        scopes = designation_scopes(person)
        if s3_designated is not None and scopes & edition.s3_designated_scopes:
            s3_designated.add(person, history, grace_due, ctx)
        if s4_designated is not None and scopes & edition.s4_designated_scopes:
            s4_designated.add(person, history, grace_due, ctx)
    return s3, s4


def _training_result(number: int, tallies: list[_Tally], label: str, ctx: _Context) -> StrategyResult:
    figures = [tally.figure() for tally in tallies]
    missing: list[MissingItem] = []
    for tally, figure in zip(tallies, figures, strict=True):
        if figure.state is State.UNMET:
            missing.extend(_missing_people(tally, label))
    return training_result(
        number,
        figures,
        label,
        ctx,
        newly=sum(t.newly for t in tallies),
        due_count=sum(t.due_count for t in tallies),
        can_expire=any(t.can_expire for t in tallies),
        missing=tuple(missing),
        expiring=tuple(sorted((e for t in tallies for e in t.expiring), key=lambda e: (e.expires_on, e.name))),
        due=tuple(sorted((d for t in tallies for d in t.due), key=lambda d: (d.due_on, d.name))),
    )


def figure_of(population: str, percent: int, numerator: int, denominator: int, ever: int) -> Figure:
    """One population's figure from its counts: the target in exact integers, 0 people = not applicable."""
    target = ceil_percent(percent, denominator)
    if denominator == 0:
        state = State.NOT_APPLICABLE
    else:
        state = State.MET if numerator >= target else State.UNMET
    return Figure(population, numerator, denominator, target, ever, state)


def training_result(
    number: int,
    figures: Sequence[Figure],
    label: str,
    ctx: _Context,
    *,
    newly: int,
    due_count: int,
    can_expire: bool,
    missing: tuple[MissingItem, ...] = (),
    expiring: tuple[Expiring, ...] = (),
    due: tuple[Due, ...] = (),
) -> StrategyResult:
    """Strategy 3 or 4 from its figures (sworn first, designated second when the edition has one)."""
    counted = [f for f in figures if f.state is not State.NOT_APPLICABLE]
    if not counted:
        state = State.NOT_APPLICABLE
    else:
        state = State.MET if all(f.state is State.MET for f in counted) else State.UNMET
    projection = None
    if ctx.pledged_on is not None and ctx.deadline is not None:
        remaining = sum(f.shortfall for f in counted)
        projection = project(remaining, newly, ctx.pledged_on, ctx.on, ctx.deadline)
    sworn = figures[0]
    designated = figures[1] if len(figures) > 1 else None
    return StrategyResult(
        number=number,
        state=state,
        numerator=sworn.numerator,
        denominator=sworn.denominator,
        target=sworn.target,
        explanation=_training_explanation(figures, label, can_expire, due_count),
        missing=missing,
        sworn=sworn,
        designated=designated,
        expiring=expiring,
        due=due,
        projection=projection,
    )


def _missing_people(tally: _Tally, label: str) -> list[MissingItem]:
    prefix = "designated staff: " if tally.population == DESIGNATED else ""
    never_trained = f"{prefix}no {label} training on record"
    # Large rosters repeat the same lapse dates, so each reason string is built once per date.
    expired: dict[date | None, str] = {}
    items = []
    # Roster order breaks ties between equal names, which keeps the list stable without comparing ids.
    for person, cert in sorted(tally.uncovered, key=_person_name):
        if cert.ever_trained:
            reason = expired.get(cert.expires_on)
            if reason is None:
                reason = expired[cert.expires_on] = f"{prefix}{label} expired on {cert.expires_on}"
        else:
            reason = never_trained
        items.append(MissingItem(str(person.id), person.name, reason))
    return items


def _person_name(entry: tuple[Person, Certificate]) -> str:
    return entry[0].name


def _noun(n: int, population: str) -> str:
    singular, plural = _NOUNS[population]
    return singular if n == 1 else plural


def _training_explanation(figures: Sequence[Figure], label: str, can_expire: bool, due: int) -> str:
    counted = [f for f in figures if f.state is not State.NOT_APPLICABLE]
    if not counted:
        who = " or designated staff" if len(figures) > 1 else ""
        return f"Not applicable: no sworn officers{who} in scope."
    held = "current" if can_expire else "trained"
    current = "current " if can_expire else ""
    parts = []
    for f in counted:
        if f.state is State.MET:
            who = _noun(f.denominator, f.population)
            parts.append(f"{f.numerator} of {f.denominator} {who} hold {current}{label} ({f.target} needed).")
        else:
            parts.append(
                f"Train {f.shortfall} more {_noun(f.shortfall, f.population)} in {label} "
                f"({f.target} needed, {f.numerator} {held})."
            )
    if due:
        parts.append(f"{due} new {'hire' if due == 1 else 'hires'} in the grace period not counted yet.")
    return " ".join(parts)


def _status(pledge: Pledge | None, strategies: Sequence[StrategyResult], ctx: _Context) -> tuple[Status, str]:
    if pledge is None or ctx.deadline is None:
        return Status.NOT_PLEDGED, "No pledge in force on this date."
    unmet = [s.number for s in strategies if s.state is State.UNMET]
    unmet_text = _strategies(unmet)
    if _completed(pledge, ctx.on):
        if unmet:
            return (
                Status.MAINTENANCE_NEEDED,
                f"Completed, but {unmet_text} {'is' if len(unmet) == 1 else 'are'} no longer met.",
            )
        return Status.COMPLETED, "All four strategies verified and still met."
    if ctx.on > ctx.deadline:
        return Status.OVERDUE, f"The deadline {ctx.deadline} has passed without completion."
    if unmet:
        if under_time_fraction(ctx.on, pledge.pledged_on, ctx.deadline, ctx.edition.at_risk_time_percent):
            share = ctx.edition.at_risk_time_percent
            return (
                Status.AT_RISK,
                f"Less than {share}% of the time frame left and {unmet_text} unmet.",
            )
        late = [s.number for s in strategies if s.state is State.UNMET and _behind_pace(s, ctx.deadline)]
        if late:
            late_text = _strategies(late)
            return (
                Status.AT_RISK,
                f"At the current pace {late_text} will not be met by {ctx.deadline}.",
            )
    return Status.ON_TRACK, f"On track for the deadline {ctx.deadline}."


def _strategies(numbers: Sequence[int]) -> str:
    if len(numbers) <= 1:
        return f"strategy {numbers[0]}" if numbers else "no strategy"
    listed = ", ".join(str(n) for n in numbers[:-1])
    return f"strategies {listed} and {numbers[-1]}"


def _completed(pledge: Pledge, on: date) -> bool:
    if pledge.recognized_on is not None and pledge.recognized_on <= on:
        return True
    verified = ALL_STRATEGIES <= pledge.verified
    return verified and (pledge.completed_on is None or pledge.completed_on <= on)


def _behind_pace(strategy: StrategyResult, deadline: date) -> bool:
    projection = strategy.projection
    # On the pledge day itself there is no pace to judge yet, only the time rule applies.
    if projection is None or projection.days_elapsed <= 0:
        return False
    return projection.projected_on is None or projection.projected_on > deadline


def coverage_by(
    records: AgencyRecords, on: date, edition: Edition, attribute: str = "shift", strategy: int = CIT
) -> tuple[GroupCoverage, ...]:
    """Sworn coverage for strategy 3 or 4 by ``shift``, ``unit`` or ``district`` (CIT on every shift)."""
    if attribute not in {"shift", "unit", "district"}:
        raise ValueError(f"cannot group by {attribute!r}")
    courses = compile_courses(edition, edition.s4_accepts if strategy == CIT else edition.s3_accepts)
    histories = histories_on(records.trainings, on)
    counts: dict[str, list[int]] = {}
    for person in records.people:
        if not person.sworn or scope_on(person, on, edition.new_hire_grace_days)[0] is not Scope.IN:
            continue
        history = histories.get(person.id)
        current = bool(history) and certificate_from_history(history or (), on, courses).current
        tally = counts.setdefault(getattr(person, attribute), [0, 0])
        tally[0] += current
        tally[1] += 1
    return tuple(GroupCoverage(group, n, d) for group, (n, d) in sorted(counts.items()))
