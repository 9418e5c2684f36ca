from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from onemind.engine import (
    AgencyRecords,
    AgencyResult,
    Edition,
    Exemption,
    Partnership,
    Person,
    Pledge,
    Policy,
    State,
    Status,
    StrategyResult,
    Training,
    add_months,
    ceil_percent,
    certificate_on,
    certification_expiry,
    coverage_by,
    deadline_of,
    edition_2016,
    edition_2019,
    evaluate,
    evaluate_many,
    make_edition,
    partnership_problems,
    people_per_month_needed,
    pledge_months_allowed,
    project,
    scope_on,
)
from onemind.engine.rules import IDD_SCOPE_ELEMENT, POLICY_ELEMENTS

E2016 = edition_2016()
E2019 = edition_2019()
D = date(2025, 6, 1)
LAST_YEAR = date(2024, 6, 1)
ALL_ELEMENTS = frozenset(POLICY_ELEMENTS)


def officers(count: int, prefix: str = "o", **fields: Any) -> list[Person]:
    return [Person(f"{prefix}{i}", f"Officer {prefix}{i:02}", sworn=True, **fields) for i in range(count)]


def dispatchers(count: int, **fields: Any) -> list[Person]:
    return [Person(f"d{i}", f"Dispatcher {i:02}", sworn=False, **fields) for i in range(count)]


def trained(people: Iterable[Person], code: str, on: date = LAST_YEAR) -> list[Training]:
    return [Training(p.id, code, on) for p in people]


def agency(
    people: Sequence[Person],
    trainings: Sequence[Training] = (),
    *,
    partnerships: Sequence[Partnership] = (),
    policies: Sequence[Policy] = (),
    pledge: Pledge | None = None,
) -> AgencyRecords:
    return AgencyRecords(tuple(people), tuple(trainings), tuple(partnerships), tuple(policies), pledge)


def good_mou(**fields: Any) -> Partnership:
    base = Partnership(
        partner_name="Riverside CMHC",
        partner_kind="cmhc",
        effective_on=date(2025, 1, 1),
        signed_by_agency=True,
        signed_by_partner=True,
        agency_liaison="Lt. Ruiz",
        partner_liaison="Dr. Okafor",
        has_document=True,
    )
    return replace(base, **fields)


def good_policy(**fields: Any) -> Policy:
    base = Policy(
        title="GO 4.12 Persons in crisis",
        adopted_on=date(2024, 12, 1),
        effective_on=date(2025, 1, 1),
        has_document=True,
        elements_covered=ALL_ELEMENTS | {IDD_SCOPE_ELEMENT},
    )
    return replace(base, **fields)


def s(result: AgencyResult, number: int) -> StrategyResult:
    return result.strategy(number)


def missing_names(strategy: StrategyResult) -> list[str]:
    return [m.name for m in strategy.missing]


# --- RULES.md worked examples -------------------------------------------------------------------------------


def test_example_1_nine_sworn_with_mhfa_meet_s3_but_need_two_cit_officers() -> None:
    people = officers(9)
    records = agency(people, trained(people, "MHFA-PS") + trained(people[:1], "CIT-40"))

    result = evaluate(records, D, E2016)

    assert (s(result, 3).state, s(result, 3).numerator, s(result, 3).denominator) == (State.MET, 9, 9)
    s4 = s(result, 4)
    assert (s4.state, s4.numerator, s4.denominator, s4.target) == (State.UNMET, 1, 9, 2)
    assert s4.explanation == "Train 1 more sworn officer in CIT (2 needed, 1 trained)."


def test_example_2_mhfa_completed_2023_03_01_has_expired_on_2026_03_01() -> None:
    people = officers(9)
    trainings = trained(people[1:], "MHFA-PS", date(2024, 1, 15)) + [
        Training(people[0].id, "MHFA-PS", date(2023, 3, 1)),
        Training(people[0].id, "CIT-40", date(2023, 3, 1)),
    ]

    before = evaluate(agency(people, trainings), date(2026, 2, 28), E2016)
    on_expiry = evaluate(agency(people, trainings), date(2026, 3, 1), E2016)

    assert (s(before, 3).state, s(before, 3).numerator) == (State.MET, 9)
    s3 = s(on_expiry, 3)
    assert (s3.state, s3.numerator, s3.denominator) == (State.UNMET, 8, 9)
    assert [(m.ref, m.reason) for m in s3.missing] == [("o0", "MHFA expired on 2026-03-01")]
    assert s3.explanation == "Train 1 more sworn officer in MHFA (9 needed, 8 current)."


