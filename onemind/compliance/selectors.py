"""Reads behind the agency dashboard and the progress report: the engine's answer plus what a chief reads.

``agency_dashboard`` loads the agency once (a fixed number of queries, see loader.py), judges it on the chosen
date with named people, and reuses the same records for every month-end of the history chart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from onemind.compliance.history import HistoryPoint, compute_history
from onemind.compliance.loader import (
    CHUNK_AGENCIES,
    AgencyData,
    CourseCatalog,
    course_catalog,
    current_pledge_row,
    load_agency,
    load_campaign,
    load_campaign_history,
)
from onemind.engine import (
    MHFA,
    PARTNERSHIP,
    POLICY,
    AgencyRecords,
    AgencyResult,
    Certificate,
    Edition,
    GroupCoverage,
    History,
    PersonId,
    Scope,
    Standing,
    State,
    Status,
    StrategyResult,
    evaluate,
    histories_on,
    scope_on,
    standings_on_dates,
)
from onemind.engine.people import certificate_from_history, compile_courses
from onemind.lib.collector import collector_paused
from onemind.lib.query import BadQueryValue, parse_date
from onemind.tenancy.models import Agency

NEW_HIRE_DAYS = 365
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)

POLICY_TITLE = "Policy based on the IACP model policy"
# Who strategies 3 and 4 count, said where their figures are shown.
POPULATION_NOTE = (
    "Counted: sworn officers in scope on this date, and non-sworn staff in positions the agency designated "
    "(their own figure). Officers on an approved exemption are left out; new hires in a grace period are listed "
    "separately."
)


def share(percent: int) -> str:
    """A target as a chief reads it: "all" for 100%, else "at least N%"."""
    return "all" if percent >= 100 else f"at least {percent}%"


def strategy_title(number: int, edition: Edition) -> str:
    """The strategy's title with the edition's own numbers and wording (never a constant)."""
    if number == PARTNERSHIP:
        return f"Partnership with {edition.partner_label}"
    if number == POLICY:
        return POLICY_TITLE
    if number == MHFA:
        return f"{edition.s3_label} for {share(edition.s3_target_percent)} of sworn officers and designated staff"
    return f"{edition.s4_label} training for {share(edition.s4_target_percent)} of sworn officers"


STATUS_LABELS = {
    Status.NOT_PLEDGED: "Not pledged",
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.OVERDUE: "Overdue",
    Status.COMPLETED: "Completed",
    Status.MAINTENANCE_NEEDED: "Maintenance needed",
}
STATE_LABELS = {State.MET: "Met", State.UNMET: "Not met", State.NOT_APPLICABLE: "Not applicable"}
# Where the evidence behind strategies 1 and 2 is kept.
EVIDENCE_NOTES = {
    PARTNERSHIP: "Agreements, liaisons and documents are kept on the Partnerships page.",
    POLICY: "Policy versions and the model-policy checklist are kept on the Policy page.",
}


class BadDate(ValueError):
    pass


def parse_as_of(raw: str | None, today: dt.date) -> dt.date:
    """The dashboard's ``?on=YYYY-MM-DD``; today when absent; BadDate with a sentence a person can act on."""
    try:
        on = parse_date(raw, earliest=EARLIEST, latest=LATEST)
    except BadQueryValue as exc:
        raise BadDate(str(exc)) from None
    return on or today


@dataclass(frozen=True)
class PersonLine:
    name: str
    detail: str


# A page lists at most this many names per group; the roster pages hold the rest.
MAX_NAMES = 100


@dataclass(frozen=True)
class PeopleGroup:
    label: str
    count: int
    people: tuple[PersonLine, ...]

    def __post_init__(self) -> None:
        if len(self.people) > MAX_NAMES:
            object.__setattr__(self, "people", self.people[:MAX_NAMES])

    @property
    def more(self) -> int:
        return self.count - len(self.people)

    def items_html(self) -> SafeString:
        """The <li> items, built in Python: a template loop costs ~1 ms per 10 names on a busy page."""
        return format_html_join(
            "", '<li>{} <span class="text-base-dark">— {}</span></li>', ((p.name, p.detail) for p in self.people)
        )


