"""The planner's pure projection: timing without attrition, the cost of attrition and expiries, a worked example."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

import pytest

from onemind.planner.projection import (
    CIT_40,
    MHFA_PS,
    MHFA_RECERT,
    Assumptions,
    Start,
    horizon,
    project,
    recommend,
)

JAN = date(2026, 1, 1)


@pytest.mark.parametrize(("sworn", "trained", "seats"), [(20, 5, 3), (9, 0, 2), (100, 99, 1), (36, 10, 7)])
def test_without_attrition_the_target_is_reached_in_the_projected_month(sworn: int, trained: int, seats: int) -> None:
    start = Start(month=JAN, sworn=sworn, mhfa=trained, cit=0, deadline=date(2030, 1, 1))
    projection = project(start, Assumptions(seats={MHFA_PS: seats}))
    reached = projection.reached("mhfa")
    expected = math.ceil((sworn - trained) / seats)  # the shortfall over the seats a month
    assert reached is not None and reached.index == expected
    assert reached.month == date(2026 + (expected - 1) // 12, (expected - 1) % 12 + 1, 1)
    assert projection.months[expected - 2].mhfa < sworn if expected > 1 else True


def test_attrition_and_hires_need_more_months_than_none() -> None:
    start = Start(month=JAN, sworn=100, mhfa=0, cit=10, deadline=date(2027, 1, 1))
    steady = project(start, Assumptions(seats={CIT_40: 2}))
    leaving = project(start, Assumptions(Fraction(1), Fraction(12), {CIT_40: 2}))
    assert steady.reached("cit").index == 5  # type: ignore[union-attr]  # 10 + 2 × 5 = 20
    assert leaving.reached("cit").index == 6  # type: ignore[union-attr]


def test_expiries_need_more_seats() -> None:
    fresh = Start(month=JAN, sworn=10, mhfa=4, cit=2, deadline=date(2026, 3, 31))
    expiring = Start(month=JAN, sworn=10, mhfa=4, cit=2, deadline=date(2026, 3, 31), expiries={date(2026, 2, 1): 4})
    assert recommend(fresh, Assumptions()).seats[MHFA_PS] == 2  # 4 + 3 × 2 ≥ 10
    # Renewing the 4 expiring certificates costs 4 recertification seats in February.
    assert recommend(expiring, Assumptions()).seats[MHFA_RECERT] == 4
    # Without those seats they lapse and the full course has to make up for them: 4 - 4 + 3 × m ≥ 10.
    no_recert = project(expiring, Assumptions(seats={MHFA_PS: 2}))
    assert no_recert.reached("mhfa") is None or no_recert.reached("mhfa").index > 3  # type: ignore[union-attr]
    assert project(expiring, Assumptions(seats={MHFA_PS: 4})).compliant_from_deadline("mhfa")
    assert not project(expiring, Assumptions(seats={MHFA_PS: 3})).compliant_from_deadline("mhfa")


def test_worked_example_by_hand() -> None:
    """100 sworn, 12% a year leave (1% a month), one hire a month, 10 with CIT, 2 CIT-40 seats a month.

    Headcount: 100 × 0.99 + 1 = 100 every month. CIT, month by month (× 0.99, then + 2):
      1: 10 × 0.99 + 2          = 11.9
      2: 11.9 × 0.99 + 2        = 13.781
      3: 13.781 × 0.99 + 2      = 15.64319
      4: 15.64319 × 0.99 + 2    = 17.4867581
      5: 17.4867581 × 0.99 + 2  = 19.311890519   (< 20: not yet)
      6: 19.311890519 × 0.99 + 2 = 21.11877161381 (≥ 20 = ceil(20% × 100): reached in June)
    Without attrition or hires: 10 + 2 × 5 = 20 in May, a month earlier.
    """
    start = Start(month=JAN, sworn=100, mhfa=100, cit=10, deadline=date(2026, 6, 30))
    months = project(start, Assumptions(Fraction(1), Fraction(12), {CIT_40: 2})).months
    assert [m.sworn for m in months[:6]] == [100] * 6
    assert [m.cit for m in months[:6]] == [
        Fraction("11.9"),
        Fraction("13.781"),
        Fraction("15.64319"),
        Fraction("17.4867581"),
        Fraction("19.311890519"),
        Fraction("21.11877161381"),
    ]
    assert [m.cit_met for m in months[:6]] == [False] * 5 + [True]
    assert all(m.cit_target == 20 for m in months[:6])
    # The fewest CIT-40 seats that reach 20 by June and hold it for a year: 2 (1 a month never catches up).
    assert recommend(start, Assumptions(Fraction(1), Fraction(12))).seats[CIT_40] == 2


def test_certificates_earned_in_the_plan_expire_and_are_renewed() -> None:
    start = Start(month=JAN, sworn=4, mhfa=0, cit=1, deadline=date(2026, 1, 31), valid_months=3)
    plan = recommend(start, Assumptions())
    assert plan.seats[MHFA_PS] == 4 and plan.seats[MHFA_RECERT] == 4
    assert plan.projection.compliant_from_deadline("mhfa")
    lapsing = project(start, Assumptions(seats={MHFA_PS: 4, MHFA_RECERT: 0}))
    assert lapsing.months[3].lapsed == 4  # earned in January, expired in April, retaken at once
    assert lapsing.months[3].mhfa == 4


def test_the_horizon_runs_a_year_past_the_deadline() -> None:
    start = Start(month=JAN, sworn=1, mhfa=0, cit=0, deadline=date(2027, 6, 15))
    assert horizon(start) == 18 + 12
    months = project(start, Assumptions()).months
    assert months[-1].month == date(2028, 6, 1)


def test_a_passed_deadline_asks_for_compliance_from_now() -> None:
    start = Start(month=JAN, sworn=10, mhfa=0, cit=0, deadline=date(2025, 6, 30))
    plan = recommend(start, Assumptions())
    assert plan.seats[MHFA_PS] == 10 and plan.seats[CIT_40] == 2
    assert plan.projection.compliant_from_deadline("mhfa")


def test_no_sworn_officers_is_never_met() -> None:
    start = Start(month=JAN, sworn=0, mhfa=0, cit=0, deadline=date(2026, 6, 30))
    assert project(start, Assumptions()).reached("mhfa") is None


def test_a_full_target_is_met_when_every_projected_officer_is_trained() -> None:
    # 30 officers, 6% a year leave, 1 hire a month: the headcount is 30.85 in month 1, and all of them trained
    # meets a 100% target (the target is never one more officer than there are).
    start = Start(month=JAN, sworn=30, mhfa=30, cit=6, deadline=date(2026, 3, 31))
    months = project(start, Assumptions(Fraction(1), Fraction(6), {MHFA_PS: 2, CIT_40: 1})).months
    assert months[0].sworn == Fraction(30) * Fraction(1 - Fraction(6, 1200)) + 1
    assert months[0].mhfa == months[0].sworn and months[0].mhfa_met
    assert months[0].cit_target == 7  # ceil(20% × 30.85)
