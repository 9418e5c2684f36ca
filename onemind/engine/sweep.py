"""Many dates in one pass: every figure at every requested date from each person's dated intervals.

``judge.evaluate`` answers one date by walking everybody; asking it for 120 month-ends walks everybody 120
times. Here each person's facts become intervals of ordinal days, half-open ``[start, end)``:

- in scope: hired → separated, minus approved exemptions (both ends inclusive), split at the end of the
  new-hire grace period; cut further where the person's sworn status changed;
- each certificate: current from a qualifying course until it expires, renewed by a recertification taken
  while still current; "ever trained" from the first qualifying course; "new since the pledge" from the first
  qualifying course on or after the pledge date.

Each figure is a count of intervals covering D, which is the number of interval starts on or before D minus
the number of interval ends on or before D: two sorted lists and a binary search per date. Cost grows with
the records (sorting their interval ends), not with records × dates. Strategies 1 and 2 change only on their
few agreement and policy dates, so each is judged once per stretch between those dates.

The answers equal ``evaluate(records_on(D), D, edition, detail=False)`` for every D (a property test holds
them together); the per-person lists (missing, expiring, due) are the single-date judge's job.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from functools import lru_cache

from onemind.engine.documents import partnership_result, policy_result
from onemind.engine.judge import (
    DESIGNATED,
    SWORN,
    _completed,
    _Context,
    agency_result,
    context_on,
    figure_of,
    training_result,
)
from onemind.engine.people import Courses, History, SwornChange, compile_courses, histories_on
from onemind.engine.records import AgencyRecords, PersonId, add_months, deadline_of
from onemind.engine.results import CIT, MHFA, AgencyResult, Numbers, Standing, State, Status, StrategyResult
from onemind.engine.rules import DESIGNATED_CIT, DESIGNATED_MHFA, Edition
from onemind.engine.schedule import ceil_div, under_time_fraction

__all__ = ["evaluate_dates", "standings_on_dates"]

NEVER = date.max.toordinal() + 1  # "open-ended": past every date the engine can be asked about
Span = tuple[int, int]  # [start, end) in ordinal days


class _Counter:
    """How many intervals cover a day: sorted starts and ends, counted by binary search.

    An open-ended interval's end is ``NEVER``, which no date reaches, so it is stored like any other end.
    """

    __slots__ = ("starts", "ends")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, spans: Iterable[Span]) -> None:
        for start, end in spans:
            self.starts.append(start)
            self.ends.append(end)

    def freeze(self) -> None:
        self.starts.sort()
        self.ends.sort()

    def days(self) -> Iterable[int]:
        """The days this count may change on."""
        yield from self.starts
        yield from self.ends

    def on(self, day: int) -> int:
        return bisect_right(self.starts, day) - bisect_right(self.ends, day)


class _Population:
    """One population (sworn or designated) of one training strategy: its accepted courses and five counts."""

    __slots__ = ("population", "courses", "percent", "in_scope", "current", "ever", "newly", "due", "can_expire")

    def __init__(self, population: str, courses: Courses, percent: int) -> None:
        self.population = population
        self.courses = courses
        self.percent = percent
        self.in_scope, self.current, self.ever, self.newly, self.due = (_Counter() for _ in range(5))
        self.can_expire = any(months is not None for months, _ in courses.rules.values())

    @property
    def counters(self) -> tuple[_Counter, ...]:
        return (self.in_scope, self.current, self.ever, self.newly, self.due)

    def freeze(self) -> None:
        for counter in self.counters:
            counter.freeze()

    def add_counted(self, start: int, end: int, cert: _Certificate) -> None:
        """One stretch [start, end) in which the person counts: the common case, without building lists."""
        self.in_scope.starts.append(start)
        self.in_scope.ends.append(end)
        if cert is _UNTRAINED:
            return
        ever_from = cert.ever_from if cert.ever_from > start else start
        if ever_from < end:
            self.ever.starts.append(ever_from)
            self.ever.ends.append(end)
        newly_from = cert.newly_from
        current, newly = self.current, self.newly
        for a, b in cert.current:
            if a < start:
                a = start
            if b > end:
                b = end
            if a < b:
                current.starts.append(a)
                current.ends.append(b)
                if newly_from < b:
                    newly.starts.append(a if a > newly_from else newly_from)
                    newly.ends.append(b)


class _Certificate:
    """One person's standing for one set of courses over all time (see ``certificate_spans``)."""

    __slots__ = ("current", "ever_from", "newly_from")

    def __init__(self, current: list[Span], ever_from: int, newly_from: int) -> None:
        self.current = current
        self.ever_from = ever_from
        self.newly_from = newly_from


_UNTRAINED = _Certificate([], NEVER, NEVER)