@dataclass(frozen=True)
class Panel:
    number: int
    title: str
    result: StrategyResult
    state_label: str
    percent: int | None  # share of the target reached, for the progress bar
    left: tuple[str, ...]  # "what's left" in plain words
    groups: tuple[PeopleGroup, ...]
    note: str = ""

    @property
    def pct_class(self) -> str:
        return f"om-pct-{5 * round((self.percent or 0) / 5)}"


@dataclass
class Dashboard:
    agency: Agency
    on: dt.date
    today: dt.date
    edition: Edition
    result: AgencyResult
    panels: list[Panel]
    history: list[HistoryPoint]
    coverage: Coverage
    expiring: PeopleGroup
    expired: PeopleGroup
    untrained_hires: PeopleGroup
    show_names: bool
    pledged_on: dt.date | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def population_note(self) -> str:
        return POPULATION_NOTE

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.result.status]

    @property
    def lists(self) -> tuple[PeopleGroup, PeopleGroup, PeopleGroup]:
        return (self.expiring, self.expired, self.untrained_hires)

    def history_rows_html(self) -> SafeString:
        """The history table's rows (up to ~130 for a 2016 pledge), built in Python for speed.

        Every cell is a date, a fixed label or a number; each is escaped all the same before it is joined."""
        rows = []
        for p in self.history:
            mhfa = f"{p.mhfa.numerator} / {p.mhfa.denominator}"
            if p.mhfa.percent is not None:
                mhfa += f" ({p.mhfa.percent}%)"
            cit = f"{p.cit.numerator} / {p.cit.denominator} (target {p.cit.target})"
            cells = (STATUS_LABELS[p.status], STATE_LABELS[p.partnership], STATE_LABELS[p.policy], mhfa, cit)
            rows.append(
                f'<tr><th scope="row">{escape(p.on.isoformat())}</th>'
                + "".join(f"<td>{escape(cell)}</td>" for cell in cells)
                + "</tr>"
            )
        return mark_safe("".join(rows))  # noqa: S308 - every cell is escaped above

    @property
    def time_left(self) -> str:
        days = self.result.days_left
        if days is None:
            return "—"
        if days < 0:
            return f"{-days} days past"
        return f"{days} days"


def agency_dashboard(agency: Agency, on: dt.date, *, today: dt.date, show_names: bool) -> Dashboard:
    """The dashboard on ``on``, computed now: about ten queries whatever the roster's size.

    ``today`` matters: strategies 1 and 2 are judged by what is in force today.
    """
    return _compute_dashboard(agency, on, today, show_names, current_pledge_row(agency), course_catalog())


def _compute_dashboard(
    agency: Agency, on: dt.date, today: dt.date, show_names: bool, pledge_row: Any, catalog: CourseCatalog
) -> Dashboard:
    with collector_paused():
        return _computed_dashboard(agency, on, today, show_names, pledge_row, catalog)