def test_example_3_edition_2019_counts_cit_or_mhfa_for_s3() -> None:
    people = officers(10)
    records = agency(people, trained(people[:2], "CIT-40") + trained(people[2:], "MHFA-PS"))

    result = evaluate(records, D, E2019)

    assert (s(result, 3).state, s(result, 3).numerator, s(result, 3).denominator) == (State.MET, 10, 10)
    assert (s(result, 4).state, s(result, 4).numerator, s(result, 4).target) == (State.MET, 2, 2)


def test_example_3_agency_under_edition_2016_misses_s3_for_its_cit_only_officers() -> None:
    people = officers(10)
    records = agency(people, trained(people[:2], "CIT-40") + trained(people[2:], "MHFA-PS"))

    s3 = s(evaluate(records, D, E2016), 3)

    assert (s3.state, s3.numerator, s3.denominator) == (State.UNMET, 8, 10)
    assert [m.ref for m in s3.missing] == ["o0", "o1"]


def test_example_4_officer_on_military_leave_all_month_leaves_denominator_nine() -> None:
    leave = Exemption(date(2025, 5, 20), date(2025, 8, 31), "military deployment")
    people = officers(9) + [Person("x", "Officer on leave", sworn=True, exemptions=(leave,))]

    result = evaluate(agency(people, trained(people[:9], "MHFA-PS")), D, E2016)

    assert (s(result, 3).state, s(result, 3).numerator, s(result, 3).denominator) == (State.MET, 9, 9)
    assert s(result, 4).denominator == 9


def test_example_5_dispatch_only_authority_has_s3_and_s4_not_applicable() -> None:
    records = agency(dispatchers(4), trained(dispatchers(4), "MHFA-PS"))

    result = evaluate(records, D, E2016)

    for number in (3, 4):
        strategy = s(result, number)
        assert strategy.state is State.NOT_APPLICABLE
        assert (strategy.numerator, strategy.denominator, strategy.target) == (0, 0, 0)
        assert strategy.explanation.startswith("Not applicable: no sworn officers")
        assert strategy.missing == ()


