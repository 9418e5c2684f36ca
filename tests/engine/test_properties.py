from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from onemind.engine import (
    AgencyRecords,
    AgencyResult,
    Edition,
    Exemption,
    Figure,
    Partnership,
    Person,
    Pledge,
    Policy,
    State,
    Training,
    edition_2016,
    edition_2019,
    evaluate,
    make_edition,
)
from onemind.engine.rules import POLICY_ELEMENTS

# No example database: the suite must not leave a .hypothesis folder in the working tree.
FAST = settings(max_examples=100, deadline=None, database=None)
EDITIONS = [
    edition_2016(),
    edition_2019(),
    make_edition("strict", new_hire_grace_days=60, cit_valid_months=24, s4_target_percent=35),
]
CODES = ["MHFA-PS", "MHFA-ADULT", "MHFA-RECERT", "CIT-40", "CRIT-40", "CIT-911", "FIRST-AID"]
START, END = date(2019, 1, 1), date(2027, 12, 31)

# Day offsets rather than st.dates(): one draw per date instead of three keeps the file well under 10 s.
days = st.integers(0, (END - START).days).map(lambda offset: START + timedelta(days=offset))
maybe_day = st.none() | days


@st.composite
def exemptions(draw: st.DrawFn) -> Exemption:
    start = draw(days)
    return Exemption(start, start + timedelta(days=draw(st.integers(0, 400))), "leave")


@st.composite
def people(draw: st.DrawFn) -> tuple[Person, ...]:
    count = draw(st.integers(0, 8))
    return tuple(
        Person(
            id=f"p{i}",
            name=f"Person {i:02}",
            sworn=draw(st.booleans()),
            designated_mhfa=draw(st.booleans()),
            designated_cit=draw(st.booleans()),
            hire_date=draw(maybe_day),
            separation_date=draw(maybe_day),
            exemptions=tuple(draw(st.lists(exemptions(), max_size=1))),
            shift=draw(st.sampled_from(["days", "nights"])),
        )
        for i in range(count)
    )


@st.composite
def partnerships(draw: st.DrawFn) -> Partnership:
    effective = draw(days)
    return Partnership(
        partner_name=f"Partner {draw(st.integers(0, 99))}",
        partner_kind=draw(st.sampled_from(["cmhc", "community_health_organization", "hospital_er"])),
        effective_on=effective,
        ends_on=draw(st.none() | st.just(effective + timedelta(days=draw(st.integers(0, 900))))),
        signed_by_agency=draw(st.booleans()),
        signed_by_partner=draw(st.booleans()),
        agency_liaison=draw(st.sampled_from(["", "Lt. Ruiz"])),
        partner_liaison=draw(st.sampled_from(["", "Dr. Okafor"])),
        has_document=draw(st.booleans()),
        disputed=draw(st.booleans()),
    )


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    adopted = draw(days)
    return Policy(
        title=f"Policy {draw(st.integers(0, 9))}",
        adopted_on=adopted,
        effective_on=adopted + timedelta(days=draw(st.integers(0, 90))),
        has_document=draw(st.booleans()),
        elements_covered=frozenset(draw(st.sets(st.sampled_from([*POLICY_ELEMENTS, "idd_scope"])))),
    )


@st.composite
def pledges(draw: st.DrawFn) -> Pledge:
    verified = frozenset(draw(st.sets(st.integers(1, 4))))
    return Pledge(
        pledged_on=draw(days),
        months=draw(st.integers(12, 36)),
        verified=verified,
        completed_on=draw(maybe_day) if len(verified) == 4 else None,
        recognized_on=draw(maybe_day) if len(verified) == 4 else None,
    )


@st.composite
def agencies(draw: st.DrawFn) -> AgencyRecords:
    roster = draw(people())
    ids = [p.id for p in roster] or ["ghost"]
    training = st.builds(Training, st.sampled_from(ids), st.sampled_from(CODES), days)
    return AgencyRecords(
        people=roster,
        trainings=tuple(draw(st.lists(training, max_size=20))),
        partnerships=tuple(draw(st.lists(partnerships(), max_size=2))),
        policies=tuple(draw(st.lists(policies(), max_size=2))),
        pledge=draw(st.none() | pledges()),
    )


def figures(result: AgencyResult) -> list[Figure]:
    return [f for n in (3, 4) for f in (result.strategy(n).sworn, result.strategy(n).designated) if f is not None]


STATE_RANK = {State.UNMET: 0, State.MET: 1, State.NOT_APPLICABLE: 1}