def _computed_dashboard(
    agency: Agency, on: dt.date, today: dt.date, show_names: bool, pledge_row: Any, catalog: CourseCatalog
) -> Dashboard:
    started = time.perf_counter()
    data = load_agency(
        agency, names=show_names, pledge_row=pledge_row, catalog=catalog, trainings=False, everyone=False
    )
    loaded = time.perf_counter()
    records, histories = data.records_on(on), data.histories_on(on)
    standings: dict[str, dict[PersonId, Certificate]] = {}
    full = evaluate(records, on, data.edition, detail=True, histories=histories, standings=standings)
    result = _trimmed(full)
    # Panels count from the full result and keep only the trimmed one.
    panels = [
        replace(_panel(s, data.edition), result=t) for s, t in zip(full.strategies, result.strategies, strict=True)
    ]
    evaluated = time.perf_counter()
    history = compute_history(data, month_ends(data, on))
    swept = time.perf_counter()
    coverage = _coverage(records, on, data.edition, histories, standings)
    mhfa = full.strategy(MHFA)
    hires = tuple(
        PersonLine(p.name, f"hired {p.hire_date.isoformat()}")
        for p in untrained_hires(records, on, data.edition, histories)
        if p.hire_date is not None
    )
    done = time.perf_counter()
    return Dashboard(
        agency=agency,
        on=on,
        today=today,
        edition=data.edition,
        result=result,
        panels=panels,
        history=history,
        coverage=coverage,
        expiring=expiring_group(mhfa, data.edition),
        expired=expired_group(mhfa),
        untrained_hires=PeopleGroup(
            f"Sworn officers hired in the last {NEW_HIRE_DAYS} days with no {data.edition.s3_label} or "
            f"{data.edition.s4_label} training",
            len(hires),
            hires,
        ),
        show_names=show_names,
        pledged_on=None if data.pledge_row is None else data.pledge_row.pledged_on,
        timings={
            "load": loaded - started,
            "evaluate": evaluated - loaded,
            "history": swept - evaluated,
            "rest": done - swept,
        },
    )


def _trimmed(result: AgencyResult) -> AgencyResult:
    """The result with its per-person lists cut to what a page shows."""
    strategies = tuple(
        replace(s, missing=s.missing[:MAX_NAMES], expiring=s.expiring[:MAX_NAMES], due=s.due[:MAX_NAMES])
        for s in result.strategies
    )
    return replace(result, strategies=strategies)  # type: ignore[arg-type]


def month_ends(data: AgencyData, on: dt.date) -> list[dt.date]:
    """Each month-end from the pledge's month to before ``on``, then ``on`` itself."""
    if data.pledge_row is None or data.pledge_row.pledged_on > on:
        return [on]
    day = data.pledge_row.pledged_on
    points = []
    cursor = dt.date(day.year, day.month, 1)
    while True:
        following = dt.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        end = following - dt.timedelta(days=1)
        if end >= on:
            break
        points.append(end)
        cursor = following
    points.append(on)
    return points


def _panel(s: StrategyResult, edition: Edition) -> Panel:
    title = strategy_title(s.number, edition)
    if s.number in (PARTNERSHIP, POLICY):
        return Panel(s.number, title, s, STATE_LABELS[s.state], None, (s.explanation,), (), EVIDENCE_NOTES[s.number])
    percent = None
    if s.state is not State.NOT_APPLICABLE and s.target:
        percent = min(100, round(100 * s.numerator / s.target))
    left = [s.explanation]
    window = edition.expiring_window_days
    if s.expiring:
        left.append(f"{len(s.expiring)} certificates expire in the next {window} days.")
    if s.due:
        left.append(f"{len(s.due)} new hires are due for training within their grace period.")
    groups = []
    # A large roster misses tens of thousands of people and a page names MAX_NAMES of each kind: count them all,
    # build a line only for those shown.
    never: list[PersonLine] = []
    never_count = 0
    for m in s.missing:
        if "no " in m.reason and "training" in m.reason:
            never_count += 1
            if never_count <= MAX_NAMES:
                never.append(PersonLine(m.name, m.reason))
    if never_count:
        label = f"No {edition.s3_label if s.number == MHFA else 'CIT'} training on record"
        groups.append(PeopleGroup(label, never_count, tuple(never)))
    expired, expiring = expired_group(s), expiring_group(s, edition)
    if expired.count:
        groups.append(expired)
    if expiring.count:
        groups.append(expiring)
    if s.due:
        due = tuple(PersonLine(d.name, f"due by {d.due_on.isoformat()}") for d in s.due[:MAX_NAMES])
        groups.append(PeopleGroup("New hires in the grace period", len(s.due), due))
    return Panel(s.number, title, s, STATE_LABELS[s.state], percent, tuple(left), tuple(groups))