def test_example_6_mou_ended_2025_12_31_is_met_in_june_and_unmet_in_january_with_reason() -> None:
    mou = good_mou(effective_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    records = agency(officers(3), partnerships=[mou])

    june = s(evaluate(records, date(2025, 6, 1), E2016), 1)
    january = s(evaluate(records, date(2026, 1, 15), E2016), 1)

    assert june.state is State.MET
    assert january.state is State.UNMET
    assert [(m.name, m.reason) for m in january.missing] == [("Riverside CMHC", "agreement ended on 2025-12-31")]
    assert "agreement ended on 2025-12-31" in january.explanation


# --- editions -----------------------------------------------------------------------------------------------


def test_edition_2016_accepts_only_mhfa_for_public_safety_unless_an_equivalent_is_approved() -> None:
    people = officers(1)
    records = agency(people, trained(people, "MHFA-ADULT"))

    assert s(evaluate(records, D, E2016), 3).state is State.UNMET
    assert s(evaluate(records, D, edition_2016(mhfa_equivalents={"MHFA-ADULT"})), 3).state is State.MET


def test_approved_mhfa_equivalent_expires_like_mhfa() -> None:
    people = officers(1)
    records = agency(people, [Training("o0", "MHFA-ADULT", date(2021, 1, 1))])
    edition = edition_2016(mhfa_equivalents={"MHFA-ADULT"})

    s3 = s(evaluate(records, date(2024, 1, 1), edition), 3)

    assert s3.state is State.UNMET
    assert s3.missing[0].reason == "MHFA expired on 2024-01-01"


def test_approved_cit_equivalent_counts_for_s4() -> None:
    people = officers(5)
    records = agency(people, trained(people[:1], "TX-CIT-STATE"))

    assert s(evaluate(records, D, E2016), 4).state is State.UNMET
    assert s(evaluate(records, D, edition_2016(cit_equivalents={"TX-CIT-STATE"})), 4).state is State.MET


def test_crit_counts_as_cit_in_both_editions() -> None:
    people = officers(5)
    records = agency(people, trained(people[:1], "CRIT-40"))

    assert s(evaluate(records, D, E2016), 4).state is State.MET
    assert s(evaluate(records, D, E2019), 4).state is State.MET


def test_edition_fields_drive_targets_and_expiry() -> None:
    edition = make_edition("pilot", s4_target_percent=50, cit_valid_months=24)
    people = officers(4)
    records = agency(people, trained(people[:2], "CIT-40", date(2023, 5, 31)))

    s4 = s(evaluate(records, D, edition), 4)

    assert s4.target == 2
    assert s4.state is State.UNMET
    assert s4.missing[0].reason == "CIT expired on 2025-05-31"
    assert s4.explanation == "Train 2 more sworn officers in CIT (2 needed, 0 current)."


def test_pledge_months_must_lie_between_12_and_36() -> None:
    assert [m for m in (11, 12, 36, 37) if pledge_months_allowed(m, E2016)] == [12, 36]


# --- who is in scope ----------------------------------------------------------------------------------------


def test_officer_hired_on_d_counts_on_d_but_not_the_day_before() -> None:
    person = Person("o", "Officer", sworn=True, hire_date=D)

    assert scope_on(person, D)[0].value == "in"
    assert scope_on(person, D - timedelta(days=1))[0].value == "out"


def test_officer_separated_on_d_no_longer_counts_on_d() -> None:
    person = Person("o", "Officer", sworn=True, separation_date=D)
    records = agency([person, *officers(1)])

    assert s(evaluate(records, D, E2016), 3).denominator == 1
    assert s(evaluate(records, D - timedelta(days=1), E2016), 3).denominator == 2


def test_exemption_covers_its_start_day_and_its_end_day() -> None:
    exemption = Exemption(date(2025, 3, 1), date(2025, 3, 31), "light duty")
    person = Person("o", "Officer", sworn=True, exemptions=(exemption,))

    in_scope = {day: scope_on(person, day)[0].value for day in (date(2025, 2, 28), date(2025, 3, 1))}
    in_scope |= {day: scope_on(person, day)[0].value for day in (date(2025, 3, 31), date(2025, 4, 1))}

    assert in_scope == {
        date(2025, 2, 28): "in",
        date(2025, 3, 1): "out",
        date(2025, 3, 31): "out",
        date(2025, 4, 1): "in",
    }


def test_exemption_removes_a_trained_officer_from_numerator_and_denominator() -> None:
    exemption = Exemption(date(2025, 1, 1), date(2025, 12, 31), "long-term leave")
    people = [*officers(2), Person("x", "Exempt", sworn=True, exemptions=(exemption,))]
    records = agency(people, trained(people, "MHFA-PS"))

    s3 = s(evaluate(records, D, E2016), 3)

    assert (s3.numerator, s3.denominator) == (2, 2)


def test_officer_with_no_hire_date_counts_as_hired() -> None:
    assert s(evaluate(agency(officers(3)), D, E2016), 3).denominator == 3


def test_non_sworn_staff_who_are_not_designated_are_ignored() -> None:
    records = agency(officers(2) + dispatchers(3))

    result = evaluate(records, D, E2016)

    designated = s(result, 3).designated
    assert s(result, 3).denominator == 2
    assert designated is not None and designated.denominator == 0


# --- certificates -------------------------------------------------------------------------------------------


def test_certificate_counts_through_the_eve_of_its_expiry_and_not_on_it() -> None:
    mhfa = [Training("o", "MHFA-PS", date(2022, 8, 15))]

    assert certificate_on(mhfa, date(2025, 8, 14), E2016).current
    assert not certificate_on(mhfa, date(2025, 8, 15), E2016).current


def test_training_completed_on_d_counts_on_d_and_not_before() -> None:
    mhfa = [Training("o", "MHFA-PS", D)]

    assert certificate_on(mhfa, D, E2016).current
    assert not certificate_on(mhfa, D - timedelta(days=1), E2016).ever_trained


def test_expiry_on_a_leap_day_clamps_to_the_end_of_february() -> None:
    assert certification_expiry([Training("o", "MHFA-PS", date(2020, 2, 29))], E2016, D) == date(2023, 2, 28)


def test_recertification_before_expiry_renews_for_three_years_from_the_recert_date() -> None:
    history = [Training("o", "MHFA-PS", date(2020, 1, 10)), Training("o", "MHFA-RECERT", date(2022, 12, 1))]

    assert certification_expiry(history, E2016, date(2025, 1, 1)) == date(2025, 12, 1)
    assert certificate_on(history, date(2025, 11, 30), E2016).current
    assert not certificate_on(history, date(2025, 12, 1), E2016).current


def test_recertification_on_the_eve_of_expiry_still_renews() -> None:
    history = [Training("o", "MHFA-PS", date(2020, 1, 10)), Training("o", "MHFA-RECERT", date(2023, 1, 9))]

    assert certification_expiry(history, E2016, date(2024, 1, 1)) == date(2026, 1, 9)


def test_recertification_on_or_after_expiry_does_not_revive_the_certificate() -> None:
    for recert_day in (date(2023, 1, 10), date(2023, 6, 1)):
        history = [Training("o", "MHFA-PS", date(2020, 1, 10)), Training("o", "MHFA-RECERT", recert_day)]

        certificate = certificate_on(history, date(2024, 1, 1), E2016)

        assert (certificate.ever_trained, certificate.current) == (True, False)
        assert certificate.expires_on == date(2023, 1, 10)


def test_retaking_the_full_course_after_expiry_restores_the_certificate() -> None:
    history = [Training("o", "MHFA-PS", date(2018, 1, 10)), Training("o", "MHFA-PS", date(2023, 5, 1))]

    assert certificate_on(history, D, E2016).expires_on == date(2026, 5, 1)


def test_recertification_alone_counts_for_nothing() -> None:
    people = officers(1)
    records = agency(people, trained(people, "MHFA-RECERT"))

    s3 = s(evaluate(records, D, E2016), 3)

    assert (s3.numerator, s3.ever_trained) == (0, 0)
    assert s3.missing[0].reason == "no MHFA training on record"


def test_cit_never_expires_by_default() -> None:
    assert certificate_on([Training("o", "CIT-40", date(2001, 1, 1))], D, E2016, E2016.s4_accepts).current


def test_trainings_after_d_are_ignored_by_the_certificate_helpers() -> None:
    history = [Training("o", "MHFA-PS", date(2020, 1, 10)), Training("o", "MHFA-RECERT", date(2022, 12, 1))]

    assert certification_expiry(history, E2016, date(2022, 11, 30)) == date(2023, 1, 10)
    assert certification_expiry([], E2016, D) is None


def test_ever_trained_is_reported_beside_currently_certified() -> None:
    people = officers(4)
    trainings = trained(people[:1], "MHFA-PS", date(2019, 1, 1)) + trained(people[1:3], "MHFA-PS")

    s3 = s(evaluate(agency(people, trainings), D, E2016), 3)

    assert (s3.numerator, s3.ever_trained, s3.denominator) == (2, 3, 4)
    assert [m.reason for m in s3.missing] == ["MHFA expired on 2022-01-01", "no MHFA training on record"]


def test_certificates_expiring_within_90_days_of_d_are_listed_soonest_first() -> None:
    people = officers(4)
    trainings = [
        Training("o0", "MHFA-PS", date(2022, 8, 30)),  # expires D + 90
        Training("o1", "MHFA-PS", date(2022, 6, 15)),  # expires D + 14
        Training("o2", "MHFA-PS", date(2022, 8, 31)),  # expires D + 91
        Training("o3", "MHFA-PS", date(2022, 6, 1)),  # expired on D
    ]

    s3 = s(evaluate(agency(people, trainings), D, E2016), 3)

    assert [(e.person_id, e.expires_on) for e in s3.expiring] == [
        ("o1", date(2025, 6, 15)),
        ("o0", date(2025, 8, 30)),
    ]
    assert [m.ref for m in s3.missing] == ["o3"]


# --- targets ------------------------------------------------------------------------------------------------

CIT_TARGETS = {n: t for n, t in zip(range(1, 21), [1] * 5 + [2] * 5 + [3] * 5 + [4] * 5, strict=True)}


@pytest.mark.parametrize(("sworn", "needed"), sorted(CIT_TARGETS.items()))
def test_cit_target_is_the_ceiling_of_twenty_percent(sworn: int, needed: int) -> None:
    people = officers(sworn)
    records = agency(people, trained(people[:needed], "CIT-40"))
    short = agency(people, trained(people[: needed - 1], "CIT-40"))

    assert ceil_percent(20, sworn) == needed
    assert s(evaluate(records, D, E2016), 4).state is State.MET
    assert s(evaluate(short, D, E2016), 4).state is State.UNMET


def test_nine_sworn_need_two_cit_officers_not_one_point_eight() -> None:
    assert ceil_percent(20, 9) == 2


def test_percent_targets_avoid_floating_point_noise() -> None:
    # 0.2 * 15 is 3.0000000000000004 in floating point, whose ceiling would wrongly be 4.
    assert ceil_percent(20, 15) == 3
    assert ceil_percent(100, 7) == 7
    assert ceil_percent(20, 0) == 0


# --- designated non-sworn -----------------------------------------------------------------------------------


def test_designated_dispatchers_form_their_own_figure_that_must_also_meet_target() -> None:
    people = officers(5) + dispatchers(2, designated_mhfa=True)
    records = agency(people, trained(people[:6], "MHFA-PS"))

    s3 = s(evaluate(records, D, E2016), 3)

    assert s3.sworn is not None and s3.sworn.state is State.MET
    assert s3.designated is not None
    assert (s3.designated.numerator, s3.designated.denominator, s3.designated.state) == (1, 2, State.UNMET)
    assert s3.state is State.UNMET
    assert [(m.ref, m.reason) for m in s3.missing] == [("d1", "designated staff: no MHFA training on record")]
    assert "Train 1 more designated staff member in MHFA (2 needed, 1 current)." in s3.explanation


def test_no_designated_staff_does_not_block_a_strategy() -> None:
    people = officers(5)
    s3 = s(evaluate(agency(people, trained(people, "MHFA-PS")), D, E2016), 3)

    assert s3.designated is not None and s3.designated.state is State.NOT_APPLICABLE
    assert s3.state is State.MET


def test_cit_911_qualifies_designated_dispatchers_but_not_officers_for_s4() -> None:
    people = officers(5) + dispatchers(1, designated_cit=True)
    records = agency(people, trained(people, "CIT-911"))

    s4 = s(evaluate(records, D, E2016), 4)

    assert s4.sworn is not None and s4.designated is not None
    assert (s4.sworn.numerator, s4.designated.numerator) == (0, 1)


def test_edition_2019_judges_s4_on_sworn_officers_only() -> None:
    people = officers(5) + dispatchers(3, designated_cit=True)
    records = agency(people, trained(people[:1], "CIT-40"))

    s4 = s(evaluate(records, D, E2019), 4)

    assert s4.designated is None
    assert s4.state is State.MET


def test_edition_2019_s3_covers_staff_designated_for_either_course() -> None:
    people = dispatchers(2, designated_cit=True)
    records = agency(people, trained(people[:1], "CIT-911"))

    s3 = s(evaluate(records, D, E2019), 3)

    assert s3.designated is not None
    assert (s3.designated.numerator, s3.designated.denominator) == (1, 2)


def test_authority_with_only_designated_staff_is_judged_on_them() -> None:
    people = dispatchers(2, designated_mhfa=True)
    records = agency(people, trained(people, "MHFA-PS"))

    s3 = s(evaluate(records, D, E2016), 3)

    assert s3.state is State.MET
    assert (s3.numerator, s3.denominator) == (0, 0)


def test_a_sworn_officer_flagged_as_designated_counts_once_as_sworn() -> None:
    people = officers(1, designated_mhfa=True)

    s3 = s(evaluate(agency(people), D, E2016), 3)

    assert s3.denominator == 1
    assert s3.designated is not None and s3.designated.denominator == 0


# --- new-hire grace period ----------------------------------------------------------------------------------

GRACE_90 = make_edition("grace", new_hire_grace_days=90)


def test_new_hire_inside_the_grace_period_is_due_and_not_counted() -> None:
    hired = D - timedelta(days=10)
    people = [*officers(2), Person("n", "New Hire", sworn=True, hire_date=hired)]
    records = agency(people, trained(people[:2], "MHFA-PS"))

    s3 = s(evaluate(records, D, GRACE_90), 3)

    assert (s3.state, s3.numerator, s3.denominator) == (State.MET, 2, 2)
    assert [(d.person_id, d.due_on) for d in s3.due] == [("n", hired + timedelta(days=90))]
    assert s3.explanation.endswith("1 new hire in the grace period not counted yet.")
    assert s(evaluate(records, D, GRACE_90), 4).due == ()


def test_new_hire_counts_from_the_day_the_grace_period_ends() -> None:
    people = [Person("n", "New Hire", sworn=True, hire_date=D - timedelta(days=90))]

    s3 = s(evaluate(agency(people), D, GRACE_90), 3)

    assert (s3.denominator, s3.due) == (1, ())


def test_trained_new_hire_in_the_grace_period_is_not_listed_as_due() -> None:
    people = [Person("n", "New Hire", sworn=True, hire_date=D - timedelta(days=10))]

    s3 = s(evaluate(agency(people, trained(people, "MHFA-PS", D)), D, GRACE_90), 3)

    assert (s3.denominator, s3.due, s3.state) == (0, (), State.NOT_APPLICABLE)


def test_default_grace_period_of_zero_counts_new_hires_immediately() -> None:
    people = [Person("n", "New Hire", sworn=True, hire_date=D)]

    assert s(evaluate(agency(people), D, E2016), 3).denominator == 1


# --- partnership (strategy 1) -------------------------------------------------------------------------------


def test_agreement_ending_on_d_still_counts_on_d() -> None:
    records = agency([], partnerships=[good_mou(ends_on=D)])

    assert s(evaluate(records, D, E2016), 1).state is State.MET
    assert s(evaluate(records, D + timedelta(days=1), E2016), 1).state is State.UNMET


def test_agreement_effective_on_d_counts_on_d() -> None:
    records = agency([], partnerships=[good_mou(effective_on=D)])

    assert s(evaluate(records, D, E2016), 1).state is State.MET


def test_disputed_agreement_is_unmet_with_the_reason() -> None:
    records = agency([], partnerships=[good_mou(disputed=True)])

    s1 = s(evaluate(records, D, E2016), 1)

    assert s1.state is State.UNMET
    assert s1.missing[0].reason == "the partner disputes the agreement"


def test_agreement_lists_every_missing_requirement() -> None:
    mou = good_mou(signed_by_partner=False, partner_liaison=" ", has_document=False)

    assert partnership_problems(mou, D, E2016) == (
        "not signed by the partner",
        "no partner liaison named",
        "agreement document not on file",
    )


def test_community_health_partner_counts_under_2019_but_not_2016() -> None:
    records = agency([], partnerships=[good_mou(partner_kind="community_health_organization")])

    assert s(evaluate(records, D, E2019), 1).state is State.MET
    unmet = s(evaluate(records, D, E2016), 1)
    assert unmet.missing[0].reason == "partner kind 'community_health_organization' is not accepted under edition 2016"


def test_agreement_not_yet_in_effect_is_left_out() -> None:
    records = agency([], partnerships=[good_mou(effective_on=D + timedelta(days=1))])

    s1 = s(evaluate(records, D, E2016), 1)

    assert (s1.state, s1.denominator) == (State.UNMET, 0)
    assert s1.explanation == (
        "No partnership yet: sign a written agreement with a community mental health organization."
    )


def test_one_qualifying_agreement_is_enough() -> None:
    records = agency([], partnerships=[good_mou(partner_name="Lapsed", ends_on=date(2024, 1, 1)), good_mou()])

    s1 = s(evaluate(records, D, E2016), 1)

    assert (s1.state, s1.numerator, s1.denominator, s1.target) == (State.MET, 1, 2, 1)
    assert s1.explanation == "Partnership with Riverside CMHC is in force."


# --- policy (strategy 2) ------------------------------------------------------------------------------------


def test_policy_covering_every_element_with_document_is_met() -> None:
    s2 = s(evaluate(agency([], policies=[good_policy()]), D, E2016), 2)

    assert (s2.state, s2.numerator, s2.denominator) == (State.MET, 12, 12)


def test_policy_missing_an_element_is_unmet_and_names_it() -> None:
    policy = good_policy(elements_covered=ALL_ELEMENTS - {"definitions"})

    s2 = s(evaluate(agency([], policies=[policy]), D, E2016), 2)

    assert (s2.state, s2.numerator) == (State.UNMET, 11)
    assert [(m.ref, m.name) for m in s2.missing] == [("definitions", "definitions")]
    assert s2.explanation == "Policy 'GO 4.12 Persons in crisis': missing 1 required element: definitions."


def test_policy_without_its_document_on_file_is_unmet() -> None:
    s2 = s(evaluate(agency([], policies=[good_policy(has_document=False)]), D, E2016), 2)

    assert s2.state is State.UNMET
    assert [m.reason for m in s2.missing] == ["policy document not on file"]


def test_edition_2019_policy_must_cover_intellectual_and_developmental_disabilities() -> None:
    policy = good_policy(elements_covered=ALL_ELEMENTS)
    records = agency([], policies=[policy])

    assert s(evaluate(records, D, E2016), 2).state is State.MET
    s2 = s(evaluate(records, D, E2019), 2)
    assert (s2.state, s2.numerator, s2.denominator) == (State.UNMET, 12, 13)
    assert [m.ref for m in s2.missing] == [IDD_SCOPE_ELEMENT]


def test_policy_adopted_but_not_yet_effective_is_unmet_until_its_effective_date() -> None:
    records = agency([], policies=[good_policy(adopted_on=date(2025, 5, 1), effective_on=D)])

    before = s(evaluate(records, D - timedelta(days=1), E2016), 2)

    assert before.state is State.UNMET
    assert before.missing[0].reason == "policy takes effect on 2025-06-01"
    assert s(evaluate(records, D, E2016), 2).state is State.MET


def test_newer_policy_version_supersedes_the_older_one() -> None:
    old = good_policy(title="v1")
    new = good_policy(title="v2", adopted_on=date(2025, 3, 1), effective_on=date(2025, 4, 1), has_document=False)
    records = agency([], policies=[old, new])

    assert s(evaluate(records, date(2025, 3, 15), E2016), 2).state is State.MET
    assert s(evaluate(records, D, E2016), 2).explanation.startswith("Policy 'v2'")


def test_no_policy_on_record_is_unmet() -> None:
    s2 = s(evaluate(agency([]), D, E2016), 2)

    assert (s2.state, s2.numerator, s2.denominator) == (State.UNMET, 0, 12)


# --- deadline and status ------------------------------------------------------------------------------------


def complete_agency(pledge: Pledge, trainings_on: date = LAST_YEAR) -> AgencyRecords:
    people = officers(5)
    trainings = trained(people, "MHFA-PS", trainings_on) + trained(people[:1], "CIT-40", trainings_on)
    return agency(people, trainings, partnerships=[good_mou()], policies=[good_policy()], pledge=pledge)


def test_deadline_adds_calendar_months_and_clamps_to_the_month_end() -> None:
    assert deadline_of(Pledge(date(2024, 1, 31), 13)) == date(2025, 2, 28)
    assert deadline_of(Pledge(date(2024, 3, 15), 36)) == date(2027, 3, 15)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)