def certificate_spans(history: History, courses: Courses, pledged: int) -> _Certificate:
    """When a certificate was current, from a date-sorted history: ``people.certificate_from_history`` unrolled.

    After the last record of each day the standing holds until the next record's day; inside that stretch only
    the passing of the expiry date changes it.
    """
    rules = courses.rules
    count = len(history)
    first = 0
    while first < count and history[first][1] not in rules:
        first += 1  # records before the first qualifying course change nothing
    if first == count:
        return _UNTRAINED  # no qualifying course at all: the common case for the rarer strategy
    if first == count - 1:  # one qualifying course and nothing after it: the most common history
        day, code = history[first]
        months = rules[code][0]
        start = day.toordinal()
        end = NEVER if months is None else add_months(day, months).toordinal()
        return _Certificate([(start, end)] if end > start else [], start, start if start >= pledged else NEVER)
    # From here on in ordinal days, 0 meaning "no such date" (ordinals start at 1): integer comparisons only.
    recert_codes, recert_months = courses.recert_codes, courses.recert_months
    renewable_until = other_until = 0
    never_expires = False
    ever_from = history[first][0].toordinal()
    newly_from = ever_from if ever_from >= pledged else NEVER
    current: list[Span] = []
    i = first
    while i < count:
        day, code = history[i]
        rule = rules.get(code)
        if rule is None:
            if renewable_until and code in recert_codes and day.toordinal() < renewable_until:
                renewed = _until(day, recert_months)
                if renewed > renewable_until:
                    renewable_until = renewed
        else:
            if newly_from == NEVER and day.toordinal() >= pledged:
                newly_from = day.toordinal()
            months, renewable = rule
            if months is None:
                never_expires = True
            else:
                until = _until(day, months)
                if renewable:
                    if until > renewable_until:
                        renewable_until = until
                elif until > other_until:
                    other_until = until
        i += 1
        if i < count:
            following_day = history[i][0]
            if following_day == day:
                continue  # the standing on a day counts every record of that day
            following = following_day.toordinal()
        else:
            following = NEVER
        start = day.toordinal()
        end = following
        if not never_expires:
            expiry = other_until if other_until > renewable_until else renewable_until
            if expiry and expiry < following:
                end = expiry
        if end > start:
            if current and current[-1][1] == start:
                current[-1] = (current[-1][0], end)
            else:
                current.append((start, end))
    return _Certificate(current, ever_from, newly_from)


@lru_cache(maxsize=65_536)
def _until(day: date, months: int) -> int:
    """``add_months`` as an ordinal day: the first day a course taken on ``day`` no longer counts."""
    return add_months(day, months).toordinal()


def _intersect(spans: Sequence[Span], others: Sequence[Span]) -> list[Span]:
    out = []
    for a, b in spans:
        for c, d in others:
            lo, hi = max(a, c), min(b, d)
            if lo < hi:
                out.append((lo, hi))
    return out


def _subtract(spans: Sequence[Span], holes: Sequence[Span]) -> list[Span]:
    """``spans`` minus ``holes`` (both sorted, disjoint)."""
    out = []
    for a, b in spans:
        cursor = a
        for c, d in holes:
            if d <= cursor or c >= b:
                continue
            if c > cursor:
                out.append((cursor, c))
            cursor = max(cursor, d)
        if cursor < b:
            out.append((cursor, b))
    return out


def evaluate_dates(
    records: AgencyRecords,
    dates: Sequence[date],
    edition: Edition,
    *,
    sworn_changes: Mapping[PersonId, Sequence[SwornChange]] | None = None,
    histories: Mapping[PersonId, History] | None = None,
) -> list[AgencyResult]:
    """The agency's figures on each of ``dates`` (any order, repeats allowed), in one pass over its records.

    Equal to ``evaluate(records as they stood on D, D, edition, detail=False)`` for each D. ``records.people``
    hold today's sworn flag; ``sworn_changes`` (person id → changes, oldest first) rewinds it for past dates.
    ``histories`` (person id → every (completed_on, course code), sorted) may replace ``records.trainings``.
    """
    if not dates:
        return []
    s3, s4 = _count(records, dates, edition, sworn_changes, histories)
    documents = _documents(records, edition)
    pledge = records.pledge
    results: dict[date, AgencyResult] = {}
    for day in sorted(set(dates)):
        ordinal = day.toordinal()
        ctx = context_on(pledge, day, edition)
        partnership, policy = documents(ordinal, day)
        results[day] = agency_result(
            ctx,
            (
                partnership,
                policy,
                _training(MHFA, s3, edition.s3_label, ctx, ordinal),
                _training(CIT, s4, edition.s4_label, ctx, ordinal),
            ),
        )
    return [results[day] for day in dates]