def expiring_group(s: StrategyResult, edition: Edition) -> PeopleGroup:
    """Certificates that count today and lapse within the edition's window: the strategy card's number and the
    list below the panels are this one group."""
    people = tuple(PersonLine(e.name, f"expires {e.expires_on.isoformat()}") for e in s.expiring[:MAX_NAMES])
    return PeopleGroup(
        f"Certificates expiring in the next {edition.expiring_window_days} days", len(s.expiring), people
    )


def expired_group(s: StrategyResult) -> PeopleGroup:
    """People in the strategy's figures whose certificate has lapsed (the card's "expired" and the list's)."""
    lapsed = [m for m in s.missing if "expired on" in m.reason]
    people = tuple(PersonLine(m.name, m.reason) for m in lapsed[:MAX_NAMES])
    return PeopleGroup("Certificates expired", len(lapsed), people)


def untrained_hires(
    records: AgencyRecords, on: dt.date, edition: Edition, histories: Mapping[PersonId, History] | None = None
) -> list[Any]:
    """Sworn officers on the roster on ``on``, hired in the last ``NEW_HIRE_DAYS`` days, with no training that
    counts for strategy 3 or 4 ever completed: the dashboard's list and the weekly digest's count."""
    qualifying = compile_courses(edition, edition.s3_accepts | edition.s4_accepts)
    if histories is None:
        histories = histories_on(records.trainings, on)
    recent = on - dt.timedelta(days=NEW_HIRE_DAYS)
    found = []
    for person in records.people:
        if not person.sworn or person.hire_date is None or not recent < person.hire_date <= on:
            continue
        if person.separation_date is not None and person.separation_date <= on:
            continue
        history = histories.get(person.id)
        if not history or not certificate_from_history(history, on, qualifying).ever_trained:
            found.append(person)
    return sorted(found, key=lambda person: person.name)


COVERAGE_ATTRIBUTES = ("shift", "unit", "district")
Coverage = list[tuple[str, tuple[GroupCoverage, ...]]]


def _coverage(
    records: AgencyRecords,
    on: dt.date,
    edition: Edition,
    histories: Mapping[PersonId, History] | None = None,
    standings: dict[str, dict[PersonId, Certificate]] | None = None,
) -> Coverage:
    """CIT coverage by shift, unit and district in one pass over people.

    It equals the engine's ``coverage_by`` (a test holds them together); doing all three groupings in one walk
    saves three passes over a 36,000-person roster.
    """
    cit_courses = compile_courses(edition, edition.s4_accepts)
    if histories is None:
        histories = histories_on(records.trainings, on)
    grace = edition.new_hire_grace_days
    counts: dict[str, dict[str, list[int]]] = {attr: {} for attr in COVERAGE_ATTRIBUTES}
    # The engine's own certificates where it judged the same courses on the same date: nobody is judged twice.
    none: dict[PersonId, Certificate] = {}
    standings = standings or {}
    known_cit = standings.get("s4 sworn", none)
    for person in records.people:
        if not person.sworn or scope_on(person, on, grace)[0] is not Scope.IN:
            continue
        history = histories.get(person.id)
        known = known_cit.get(person.id)
        if known is not None:
            has_cit = known.current
        else:
            has_cit = bool(history) and certificate_from_history(history or (), on, cit_courses).current
        for attr in COVERAGE_ATTRIBUTES:
            tally = counts[attr].setdefault(getattr(person, attr), [0, 0])
            tally[0] += has_cit
            tally[1] += 1
    return [
        (attr, tuple(GroupCoverage(group, n, d) for group, (n, d) in sorted(counts[attr].items())))
        for attr in COVERAGE_ATTRIBUTES
    ]


def _first(pair: tuple[str, dt.date]) -> str:
    return pair[0]