def test_status_is_not_pledged_without_a_pledge_or_before_its_date() -> None:
    records = complete_agency(Pledge(date(2025, 1, 1), 24))

    assert evaluate(agency(officers(1)), D, E2016).status is Status.NOT_PLEDGED
    early = evaluate(records, date(2024, 12, 31), E2016)
    assert (early.status, early.deadline, early.days_left) == (Status.NOT_PLEDGED, None, None)


def test_status_is_on_track_when_everything_is_met_but_not_yet_verified() -> None:
    result = evaluate(complete_agency(Pledge(date(2025, 1, 1), 24)), D, E2016)

    assert result.status is Status.ON_TRACK
    assert (result.deadline, result.days_left) == (date(2027, 1, 1), 579)


def test_status_is_on_track_when_the_pace_reaches_the_target_in_time() -> None:
    people = officers(10)
    trainings = trained(people[:5], "MHFA-PS", date(2025, 3, 1)) + trained(people[:2], "CIT-40")
    records = agency(people, trainings, pledge=Pledge(date(2025, 1, 1), 24))

    result = evaluate(records, D, E2016)

    projection = s(result, 3).projection
    assert projection is not None
    assert (projection.remaining, projection.newly_covered, projection.days_elapsed) == (5, 5, 151)
    assert projection.projected_on == D + timedelta(days=151)
    assert result.status is Status.ON_TRACK


