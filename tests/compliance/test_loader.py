"""The loader: Django rows → engine inputs in a fixed number of queries, with past dates and equivalents right."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from onemind.compliance.loader import course_catalog, edition_for, load_agency, load_agency_records, load_many
from onemind.engine import State, evaluate, standing_of
from onemind.roster.models import Exemption, Person, PersonEvent
from onemind.tenancy.models import Agency
from onemind.training.models import CourseType, TrainingRecord
from tests.conftest import Cast

D = dt.date(2026, 6, 1)
pytestmark = pytest.mark.django_db


def add_person(
    agency: Agency, last: str, *, sworn: bool = True, hired: dt.date = dt.date(2020, 1, 1), **extra: Any
) -> Person:
    with scopes_disabled():
        return Person.objects.create(
            agency=agency, first_name="Sam", last_name=last, sworn=sworn, hire_date=hired, **extra
        )


def add_training(person: Person, code: str, on: dt.date, status: str = "accepted") -> TrainingRecord:
    with scopes_disabled():
        return TrainingRecord.objects.create(
            agency=person.agency,
            person=person,
            course_type=CourseType.objects.get(code=code),
            completed_on=on,
            status=status,
        )


def staff_roster(agency: Agency, size: int, *, mhfa: int, cit: int, prefix: str = "Officer") -> list[Person]:
    """``size`` sworn officers; the first ``mhfa`` hold a current MHFA-PS, the first ``cit`` a CIT-40."""
    with scopes_disabled():
        people = Person.objects.bulk_create(
            [
                Person(
                    agency=agency,
                    first_name="Sam",
                    last_name=f"{prefix} {i:04d}",
                    sworn=True,
                    hire_date=dt.date(2020, 1, 1),
                    shift=("Day", "Night")[i % 2],
                )
                for i in range(size)
            ]
        )
        mhfa_pk = CourseType.objects.get(code="MHFA-PS").pk
        cit_pk = CourseType.objects.get(code="CIT-40").pk
        rows = [
            TrainingRecord(agency=agency, person=p, course_type_id=mhfa_pk, completed_on=dt.date(2025, 3, 1))
            for p in people[:mhfa]
        ]
        rows += [
            TrainingRecord(agency=agency, person=p, course_type_id=cit_pk, completed_on=dt.date(2025, 4, 1))
            for p in people[:cit]
        ]
        TrainingRecord.objects.bulk_create(rows)
    return people


def count_queries(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_loading_a_large_agency_takes_as_many_queries_as_a_small_one(cast: Cast) -> None:
    staff_roster(cast.agency, 9, mhfa=9, cit=1, prefix="Small")
    staff_roster(cast.other_agency, 400, mhfa=300, cit=90, prefix="Large")
    with scopes_disabled():
        small = count_queries(lambda: load_agency(cast.agency))
        large = count_queries(lambda: load_agency(cast.other_agency))
    # people, exemptions, trainings, sworn events, pledge, catalog; partnerships (1), policies (2), verification (2)
    assert small == large <= 11


def test_worked_example_one_comes_out_of_the_database(cast: Cast) -> None:
    staff_roster(cast.agency, 9, mhfa=9, cit=1)
    with scopes_disabled():
        data = load_agency(cast.agency)
    result = evaluate(data.records_on(D), D, data.edition)
    assert (result.strategy(3).numerator, result.strategy(3).denominator, result.strategy(3).state) == (9, 9, State.MET)
    assert (result.strategy(4).numerator, result.strategy(4).target, result.strategy(4).state) == (1, 2, State.UNMET)


def test_past_dates_see_the_roster_as_it_stood(cast: Cast) -> None:
    add_person(cast.agency, "Early", hired=dt.date(2019, 1, 1))
    add_person(cast.agency, "Late", hired=dt.date(2026, 3, 1))
    add_person(cast.agency, "Gone", hired=dt.date(2019, 1, 1), separation_date=dt.date(2025, 6, 1), status="separated")
    was_sworn = add_person(cast.agency, "Moved", sworn=False, hired=dt.date(2019, 1, 1))
    with scopes_disabled():
        PersonEvent.objects.create(
            agency=cast.agency,
            person=was_sworn,
            kind="sworn_changed",
            effective_on=dt.date(2025, 9, 1),
            details={"sworn": [True, False]},
        )
        on_leave = add_person(cast.agency, "Deployed", hired=dt.date(2019, 1, 1))
        Exemption.objects.create(
            agency=cast.agency,
            person=on_leave,
            reason="military",
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 12, 31),
            approved_by=cast.admin,
        )
        data = load_agency(cast.agency)

    def sworn_in_scope(on: dt.date) -> int:
        return evaluate(data.records_on(on), on, data.edition).strategy(3).denominator

    # 2025-03-01: Early, Gone, Moved (still sworn); Deployed exempt; Late not hired yet.
    assert sworn_in_scope(dt.date(2025, 3, 1)) == 3
    # 2026-06-01: Early, Late, Deployed back; Gone separated; Moved no longer sworn.
    assert sworn_in_scope(dt.date(2026, 6, 1)) == 3
    with scopes_disabled():
        past = load_agency_records(cast.agency, dt.date(2025, 3, 1))
    assert "Moved, Sam" in {p.name for p in past.people if p.sworn}


def test_approved_equivalents_count_and_unapproved_or_pending_records_do_not(cast: Cast) -> None:
    with scopes_disabled():
        CourseType.objects.create(
            code="STATE-MHFA", name="State MHFA", family="mhfa", is_equivalent=True, approved=True, valid_months=36
        )
        CourseType.objects.create(code="STATE-CIT", name="State CIT", family="cit", is_equivalent=True, approved=False)
    equivalent = add_person(cast.agency, "Equivalent")
    adult = add_person(cast.agency, "Adult")
    pending = add_person(cast.agency, "Pending")
    unapproved_cit = add_person(cast.agency, "StateCit")
    add_training(equivalent, "STATE-MHFA", dt.date(2025, 1, 10))
    add_training(adult, "MHFA-ADULT", dt.date(2025, 1, 10))
    add_training(pending, "MHFA-PS", dt.date(2025, 1, 10), status="pending")
    add_training(unapproved_cit, "STATE-CIT", dt.date(2025, 1, 10))
    with scopes_disabled():
        data = load_agency(cast.agency)
    assert "STATE-MHFA" in data.edition.s3_accepts and "MHFA-ADULT" not in data.edition.s3_accepts
    assert "STATE-CIT" not in data.edition.s4_accepts
    result = evaluate(data.records_on(D), D, data.edition)
    s3 = result.strategy(3)
    assert (s3.numerator, s3.denominator) == (1, 4)
    assert {m.name for m in s3.missing} == {"Adult, Sam", "Pending, Sam", "StateCit, Sam"}
    assert result.strategy(4).numerator == 0


def test_the_edition_follows_the_pledges_rule_edition_row(cast: Cast) -> None:
    with scopes_disabled():
        edition = edition_for(cast.pledge, course_catalog())
    assert edition.code == "2016" and edition.s4_target_percent == 20 and not edition.s3_accepts - {"MHFA-PS"}


def test_campaign_loading_gives_the_same_figures_as_one_agency_at_a_time(cast: Cast) -> None:
    staff_roster(cast.agency, 9, mhfa=8, cit=2, prefix="A")
    staff_roster(cast.other_agency, 40, mhfa=30, cit=5, prefix="B")
    ids = [cast.agency.pk, cast.other_agency.pk]
    with scopes_disabled():
        chunks = list(load_many(ids, D, chunk=1))
        single = {pk: load_agency(Agency.objects.get(pk=pk)) for pk in ids}
    assert len(chunks) == 2
    for records, editions in chunks:
        for pk, rec in records.items():
            many = evaluate(rec, D, editions[pk], detail=False)
            one = evaluate(single[pk].records_on(D), D, single[pk].edition, detail=False)
            assert [(s.numerator, s.denominator, s.state) for s in many.strategies] == [
                (s.numerator, s.denominator, s.state) for s in one.strategies
            ]
            assert many.status == one.status


def test_campaign_loading_takes_a_fixed_number_of_queries_per_chunk(cast: Cast) -> None:
    staff_roster(cast.agency, 5, mhfa=5, cit=1, prefix="A")
    with scopes_disabled():
        few = count_queries(lambda: list(load_many([cast.agency.pk], D)))
        staff_roster(cast.other_agency, 300, mhfa=100, cit=50, prefix="B")
        more = count_queries(lambda: list(load_many([cast.agency.pk, cast.other_agency.pk], D)))
    assert few == more


def test_partnerships_policies_and_verification_reach_the_engine(cast: Cast) -> None:
    from tests.evidence_helpers import make_partnership, make_policy

    with scopes_disabled():
        make_partnership(cast.agency, complete=True)
        make_policy(cast.agency)
        result = evaluate(load_agency(cast.agency).records_on(D), D, load_agency(cast.agency).edition)
    assert result.strategy(1).state == State.MET
    assert result.strategy(2).state == State.MET


def varied_roster(agency: Agency, admin: Any) -> None:
    """Hires, a separation, a sworn-status change, an exemption and a renewal: every kind of dated fact."""
    early = add_person(agency, "Early", hired=dt.date(2019, 1, 1))
    add_training(early, "MHFA-PS", dt.date(2021, 2, 1))
    add_training(early, "MHFA-RECERT", dt.date(2024, 1, 15))
    late = add_person(agency, "Late", hired=dt.date(2025, 3, 1))
    add_training(late, "CIT-40", dt.date(2025, 5, 1))
    gone = add_person(agency, "Gone", hired=dt.date(2019, 1, 1), separation_date=dt.date(2025, 6, 1))
    add_training(gone, "MHFA-PS", dt.date(2024, 2, 1))
    moved = add_person(agency, "Moved", sworn=False, hired=dt.date(2019, 1, 1), designated_cit=True)
    add_training(moved, "CIT-911", dt.date(2023, 1, 1))
    clerk = add_person(agency, "Clerk", sworn=False, hired=dt.date(2019, 1, 1))
    add_training(clerk, "MHFA-ADULT", dt.date(2022, 1, 1))
    with scopes_disabled():
        PersonEvent.objects.create(
            agency=agency,
            person=moved,
            kind="sworn_changed",
            effective_on=dt.date(2025, 9, 1),
            details={"sworn": [True, False]},
        )
        on_leave = add_person(agency, "Deployed", hired=dt.date(2019, 1, 1))
        Exemption.objects.create(
            agency=agency,
            person=on_leave,
            reason="military",
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 12, 31),
            approved_by=admin,
        )


MONTH_ENDS = [dt.date(2024, 12, 31), dt.date(2025, 5, 31), dt.date(2025, 6, 1), dt.date(2025, 9, 30), D]


def test_one_agency_judged_from_histories_equals_judging_its_records(cast: Cast) -> None:
    varied_roster(cast.agency, cast.admin)
    with scopes_disabled():
        full = load_agency(cast.agency)
        lean = load_agency(cast.agency, trainings=False, everyone=False)
    assert lean.records.trainings == () and full.records.trainings
    assert {p.name for p in full.records.people} - {p.name for p in lean.records.people} == {"Clerk, Sam"}
    for on in MONTH_ENDS:
        assert lean.evaluate(on) == evaluate(full.records_on(on), on, full.edition)
    assert lean.evaluate_dates(MONTH_ENDS) == [
        evaluate(full.records_on(on), on, full.edition, detail=False) for on in MONTH_ENDS
    ]


def test_the_campaign_history_equals_the_campaign_judged_date_by_date(cast: Cast) -> None:
    from onemind.compliance.selectors import evaluate_campaign, evaluate_campaign_history

    varied_roster(cast.agency, cast.admin)
    staff_roster(cast.other_agency, 12, mhfa=7, cit=3, prefix="B")
    ids = [cast.agency.pk, cast.other_agency.pk]
    with scopes_disabled():
        history = evaluate_campaign_history(MONTH_ENDS, ids)
        for i, on in enumerate(MONTH_ENDS):
            alone = evaluate_campaign(on, ids)
            assert {pk: results[i] for pk, results in history.items()} == {
                pk: standing_of(r) for pk, r in alone.items()
            }


def test_campaign_history_loading_takes_a_fixed_number_of_queries_per_chunk(cast: Cast) -> None:
    from onemind.compliance.loader import load_campaign_history

    staff_roster(cast.agency, 5, mhfa=5, cit=1, prefix="A")
    first, last = dt.date(2023, 7, 31), D
    with scopes_disabled():
        few = count_queries(lambda: list(load_campaign_history([cast.agency.pk], first, last)))
        staff_roster(cast.other_agency, 300, mhfa=100, cit=50, prefix="B")
        varied_roster(cast.other_agency, cast.admin)
        more = count_queries(lambda: list(load_campaign_history([cast.agency.pk, cast.other_agency.pk], first, last)))
    assert few == more
