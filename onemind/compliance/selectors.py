"""Reads behind the agency dashboard and the progress report: the engine's answer plus what a chief reads.

``agency_dashboard`` loads the agency once (a fixed number of queries, see loader.py), judges it on the chosen
date with named people, and reuses the same records for every month-end of the history chart.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.cache import cache
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
from onemind.compliance.stamp import dashboard_stamp
from onemind.engine import (
    CIT,
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

TITLES = {
    PARTNERSHIP: "Partnership with a community mental health organization",
    POLICY: "Policy based on the IACP model policy",
    MHFA: "Mental Health First Aid for all sworn officers",
    CIT: "Crisis Intervention Team training for at least 20%",
}
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


# A backstop for bulk writes that skip the DataVersion bump (see models.DataVersion).
DASHBOARD_CACHE_SECONDS = 5 * 60
# Bump when the cached Dashboard's shape or the rendered page changes, so old entries are never read back.
CACHE_GENERATION = "v2"


def dashboard_key(agency: Agency, on: dt.date, *, today: dt.date, show_names: bool, stamp: str | None = None) -> str:
    """The cache key of one agency's dashboard on ``on``: one query (stamp.py), whatever the roster's size."""
    stamp = dashboard_stamp(agency) if stamp is None else stamp
    return f"onemind:dashboard:{CACHE_GENERATION}:{agency.pk}:{on}:{int(show_names)}:{today}:{stamp}"


def agency_dashboard(
    agency: Agency, on: dt.date, *, today: dt.date, show_names: bool, key: str | None = None
) -> Dashboard:
    """The dashboard on ``on``: one query when cached, about ten when not, whatever the roster's size.

    ``today`` is part of the key: strategies 1 and 2 are judged by what is in force today.
    """
    key = key or dashboard_key(agency, on, today=today, show_names=show_names)
    board: Dashboard | None = cache.get(key)
    if board is None:
        board = _compute_dashboard(agency, on, today, show_names, current_pledge_row(agency), course_catalog())
        cache.set(key, board, DASHBOARD_CACHE_SECONDS)
    board.agency, board.today = agency, today
    return board


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
    lists, coverage = _people_pass(records, on, data.edition, histories, standings)
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
        expiring=lists[0],
        expired=lists[1],
        untrained_hires=lists[2],
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
    """The result with its per-person lists cut to what a page shows: a cached board stays small to unpickle."""
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
    title = TITLES[s.number]
    if s.number == PARTNERSHIP:
        title = f"Partnership with {edition.partner_label}"
    if s.number in (PARTNERSHIP, POLICY):
        return Panel(s.number, title, s, STATE_LABELS[s.state], None, (s.explanation,), (), EVIDENCE_NOTES[s.number])
    if s.number == MHFA:
        title = f"{edition.s3_label} for all sworn officers"
    percent = None
    if s.state is not State.NOT_APPLICABLE and s.target:
        percent = min(100, round(100 * s.numerator / s.target))
    left = [s.explanation]
    if s.expiring:
        left.append(f"{len(s.expiring)} certificates expire in the next 90 days.")
    if s.due:
        left.append(f"{len(s.due)} new hires are due for training within their grace period.")
    groups = []
    # A large roster misses tens of thousands of people and a page names MAX_NAMES of each kind: count them all,
    # build a line only for those shown.
    never: list[PersonLine] = []
    lapsed: list[PersonLine] = []
    never_count = lapsed_count = 0
    for m in s.missing:
        reason = m.reason
        if "expired on" in reason:
            lapsed_count += 1
            if lapsed_count <= MAX_NAMES:
                lapsed.append(PersonLine(m.name, reason))
        if "no " in reason and "training" in reason:
            never_count += 1
            if never_count <= MAX_NAMES:
                never.append(PersonLine(m.name, reason))
    if never_count:
        label = f"No {edition.s3_label if s.number == MHFA else 'CIT'} training on record"
        groups.append(PeopleGroup(label, never_count, tuple(never)))
    if lapsed_count:
        groups.append(PeopleGroup("Certificate expired", lapsed_count, tuple(lapsed)))
    if s.expiring:
        exp = tuple(PersonLine(e.name, f"expires {e.expires_on.isoformat()}") for e in s.expiring[:MAX_NAMES])
        groups.append(PeopleGroup("Expiring in the next 90 days", len(s.expiring), exp))
    if s.due:
        due = tuple(PersonLine(d.name, f"due by {d.due_on.isoformat()}") for d in s.due[:MAX_NAMES])
        groups.append(PeopleGroup("New hires in the grace period", len(s.due), due))
    return Panel(s.number, title, s, STATE_LABELS[s.state], percent, tuple(left), tuple(groups))


COVERAGE_ATTRIBUTES = ("shift", "unit", "district")
Lists = tuple["PeopleGroup", "PeopleGroup", "PeopleGroup"]
Coverage = list[tuple[str, tuple[GroupCoverage, ...]]]


def _people_pass(
    records: AgencyRecords,
    on: dt.date,
    edition: Edition,
    histories: Mapping[PersonId, History] | None = None,
    standings: dict[str, dict[PersonId, Certificate]] | None = None,
) -> tuple[Lists, Coverage]:
    """One pass over people for the MHFA lists and CIT coverage by shift, unit and district.

    The coverage equals the engine's ``coverage_by`` (a test holds them together); doing all three groupings and
    the lists in one walk saves three passes over a 36,000-person roster.
    """
    courses = compile_courses(edition, edition.mhfa_codes)
    cit_courses = compile_courses(edition, edition.s4_accepts)
    if histories is None:
        histories = histories_on(records.trainings, on)
    window = on + dt.timedelta(days=edition.expiring_window_days)
    recent = on - dt.timedelta(days=NEW_HIRE_DAYS)
    grace = edition.new_hire_grace_days
    expiring: list[tuple[dt.date, str]] = []
    expired: list[tuple[dt.date, str]] = []
    untrained: list[tuple[str, dt.date]] = []
    counts: dict[str, dict[str, list[int]]] = {attr: {} for attr in COVERAGE_ATTRIBUTES}
    # The engine's own certificates where it judged the same courses on the same date: nobody is judged twice.
    none: dict[PersonId, Certificate] = {}
    standings = standings or {}
    known_cit = standings.get("s4 sworn", none)
    known_sworn = standings.get("s3 sworn", none) if edition.s3_accepts == edition.mhfa_codes else none
    known_designated = (
        standings.get("s3 designated", none) if edition.s3_designated_accepts == edition.mhfa_codes else none
    )
    for person in records.people:
        if not (person.sworn or person.designated_mhfa or person.designated_cit):
            continue
        scope = scope_on(person, on, grace)[0]
        if scope is Scope.OUT:
            continue
        history = histories.get(person.id)
        if person.sworn and scope is Scope.IN:
            known = known_cit.get(person.id)
            if known is not None:
                has_cit = known.current
            else:
                has_cit = bool(history) and certificate_from_history(history or (), on, cit_courses).current
            for attr in COVERAGE_ATTRIBUTES:
                tally = counts[attr].setdefault(getattr(person, attr), [0, 0])
                tally[0] += has_cit
                tally[1] += 1
        if not history:
            if person.hire_date is not None and person.hire_date > recent:
                untrained.append((person.name, person.hire_date))
            continue
        cert = (known_sworn if person.sworn else known_designated).get(person.id) or certificate_from_history(
            history, on, courses
        )
        if cert.current and cert.expires_on is not None and cert.expires_on <= window:
            expiring.append((cert.expires_on, person.name))
        elif cert.ever_trained and not cert.current and cert.expires_on is not None:
            expired.append((cert.expires_on, person.name))
        elif not cert.ever_trained and person.hire_date is not None and person.hire_date > recent:
            untrained.append((person.name, person.hire_date))
    # Plain (date, name) pairs while walking; a line is built only for the MAX_NAMES a page shows.
    expiring.sort()
    expired.sort(reverse=True)
    untrained.sort(key=_first)  # by name; equal names keep roster order
    lists = (
        PeopleGroup(
            "MHFA certificates expiring in the next 90 days",
            len(expiring),
            tuple(PersonLine(name, f"expires {day.isoformat()}") for day, name in expiring[:MAX_NAMES]),
        ),
        PeopleGroup(
            "MHFA certificates expired",
            len(expired),
            tuple(PersonLine(name, f"expired {day.isoformat()}") for day, name in expired[:MAX_NAMES]),
        ),
        PeopleGroup(
            f"New hires (last {NEW_HIRE_DAYS} days) with no MHFA",
            len(untrained),
            tuple(PersonLine(name, f"hired {day.isoformat()}") for name, day in untrained[:MAX_NAMES]),
        ),
    )
    coverage = [
        (attr, tuple(GroupCoverage(group, n, d) for group, (n, d) in sorted(counts[attr].items())))
        for attr in COVERAGE_ATTRIBUTES
    ]
    return lists, coverage


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