def test_status_is_at_risk_when_nobody_has_been_trained_since_the_pledge() -> None:
    records = agency(officers(10), pledge=Pledge(date(2025, 1, 1), 24))

    result = evaluate(records, D, E2016)

    assert result.status is Status.AT_RISK
    projection = s(result, 3).projection
    assert projection is not None and projection.projected_on is None
    assert result.status_reason == "At the current pace strategies 3 and 4 will not be met by 2027-01-01."


def test_status_on_the_pledge_day_is_on_track_because_there_is_no_pace_yet() -> None:
    records = agency(officers(10), pledge=Pledge(D, 24))

    assert evaluate(records, D, E2016).status is Status.ON_TRACK
    assert evaluate(records, D + timedelta(days=1), E2016).status is Status.AT_RISK


def test_status_is_at_risk_when_the_pace_is_too_slow() -> None:
    people = officers(100)
    trainings = trained(people[:2], "MHFA-PS", date(2025, 2, 1)) + trained(people[:20], "CIT-40")
    records = agency(people, trainings, pledge=Pledge(date(2025, 1, 1), 12))

    result = evaluate(records, D, E2016)

    assert result.status is Status.AT_RISK
    projection = s(result, 3).projection
    assert projection is not None and projection.projected_on is not None
    assert projection.projected_on > date(2026, 1, 1)
    assert projection.needed_per_month == 14