def evaluate_campaign(
    on: dt.date, agency_ids: Iterable[int] | None = None, *, processes: int = 1
) -> dict[int, AgencyResult]:
    """Every agency's figures on one date: chunked, set-based loads, no names.

    ``processes`` > 1 spreads the chunks over forked processes (parallel.py): only from single-threaded callers
    such as management commands; inside a transaction, or where fork is unavailable, it runs in this process.
    """
    ids = list(agency_ids) if agency_ids is not None else list(Agency.objects.values_list("id", flat=True))
    if processes > 1 and len(ids) > CHUNK_AGENCIES:
        from onemind.compliance.parallel import can_fork, evaluate_in_processes

        if can_fork():
            return evaluate_in_processes(on, ids, processes)
    return evaluate_agencies(on, ids)


def evaluate_agencies(on: dt.date, ids: Iterable[int]) -> dict[int, AgencyResult]:
    with collector_paused():
        return _evaluate_agencies(on, ids)


def _evaluate_agencies(on: dt.date, ids: Iterable[int]) -> dict[int, AgencyResult]:
    results: dict[int, AgencyResult] = {}
    for part in load_campaign(ids, on):
        editions, histories = part.editions, part.histories
        for agency_id, records in part.records.items():
            results[agency_id] = evaluate(records, on, editions[agency_id], detail=False, histories=histories)
    return results


def evaluate_campaign_history(
    dates: Sequence[dt.date], agency_ids: Iterable[int] | None = None, *, processes: int = 1
) -> dict[int, list[Standing]]:
    """Every agency's status and numbers on each of ``dates`` (in that order): records read once, one sweep per
    agency (``standings_on_dates``). ``standing_of(evaluate_campaign(D)[agency])`` equals it on each D.

    ``processes`` as for ``evaluate_campaign``.
    """
    ids = list(agency_ids) if agency_ids is not None else list(Agency.objects.values_list("id", flat=True))
    if not dates or not ids:
        return {agency_id: [] for agency_id in ids}
    if processes > 1 and len(ids) > CHUNK_AGENCIES:
        from onemind.compliance.parallel import can_fork, evaluate_history_in_processes

        if can_fork():
            return evaluate_history_in_processes(list(dates), ids, processes)
    return evaluate_agencies_history(list(dates), ids)


def evaluate_agencies_history(dates: Sequence[dt.date], ids: Iterable[int]) -> dict[int, list[Standing]]:
    with collector_paused():
        return _evaluate_agencies_history(dates, ids)


def _evaluate_agencies_history(dates: Sequence[dt.date], ids: Iterable[int]) -> dict[int, list[Standing]]:
    results: dict[int, list[Standing]] = {}
    for part in load_campaign_history(ids, min(dates), max(dates)):
        editions, histories, changes = part.editions, part.histories, part.sworn_changes
        for agency_id, records in part.records.items():
            results[agency_id] = standings_on_dates(
                records, dates, editions[agency_id], sworn_changes=changes, histories=histories
            )
    return results


def compliance_figures(agency: Agency, on: dt.date) -> dict[str, Any]:
    """The engine's figures for one agency on ``on`` (numbers only, no names): what the API's compliance endpoint
    and ``onemind compliance`` both answer, so scripts and the API can never disagree."""
    result = evaluate_campaign(on, [agency.pk])[agency.pk]
    return {
        "on": result.on,
        "edition": result.edition,
        "status": str(result.status),
        "status_reason": result.status_reason,
        "deadline": result.deadline,
        "days_left": result.days_left,
        "strategies": [
            {
                "number": s.number,
                "state": str(s.state),
                "numerator": s.numerator,
                "denominator": s.denominator,
                "target": s.target,
                "explanation": s.explanation,
                "sworn": _figure_data(s.sworn),
                "designated": _figure_data(s.designated),
            }
            for s in result.strategies
        ],
    }


def _figure_data(figure: Any) -> dict[str, Any] | None:
    if figure is None:
        return None
    data = dataclasses.asdict(figure)
    data["state"] = str(figure.state)
    return data
