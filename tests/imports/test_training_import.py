"""Training-record import: finding people, course and date rules, foreign agencies' people, undo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from onemind.imports import services
from onemind.imports.models import ImportBatch, ImportChange
from onemind.roster.models import Person
from onemind.training.models import CourseType, TrainingRecord
from tests.conftest import Cast
from tests.imports.conftest import apply, csv_bytes, upload

pytestmark = pytest.mark.django_db

HEADER = ["employee_number", "badge_number", "last_name", "first_name", "course_code", "completed_on", "hours"]


@pytest.fixture
def roster(cast: Cast) -> list[Person]:
    with scope(agency=cast.agency):
        made = [
            Person.objects.create(
                agency=cast.agency, last_name="Ames", first_name="Jo", employee_number="E1", badge_number="11"
            ),
            Person.objects.create(
                agency=cast.agency, last_name="Bell", first_name="Al", employee_number="E2", badge_number="12"
            ),
            Person.objects.create(agency=cast.agency, last_name="Cruz", first_name="Lu", badge_number="13"),
        ]
    with scope(agency=cast.other_agency):
        Person.objects.create(
            agency=cast.other_agency, last_name="Dunn", first_name="Ed", employee_number="X9", badge_number="99"
        )
    return made


def errors_of(batch: ImportBatch) -> dict[int | None, str]:
    with scopes_disabled():
        return {
            c.row_number: " | ".join(e[2] for e in c.errors)
            for c in ImportChange.objects.filter(batch=batch, action="error")
        }


def records(cast: Cast) -> list[tuple[str, str, dt.date]]:
    with scope(agency=cast.agency):
        return sorted(
            TrainingRecord.objects.filter(agency=cast.agency).values_list(
                "person__last_name", "course_type__code", "completed_on"
            )
        )


def test_it_matches_by_employee_number_then_badge_and_reports_unmatched_rows(cast: Cast, roster: list[Person]) -> None:
    data = csv_bytes(
        [
            HEADER,
            ["E1", "", "Ames", "Jo", "MHFA-PS", "2025-03-01", "8"],
            ["", "13", "Cruz", "Lu", "CIT-40", "2024-05-02", ""],
            ["E7", "", "Nobody", "", "CIT-40", "2024-05-02", ""],
            ["", "12", "Smith", "", "CIT-40", "2024-05-02", ""],
        ]
    )
    batch = upload(cast.agency, cast.coordinator, data, kind="training")
    assert batch.counts["create"] == 2
    found = errors_of(batch)
    assert found[4] == "No such person in this agency (employee number E7, last name Nobody)."
    assert "Badge number 12 belongs to Bell, Al #E2 #12 (sworn" in found[5] and "names Smith" in found[5]
    apply(batch, cast.coordinator, skip_errors=True)
    assert records(cast) == [("Ames", "MHFA-PS", dt.date(2025, 3, 1)), ("Cruz", "CIT-40", dt.date(2024, 5, 2))]
    with scope(agency=cast.agency):
        made = TrainingRecord.objects.filter(agency=cast.agency)
        assert {(r.source, r.import_batch_id) for r in made} == {("import", batch.pk)}
        assert made.get(person__last_name="Cruz").hours == CourseType.objects.get(code="CIT-40").default_hours


def test_a_foreign_agencys_person_in_a_training_row_is_never_linked(cast: Cast, roster: list[Person]) -> None:
    data = csv_bytes(
        [HEADER, ["X9", "", "", "", "CIT-40", "2024-05-02", ""], ["", "99", "", "", "CIT-40", "2024-05-02", ""]]
    )
    batch = upload(cast.agency, cast.coordinator, data, kind="training")
    assert errors_of(batch) == {
        2: "No such person in this agency (employee number X9).",
        3: "No such person in this agency (badge number 99).",
    }
    with scopes_disabled():
        assert not TrainingRecord.objects.exists()


def test_name_matching_is_used_only_when_ticked(cast: Cast, roster: list[Person]) -> None:
    data = csv_bytes([["Last Name", "First Name", "Completion Date"], ["BELL", "al", "2024-01-10"]])
    options = {"course_code": "MHFA-PS"}
    without = upload(cast.agency, cast.coordinator, data, kind="training", mapping={}, options=options)
    assert "No such person in this agency" in errors_of(without)[2]
    ticked = upload(
        cast.agency, cast.coordinator, data, kind="training", mapping={}, options={**options, "match_by_name": True}
    )
    assert ticked.counts["create"] == 1


def test_a_fixed_course_and_a_default_date_are_used_and_said_in_the_preview(cast: Cast, roster: list[Person]) -> None:
    data = csv_bytes([["Star", "Last Name"], ["11", "AMES"], ["13", "Cruz"]])
    options = {"course_code": "CIT-40", "default_completed_on": "2016-08-19"}
    batch = upload(cast.agency, cast.coordinator, data, kind="training", mapping={}, options=options)
    assert batch.counts["create"] == 2
    assert any("uses 2016-08-19" in n for n in batch.notes) and any("CIT-40" in n for n in batch.notes)
    without_date = upload(
        cast.agency, cast.coordinator, data, kind="training", mapping={}, options={"course_code": "CIT-40"}
    )
    assert "Completion date is missing" in errors_of(without_date)[2]


def test_unknown_courses_future_dates_and_duplicate_rows_are_errors(cast: Cast, roster: list[Person]) -> None:
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    data = csv_bytes(
        [
            HEADER,
            ["E1", "", "", "", "BASKET-WEAVING", "2024-01-01", ""],
            ["E1", "", "", "", "CIT-40", future, ""],
            ["E2", "", "", "", "CIT-40", "2024-01-01 16:00:00", ""],
            ["E2", "", "", "", "CIT-40", "2024-01-01", ""],
        ]
    )
    found = errors_of(upload(cast.agency, cast.coordinator, data, kind="training"))
    assert found[2].startswith("Course code BASKET-WEAVING is not known")
    assert found[3] == f"Completion date {future} is in the future."
    assert found[5] == "Same person, course and completion date as row 4."


def test_the_same_training_file_twice_changes_nothing_and_undo_removes_the_records(
    cast: Cast, roster: list[Person]
) -> None:
    data = csv_bytes([HEADER, ["E1", "", "", "", "MHFA-PS", "2025-03-01", "8"]])
    batch = apply(upload(cast.agency, cast.coordinator, data, kind="training"), cast.coordinator)
    again = upload(cast.agency, cast.coordinator, data, kind="training")
    assert (again.counts["create"], again.counts["update"], again.counts["unchanged"]) == (0, 0, 1)
    changed = upload(
        cast.agency,
        cast.coordinator,
        csv_bytes([HEADER, ["E1", "", "", "", "MHFA-PS", "2025-03-01", "7.5"]]),
        kind="training",
    )
    assert changed.counts["update"] == 1
    apply(changed, cast.coordinator)
    with scope(agency=cast.agency):
        services.undo_batch(actor=cast.coordinator, batch=changed)
        assert TrainingRecord.objects.get(agency=cast.agency).hours == 8
        services.undo_batch(actor=cast.coordinator, batch=batch)
    assert records(cast) == []