def test_status_is_at_risk_with_under_twenty_percent_of_the_time_frame_left() -> None:
    pledge = Pledge(date(2025, 1, 1), 12)  # 365 days; 20% is exactly 73 days
    records = replace(complete_agency(pledge), partnerships=())

    at_twenty = evaluate(records, date(2026, 1, 1) - timedelta(days=73), E2016)
    under_twenty = evaluate(records, date(2026, 1, 1) - timedelta(days=72), E2016)

    assert at_twenty.status is Status.ON_TRACK
    assert under_twenty.status is Status.AT_RISK
    assert under_twenty.status_reason == "Less than 20% of the time frame left and strategy 1 unmet."


def test_status_is_overdue_the_day_after_the_deadline_and_not_on_it() -> None:
    records = complete_agency(Pledge(date(2024, 1, 1), 12))

    assert evaluate(records, date(2025, 1, 1), E2016).status is Status.ON_TRACK
    overdue = evaluate(records, date(2025, 1, 2), E2016)
    assert (overdue.status, overdue.days_left) == (Status.OVERDUE, -1)


def test_status_is_completed_when_all_four_are_verified_and_still_met() -> None:
    pledge = Pledge(date(2025, 1, 1), 24, verified=frozenset({1, 2, 3, 4}), completed_on=date(2025, 5, 1))

    assert evaluate(complete_agency(pledge), D, E2016).status is Status.COMPLETED