def standings_on_dates(
    records: AgencyRecords,
    dates: Sequence[date],
    edition: Edition,
    *,
    sworn_changes: Mapping[PersonId, Sequence[SwornChange]] | None = None,
    histories: Mapping[PersonId, History] | None = None,
) -> list[Standing]:
    """``standing_of(result)`` for each result ``evaluate_dates`` would give, without building the results:
    the status and the numbers, no explanations. What a campaign-wide history over many dates needs."""
    if not dates:
        return []
    s3, s4 = _count(records, dates, edition, sworn_changes, histories)
    documents = _documents(records, edition)
    pledge = records.pledge
    deadline = None if pledge is None else deadline_of(pledge)
    # The counts only change where an interval starts or ends: dates between the same two such days share them.
    # Worth finding those days only when they are few next to the dates (a small agency over many month-ends).
    counters = [counter for group in (*s3, *s4) for counter in group.counters]
    turns: list[int] | None = None
    if sum(len(counter.starts) for counter in counters) <= 4 * len(dates):
        turns = sorted({day for counter in counters for day in counter.days()})
    stretch = -1
    results: dict[date, Standing] = {}
    for day in sorted(set(dates)):
        ordinal = day.toordinal()
        partnership, policy = documents(ordinal, day)
        here = ordinal if turns is None else bisect_right(turns, ordinal)
        if here != stretch:
            stretch = here
            mhfa, mhfa_left, mhfa_newly = _numbers(s3, ordinal)
            cit, cit_left, cit_newly = _numbers(s4, ordinal)
        status = Status.NOT_PLEDGED
        if pledge is not None and deadline is not None and pledge.pledged_on <= day:
            unmet = State.UNMET in (partnership.state, policy.state, mhfa.state, cit.state)
            if _completed(pledge, day):
                status = Status.MAINTENANCE_NEEDED if unmet else Status.COMPLETED
            elif day > deadline:
                status = Status.OVERDUE
            elif not unmet:
                status = Status.ON_TRACK
            elif under_time_fraction(day, pledge.pledged_on, deadline, edition.at_risk_time_percent):
                status = Status.AT_RISK
            elif any(
                state is State.UNMET and _behind(left, newly, pledge.pledged_on, day, deadline)
                for state, left, newly in ((mhfa.state, mhfa_left, mhfa_newly), (cit.state, cit_left, cit_newly))
            ):
                status = Status.AT_RISK
            else:
                status = Status.ON_TRACK
        results[day] = Standing(day, status, partnership.state, policy.state, mhfa, cit)
    return [results[day] for day in dates]


