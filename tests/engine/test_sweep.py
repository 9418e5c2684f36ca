"""The sweep (``evaluate_dates``) equals judging each date alone, on random agencies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from onemind.engine import (
    AgencyRecords,
    Edition,
    Exemption,
    Person,
    Pledge,
    SwornChange,
    Training,
    add_months,
    edition_2016,
    edition_2019,
    evaluate,
    evaluate_dates,
    make_edition,
    standing_of,
    standings_on_dates,
    sworn_on,
)
from tests.engine.test_properties import EDITIONS, agencies, days

SWEEP = settings(max_examples=150, deadline=None, database=None)


def records_on(records: AgencyRecords, changes: dict[str, list[SwornChange]], on: date) -> AgencyRecords:
    """The roster as it stood on ``on``: what the loader's ``records_on`` does."""
    people = tuple(replace(p, sworn=sworn_on(changes.get(str(p.id), ()), on, p.sworn)) for p in records.people)
    return replace(records, people=people)


def boundaries(records: AgencyRecords) -> list[date]:
    """Every day an interval opens or closes, and the day before: where an off-by-one would show."""
    edges: set[date] = set()
    for p in records.people:
        edges.update(d for d in (p.hire_date, p.separation_date) if d is not None)
        for e in p.exemptions:
            edges.update((e.start, e.end, e.end + timedelta(days=1)))
        if p.hire_date is not None:
            edges.update(p.hire_date + timedelta(days=n) for n in (60,))
    for t in records.trainings:
        edges.update((t.completed_on, add_months(t.completed_on, 36), add_months(t.completed_on, 24)))
    for m in records.partnerships:
        edges.update(d for d in (m.effective_on, m.ends_on) if d is not None)
    if records.pledge is not None:
        edges.add(records.pledge.pledged_on)
    return sorted(edges | {d - timedelta(days=1) for d in edges if d > date.min})


@st.composite
def sworn_changes(draw: st.DrawFn, records: AgencyRecords) -> dict[str, list[SwornChange]]:
    changes: dict[str, list[SwornChange]] = {}
    for person in records.people:
        if draw(st.integers(0, 3)) == 0:
            when = sorted(draw(st.lists(days, min_size=1, max_size=2)))
            flags = [draw(st.booleans()) for _ in range(len(when))] + [person.sworn]
            changes[str(person.id)] = [(d, flags[i], flags[i + 1]) for i, d in enumerate(when)]
    return changes


@SWEEP
@given(agencies(), st.sampled_from(EDITIONS), st.lists(days, max_size=8), st.data())
def test_the_sweep_equals_judging_each_date_alone(
    records: AgencyRecords, edition: Edition, some_days: list[date], data: st.DataObject
) -> None:
    changes = data.draw(sworn_changes(records))
    wanted = some_days + data.draw(st.lists(st.sampled_from(boundaries(records) or [date(2020, 1, 1)]), max_size=12))

    swept = evaluate_dates(records, wanted, edition, sworn_changes=changes)

    alone = [evaluate(records_on(records, changes, day), day, edition, detail=False) for day in wanted]
    assert swept == alone
    assert standings_on_dates(records, wanted, edition, sworn_changes=changes) == [standing_of(r) for r in alone]


def test_renewal_expiry_exemption_and_grace_at_their_exact_days() -> None:
    """A hand-made agency whose figures change on known days, judged at every day around each change."""
    edition = make_edition("grace", new_hire_grace_days=30)
    people = (
        Person("a", "Able", sworn=True, hire_date=date(2020, 1, 1)),
        Person("b", "Baker", sworn=True, hire_date=date(2022, 6, 1), separation_date=date(2025, 2, 1)),
        Person(
            "c",
            "Cole",
            sworn=True,
            hire_date=date(2019, 1, 1),
            exemptions=(Exemption(date(2023, 3, 1), date(2023, 3, 31), "military"),),
        ),
        Person("d", "Dee", sworn=False, designated_cit=True, hire_date=date(2019, 1, 1)),
    )
    trainings = (
        Training("a", "MHFA-PS", date(2020, 3, 1)),
        Training("a", "MHFA-RECERT", date(2023, 2, 1)),  # renews until 2026-02-01
        Training("b", "MHFA-PS", date(2022, 6, 20)),
        Training("b", "CIT-40", date(2022, 7, 1)),
        Training("c", "MHFA-PS", date(2019, 2, 1)),  # lapses 2022-02-01, no renewal
        Training("c", "MHFA-RECERT", date(2022, 3, 1)),  # too late to renew
        Training("d", "CIT-911", date(2021, 1, 1)),
    )
    records = AgencyRecords(people=people, trainings=trainings, pledge=Pledge(date(2021, 1, 1), 36))
    turns = [date(2022, 2, 1), date(2022, 6, 1), date(2022, 7, 1), date(2023, 3, 1), date(2023, 4, 1)]
    turns += [date(2025, 2, 1), date(2026, 2, 1)]
    wanted = [t + timedelta(days=n) for t in turns for n in (-1, 0, 1)]
    for edition_ in (edition, edition_2016(), edition_2019()):
        assert evaluate_dates(records, wanted, edition_) == [
            evaluate(records, day, edition_, detail=False) for day in wanted
        ]
    by_day = dict(zip(wanted, evaluate_dates(records, wanted, edition), strict=True))
    mhfa = {day: (r.strategy(3).numerator, r.strategy(3).denominator) for day, r in by_day.items()}
    assert mhfa[date(2022, 6, 30)] == (1, 2)  # Baker in the grace period, Cole lapsed
    assert mhfa[date(2022, 7, 1)] == (2, 3)  # Baker's grace ended and he is trained
    assert mhfa[date(2023, 3, 1)] == (2, 2)  # Cole exempt
    assert mhfa[date(2026, 2, 1)] == (0, 2)  # Able's renewal has run out; Baker gone


def test_repeated_and_unsorted_dates_come_back_in_the_order_asked() -> None:
    records = AgencyRecords(
        people=(Person(1, "One", sworn=True, hire_date=date(2020, 1, 1)),),
        trainings=(Training(1, "CIT-40", date(2021, 1, 1)),),
    )
    wanted = [date(2022, 1, 1), date(2020, 6, 1), date(2022, 1, 1)]
    results = evaluate_dates(records, wanted, edition_2016())
    assert [r.on for r in results] == wanted
    assert [r.strategy(4).numerator for r in results] == [1, 0, 1]
    assert evaluate_dates(records, [], edition_2016()) == []


def test_a_roster_larger_than_the_dates_gives_the_same_standings() -> None:
    """Many people, few dates: the sweep counts every date afresh instead of reusing stretches."""
    people = tuple(
        Person(i, f"P{i}", sworn=i % 5 != 0, designated_cit=i % 5 == 0, hire_date=date(2018 + i % 6, 1 + i % 12, 1))
        for i in range(60)
    )
    trainings = tuple(
        Training(i, ("MHFA-PS", "CIT-40", "MHFA-RECERT", "CIT-911")[i % 4], date(2019 + i % 5, 1 + i % 12, 10))
        for i in range(60)
    )
    records = AgencyRecords(people=people, trainings=trainings, pledge=Pledge(date(2020, 1, 1), 36))
    wanted = [date(2022, 12, 31), date(2024, 6, 30)]
    for edition in (edition_2016(), edition_2019()):
        alone = [evaluate(records, day, edition, detail=False) for day in wanted]
        assert evaluate_dates(records, wanted, edition) == alone
        assert standings_on_dates(records, wanted, edition) == [standing_of(r) for r in alone]