def test_verifications_after_d_do_not_count_on_d() -> None:
    pledge = Pledge(date(2025, 1, 1), 24, verified=frozenset({1, 2, 3, 4}), completed_on=date(2025, 7, 1))

    assert evaluate(complete_agency(pledge), D, E2016).status is Status.ON_TRACK


def test_three_verified_strategies_are_not_completion() -> None:
    pledge = Pledge(date(2025, 1, 1), 24, verified=frozenset({1, 2, 3}))

    assert evaluate(complete_agency(pledge), D, E2016).status is Status.ON_TRACK


def test_status_is_maintenance_needed_when_a_completed_agency_lets_certificates_lapse() -> None:
    pledge = Pledge(date(2022, 1, 1), 24, verified=frozenset({1, 2, 3, 4}), recognized_on=date(2023, 6, 1))
    records = complete_agency(pledge, trainings_on=date(2022, 3, 1))

    assert evaluate(records, date(2025, 2, 28), E2016).status is Status.COMPLETED
    lapsed = evaluate(records, date(2025, 3, 1), E2016)
    assert lapsed.status is Status.MAINTENANCE_NEEDED
    assert lapsed.status_reason == "Completed, but strategy 3 is no longer met."


def test_not_applicable_strategies_do_not_stop_completion() -> None:
    pledge = Pledge(date(2025, 1, 1), 24, verified=frozenset({1, 2, 3, 4}))
    records = agency([], partnerships=[good_mou()], policies=[good_policy()], pledge=pledge)

    assert evaluate(records, D, E2016).status is Status.COMPLETED