@FAST
@given(agencies(), days, st.sampled_from(EDITIONS), st.data())
def test_adding_a_qualifying_record_never_lowers_coverage(
    records: AgencyRecords, on: date, edition: Edition, data: st.DataObject
) -> None:
    if not records.people:
        return
    person = data.draw(st.sampled_from(records.people))
    accepted = edition.s3_accepts | edition.s4_accepts | edition.s4_designated_accepts | edition.recert_codes
    extra = Training(person.id, data.draw(st.sampled_from(sorted(accepted))), data.draw(days))

    before = evaluate(records, on, edition)
    after = evaluate(replace(records, trainings=(*records.trainings, extra)), on, edition)

    for old, new in zip(figures(before), figures(after), strict=True):
        assert new.denominator == old.denominator
        assert new.numerator >= old.numerator
        assert new.ever_trained >= old.ever_trained
    for number in (3, 4):
        assert STATE_RANK[after.strategy(number).state] >= STATE_RANK[before.strategy(number).state]


@FAST
@given(agencies(), days, st.sampled_from(EDITIONS), st.data())
def test_an_exemption_never_raises_the_numerator(
    records: AgencyRecords, on: date, edition: Edition, data: st.DataObject
) -> None:
    if not records.people:
        return
    index = data.draw(st.integers(0, len(records.people) - 1))
    person = records.people[index]
    exempt = replace(person, exemptions=(*person.exemptions, data.draw(exemptions())))
    roster = (*records.people[:index], exempt, *records.people[index + 1 :])

    before = evaluate(records, on, edition)
    after = evaluate(replace(records, people=roster), on, edition)

    for old, new in zip(figures(before), figures(after), strict=True):
        assert new.numerator <= old.numerator
        assert new.denominator <= old.denominator


def later(on: date, data: st.DataObject) -> date:
    return on + timedelta(days=data.draw(st.integers(1, 800)))


@FAST
@given(agencies(), days, st.sampled_from(EDITIONS), st.data())
def test_records_dated_after_d_never_change_the_result_on_d(
    records: AgencyRecords, on: date, edition: Edition, data: st.DataObject
) -> None:
    newcomer = Person("late", "Late Hire", sworn=True, designated_mhfa=True, hire_date=later(on, data))
    roster = [
        replace(
            p,
            separation_date=p.separation_date or later(on, data),
            exemptions=(*p.exemptions, Exemption(later(on, data), later(on, data) + timedelta(days=30))),
        )
        for p in records.people
    ]
    ids = [p.id for p in roster] + [newcomer.id]
    late_trainings = [Training(pid, code, later(on, data)) for pid in ids for code in ("MHFA-PS", "CIT-40")]
    good_mou = Partnership(
        "Late partner", "cmhc", later(on, data), None, True, True, "Lt. Ruiz", "Dr. Okafor", True, False
    )
    good_policy = Policy("Late policy", later(on, data), later(on, data), True, frozenset(POLICY_ELEMENTS))
    pledge = records.pledge or Pledge(later(on, data), 24)
    if pledge.pledged_on <= on and len(pledge.verified) < 4 and pledge.recognized_on is None:
        pledge = replace(pledge, verified=frozenset({1, 2, 3, 4}), completed_on=later(on, data))
    padded = AgencyRecords(
        people=(*roster, newcomer),
        trainings=(*records.trainings, *late_trainings),
        partnerships=(*records.partnerships, good_mou),
        policies=(*records.policies, good_policy),
        pledge=pledge,
    )

    assert evaluate(padded, on, edition) == evaluate(records, on, edition)


@FAST
@given(agencies(), days, st.sampled_from(EDITIONS))
def test_numerator_never_exceeds_denominator(records: AgencyRecords, on: date, edition: Edition) -> None:
    result = evaluate(records, on, edition)

    for figure in figures(result):
        assert 0 <= figure.numerator <= figure.ever_trained <= figure.denominator
        assert figure.target <= figure.denominator
        assert (figure.state is State.NOT_APPLICABLE) == (figure.denominator == 0)
    for strategy in result.strategies:
        assert 0 <= strategy.numerator <= max(strategy.denominator, strategy.target)
        assert (strategy.state is State.MET) == (not strategy.missing) or strategy.state is State.NOT_APPLICABLE


@FAST
@given(agencies(), days, st.sampled_from(EDITIONS), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_the_order_of_records(
    records: AgencyRecords, on: date, edition: Edition, rng: random.Random
) -> None:
    reordered = replace(
        records,
        people=tuple(rng.sample(records.people, len(records.people))),
        trainings=tuple(rng.sample(records.trainings, len(records.trainings))),
        partnerships=tuple(rng.sample(records.partnerships, len(records.partnerships))),
        policies=tuple(rng.sample(records.policies, len(records.policies))),
    )

    before, after = evaluate(records, on, edition), evaluate(reordered, on, edition)

    assert before == after