def _numbers(groups: Sequence[_Population], day: int) -> tuple[Numbers, int, int]:
    """A training strategy on one day: the sworn figure with the strategy's state, what is left, new since."""
    state = State.NOT_APPLICABLE
    sworn = (0, 0, 0)
    left = newly = 0
    for i, group in enumerate(groups):
        denominator = group.in_scope.on(day)
        numerator = group.current.on(day)
        target = -(-group.percent * denominator // 100)  # records.ceil_percent, inlined: called 100,000s of times
        newly += group.newly.on(day)
        if i == 0:
            sworn = (numerator, denominator, target)
        if denominator:
            if numerator < target:
                left += target - numerator
                state = State.UNMET
            elif state is State.NOT_APPLICABLE:
                state = State.MET
    return Numbers(sworn[0], sworn[1], sworn[2], state), left, newly


def _behind(left: int, newly: int, since: date, on: date, deadline: date) -> bool:
    """``judge._behind_pace`` from the numbers: will the current pace miss the deadline?"""
    elapsed = (on - since).days
    if elapsed <= 0 or left <= 0:
        return False
    if newly <= 0:
        return True
    return on + timedelta(days=ceil_div(left * elapsed, newly)) > deadline


def _count(
    records: AgencyRecords,
    dates: Sequence[date],
    edition: Edition,
    sworn_changes: Mapping[PersonId, Sequence[SwornChange]] | None,
    histories: Mapping[PersonId, History] | None,
) -> tuple[list[_Population], list[_Population]]:
    """Every person's intervals into the counts of each population of strategies 3 and 4."""
    changes = sworn_changes or {}
    if histories is None:
        histories = histories_on(records.trainings, date.max)
    pledge = records.pledge
    pledged = NEVER if pledge is None else pledge.pledged_on.toordinal()

    def population(name: str, accepted: frozenset[str], percent: int) -> _Population:
        return _Population(name, compile_courses(edition, accepted), percent)

    s3 = [population(SWORN, edition.s3_accepts, edition.s3_target_percent)]
    s4 = [population(SWORN, edition.s4_accepts, edition.s4_target_percent)]
    if edition.s3_designated_scopes:
        s3.append(population(DESIGNATED, edition.s3_designated_accepts, edition.s3_target_percent))
    if edition.s4_designated_scopes:
        s4.append(population(DESIGNATED, edition.s4_designated_accepts, edition.s4_target_percent))
    sworn_groups = (s3[0], s4[0])
    grace = edition.new_hire_grace_days
    no_history: History = ()
    first, last = min(dates).toordinal(), max(dates).toordinal()

    for person in records.people:
        changed = changes.get(person.id, ())
        designated: list[_Population] = []
        if person.designated_mhfa or person.designated_cit:
            scopes = {DESIGNATED_MHFA} if person.designated_mhfa else set()
            if person.designated_cit:
                scopes.add(DESIGNATED_CIT)
            if len(s3) > 1 and scopes & edition.s3_designated_scopes:
                designated.append(s3[1])
            if len(s4) > 1 and scopes & edition.s4_designated_scopes:
                designated.append(s4[1])
        if not changed and not person.sworn and not designated:
            continue
        # In post: hired (inclusive) to separated (exclusive).
        hired = 0 if person.hire_date is None else person.hire_date.toordinal()
        gone = NEVER if person.separation_date is None else person.separation_date.toordinal()
        if hired >= gone or gone <= first or hired > last:
            continue  # never in post on any date asked about
        history = histories.get(person.id, no_history)
        if not changed and not person.exemptions and (grace <= 0 or person.hire_date is None):
            # The common case: one stretch, one population set, nothing to cut out.
            for group in sworn_groups if person.sworn else designated:
                cert = certificate_spans(history, group.courses, pledged) if history else _UNTRAINED
                group.add_counted(hired, gone, cert)
            continue
        in_post: list[Span] = [(hired, gone)]
        if person.exemptions:  # both ends inclusive
            holes = sorted((e.start.toordinal(), e.end.toordinal() + 1) for e in person.exemptions)
            in_post = _subtract(in_post, _merged(holes))
        counted, grace_spans = in_post, []
        if grace > 0 and person.hire_date is not None:
            due_from = hired + grace
            grace_spans = _intersect(in_post, [(hired, due_from)])
            counted = _intersect(in_post, [(due_from, NEVER)])
        # Sworn or not, stretch by stretch.
        stretches = _sworn_stretches(changed, person.sworn) if changed else [(0, NEVER, person.sworn)]
        for start, end, sworn in stretches:
            groups = sworn_groups if sworn else designated
            if not groups:
                continue
            window = [(start, end)]
            counted_here = _intersect(counted, window)
            grace_here = _intersect(grace_spans, window)
            if not counted_here and not grace_here:
                continue
            for group in groups:
                cert = certificate_spans(history, group.courses, pledged) if history else _UNTRAINED
                for a, b in counted_here:
                    group.add_counted(a, b, cert)
                # Only a 100% target makes every new hire due; a 20% target names nobody in particular.
                if grace_here and group.percent >= 100:
                    group.due.add(_subtract(grace_here, cert.current))

    for group in (*s3, *s4):
        group.freeze()
    return s3, s4


def _training(number: int, groups: Sequence[_Population], label: str, ctx: _Context, day: int) -> StrategyResult:
    figures = [
        figure_of(g.population, g.percent, g.current.on(day), g.in_scope.on(day), g.ever.on(day)) for g in groups
    ]
    return training_result(
        number,
        figures,
        label,
        ctx,
        newly=sum(g.newly.on(day) for g in groups),
        due_count=sum(g.due.on(day) for g in groups),
        can_expire=any(g.can_expire for g in groups),
    )


def _merged(spans: Sequence[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _sworn_stretches(changes: Sequence[SwornChange], now: bool) -> list[tuple[int, int, bool]]:
    """``people.sworn_on`` as stretches: before each change its "before" holds, after the last one ``now``."""
    stretches = []
    start = 0
    for effective_on, before, _after in changes:
        end = effective_on.toordinal()
        if end > start:
            stretches.append((start, end, before))
            start = end
    stretches.append((start, NEVER, now))
    return stretches


def _documents(
    records: AgencyRecords, edition: Edition
) -> Callable[[int, date], tuple[StrategyResult, StrategyResult]]:
    """Strategies 1 and 2 judged once per stretch between the days their records change on."""
    turns = set()
    for p in records.partnerships:
        turns.add(p.effective_on.toordinal())
        if p.ends_on is not None:
            turns.add(p.ends_on.toordinal() + 1)
    for policy in records.policies:
        turns.add(policy.adopted_on.toordinal())
        turns.add(policy.effective_on.toordinal())
    ordered = sorted(turns)
    judged: dict[int, tuple[StrategyResult, StrategyResult]] = {}

    def on(ordinal: int, day: date) -> tuple[StrategyResult, StrategyResult]:
        stretch = bisect_right(ordered, ordinal)
        pair = judged.get(stretch)
        if pair is None:
            pair = judged[stretch] = (
                partnership_result(records.partnerships, day, edition),
                policy_result(records.policies, day, edition),
            )
        return pair

    return on