# --- pace helpers -------------------------------------------------------------------------------------------


def test_people_per_month_needed_spreads_the_remainder_over_the_months_left() -> None:
    assert people_per_month_needed(12, date(2025, 1, 1), date(2026, 1, 1)) == 1
    assert people_per_month_needed(13, date(2025, 1, 1), date(2026, 1, 1)) == 2
    assert people_per_month_needed(0, date(2025, 1, 1), date(2026, 1, 1)) == 0
    assert people_per_month_needed(7, date(2026, 1, 1), date(2026, 1, 1)) == 7


def test_projection_extrapolates_the_pace_since_the_pledge() -> None:
    projection = project(remaining=10, newly_covered=5, since=date(2025, 1, 1), on=date(2025, 3, 2), deadline=D)

    assert projection.days_elapsed == 60
    assert projection.projected_on == date(2025, 3, 2) + timedelta(days=120)
    assert round(projection.per_month, 2) == 2.54


def test_projection_on_the_pledge_day_has_no_pace_yet() -> None:
    assert project(3, 0, D, D, D + timedelta(days=365)).projected_on is None
    assert project(0, 0, D, D, D + timedelta(days=365)).projected_on == D


# --- many agencies, detail and breakdowns -------------------------------------------------------------------


def test_evaluate_many_takes_one_edition_for_all_or_one_per_agency() -> None:
    people = officers(10)
    records = agency(people, trained(people[:2], "CIT-40") + trained(people[2:], "MHFA-PS"))
    by_agency = {"a": records, "b": records}

    shared = evaluate_many(by_agency, D, E2016)
    mixed = evaluate_many(by_agency, D, {"a": E2016, "b": E2019})

    assert [shared[k].strategy(3).state for k in "ab"] == [State.UNMET, State.UNMET]
    assert [mixed[k].strategy(3).state for k in "ab"] == [State.UNMET, State.MET]


def test_evaluate_many_leaves_out_named_lists_unless_asked() -> None:
    people = officers(3)
    records = agency(people, trained(people[:1], "MHFA-PS", date(2022, 6, 20)))

    brief = evaluate_many({"a": records}, D, E2016)["a"].strategy(3)
    full = evaluate_many({"a": records}, D, E2016, detail=True)["a"].strategy(3)

    assert (brief.numerator, brief.missing, brief.expiring) == (full.numerator, (), ())
    assert len(full.missing) == 2 and len(full.expiring) == 1
    assert brief.explanation == full.explanation


def test_cit_coverage_is_broken_down_by_shift() -> None:
    people = officers(3, shift="days") + officers(2, prefix="n", shift="nights")
    records = agency(people, trained(people[:1], "CIT-40"))

    coverage = coverage_by(records, D, E2016, "shift")

    assert [(c.group, c.numerator, c.denominator) for c in coverage] == [("days", 1, 3), ("nights", 0, 2)]


def test_coverage_breakdown_rejects_unknown_attributes() -> None:
    with pytest.raises(ValueError, match="cannot group by 'name'"):
        coverage_by(agency([]), D, E2016, "name")


def test_results_are_frozen() -> None:
    result = evaluate(agency(officers(1)), D, E2016)

    with pytest.raises(AttributeError):
        result.status = Status.COMPLETED  # type: ignore[misc]
    assert isinstance(E2016, Edition)
