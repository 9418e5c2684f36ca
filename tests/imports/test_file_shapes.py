"""Files as agencies really send them: column choice, dates, kinds of file, recruits, and the export round trip."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from onemind.compliance.selectors import evaluate_campaign
from onemind.imports.mapping import suggest_kind, suggest_mapping
from onemind.imports.models import ImportChange
from onemind.imports.validation import parse_date
from onemind.roster.models import Person
from onemind.roster.services import create_person
from tests.conftest import Cast
from tests.imports.conftest import apply, csv_bytes, upload

pytestmark = pytest.mark.django_db


def errors(batch: Any) -> dict[int | None, str]:
    with scopes_disabled():
        changes = ImportChange.objects.filter(batch=batch, action="error")
        return {c.row_number: " | ".join(e[2] for e in c.errors) for c in changes}


def test_a_descriptive_column_is_preferred_and_a_column_of_codes_never_feeds_a_name_field() -> None:
    headers = ["LAST_NME", "unit", "unit_description", "rank"]
    samples = {"unit": ["44", "12"], "unit_description": ["DISTRICT 001"], "rank": ["POLICE OFFICER"]}
    mapping = suggest_mapping("roster", headers, samples)
    assert mapping == {"LAST_NME": "last_name", "unit": "", "unit_description": "unit", "rank": "rank"}
    codes_only = suggest_mapping("roster", headers, {"unit": ["44"], "unit_description": ["376.0", ""]})
    assert codes_only["unit"] == "" and codes_only["unit_description"] == ""


def test_the_kind_of_file_is_suggested_from_its_columns() -> None:
    assert suggest_kind(["LAST NAME", "STAR/BADGE", "SESSION END DATE"], {}, 10)[0] == "training"
    filled = {"resignation_date": 9}
    assert suggest_kind(["last_name", "star1", "resignation_date"], filled, 10)[0] == "update"
    assert suggest_kind(["last_name", "badge", "separation_date"], {"separation_date": 1}, 10)[0] == "roster"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2013-13-01", "has month 13; a month is 1 to 12"),
        ("13/01/2013", "has month 13; a month is 1 to 12"),
        ("2013-02-30", "has day 30, which month 2 of 2013 does not have."),
        ("soon", "is not a date"),
    ],
)
def test_an_impossible_date_says_what_is_wrong_with_it(cell: str, expected: str) -> None:
    parsed, reason = parse_date(cell)
    assert parsed is None and expected in reason


def test_an_excel_serial_number_is_read_as_its_date() -> None:
    assert parse_date("42552") == (dt.date(2016, 7, 1), "")
    assert parse_date("42552.0") == (dt.date(2016, 7, 1), "")


def test_a_recruit_hired_next_month_is_imported_and_counted_only_from_that_day(cast: Cast) -> None:
    today = timezone.localdate()
    start = today + dt.timedelta(days=30)
    header = ["employee_number", "last_name", "first_name", "sworn", "hire_date"]
    data = csv_bytes([header, ["R1", "Recruit", "Ana", "Y", start.isoformat()], ["E1", "Vet", "Bo", "Y", "42552"]])
    batch = apply(upload(cast.agency, cast.coordinator, data), cast.coordinator)
    assert batch.counts["create"] == 2
    with scope(agency=cast.agency):
        assert Person.objects.get(employee_number="E1").hire_date == dt.date(2016, 7, 1)
    with scopes_disabled():
        sworn_now = evaluate_campaign(today, [cast.agency.pk])[cast.agency.pk].strategy(3).sworn
        sworn_then = evaluate_campaign(start, [cast.agency.pk])[cast.agency.pk].strategy(3).sworn
    assert sworn_now is not None and sworn_now.denominator == 1
    assert sworn_then is not None and sworn_then.denominator == 2


def test_a_blank_row_is_skipped_and_a_file_without_a_valid_row_offers_no_apply(cast: Cast) -> None:
    data = csv_bytes([["employee_number", "last_name", "sworn"], ["1", "Ames", "maybe"], ["", "", ""]])
    batch = upload(cast.agency, cast.coordinator, data)
    assert (batch.counts["skipped"], batch.counts["error"], batch.counts["create"]) == (1, 1, 0)
    page = cast.client_for("coordinator").get(
        reverse("imports:detail", kwargs={"agency_slug": cast.agency.slug, "batch_id": batch.public_id})
    )
    html = page.content.decode()
    assert "No row of this file would change the records" in html and "Apply the import" not in html


def test_a_separation_row_without_a_date_is_an_error_and_an_update_file_creates_nobody(cast: Cast) -> None:
    with scope(agency=cast.agency):
        create_person(actor=cast.coordinator, agency=cast.agency, last_name="Ames", first_name="Jo", badge_number="7")
    header = ["star1", "star2", "last_name", "first_name", "resignation_date", "vacate_description"]
    rows = [
        ["9", "7", "AMES", "JO", "2025-02-03", "RESIGNED"],  # found by the earlier star
        ["8", "", "Bell", "Al", "2025-02-03", "RETIRED"],  # not on the roster
        ["7", "", "Ames", "Jo", "", "RESIGNED"],  # no date
    ]
    batch = upload(cast.agency, cast.coordinator, csv_bytes([header, *rows]), kind="update")
    assert (batch.counts["separation"], batch.counts["skipped"], batch.counts["create"]) == (1, 1, 0)
    assert errors(batch) == {
        4: "This row matches the same person as row 2 (Ames, Jo #7). | This separation row has no separation date."
    }
    with scopes_disabled():
        found = ImportChange.objects.get(batch=batch, action="separation")
    assert found.matched_by == "earlier badge number"
    apply(batch, cast.coordinator, skip_errors=True)
    with scope(agency=cast.agency):
        ames = Person.objects.get(agency=cast.agency)
    assert (ames.status, ames.separation_date, ames.separation_reason) == ("separated", dt.date(2025, 2, 3), "RESIGNED")


def test_a_suffix_column_stays_part_of_the_surname(cast: Cast) -> None:
    header = ["employee_number", "last_name", "suffix_name", "first_name", "sworn"]
    data = csv_bytes([header, ["1", "WIECHERT", "JR", "Al", "Y"], ["2", "SOLIS JR.", "", "Lu", "Y"]])
    apply(upload(cast.agency, cast.coordinator, data), cast.coordinator)
    with scope(agency=cast.agency):
        assert sorted(Person.objects.values_list("last_name", flat=True)) == ["SOLIS JR.", "WIECHERT JR"]
    again = upload(cast.agency, cast.coordinator, data)
    assert again.counts["unchanged"] == 2


def test_an_ambiguous_key_names_each_person_it_could_be(cast: Cast) -> None:
    with scope(agency=cast.agency):
        for first in ("Jo", "Al"):
            create_person(
                actor=cast.coordinator,
                agency=cast.agency,
                last_name="Ames",
                first_name=first,
                badge_number="7",
                hire_date=dt.date(2010, 1, 4),
            )
    data = csv_bytes([["badge", "last_name", "sworn"], ["7", "Ames", "Y"]])
    reason = errors(upload(cast.agency, cast.coordinator, data))[2]
    assert "fits 2 people" in reason and "Ames, Jo #7 (sworn, hired 2010-01-04)" in reason
    assert "Ames, Al #7 (sworn, hired 2010-01-04)" in reason


def test_a_pdf_named_csv_is_refused_and_a_workbook_named_csv_is_read_as_a_workbook(cast: Cast) -> None:
    from onemind.imports.reading import FileRejected

    with pytest.raises(FileRejected, match="This is a PDF document"):
        upload(cast.agency, cast.coordinator, b"%PDF-1.4 ...", name="roster.csv")
    workbook = openpyxl.Workbook()
    workbook.active.append(["employee_number", "last_name", "sworn"])
    workbook.active.append(["1", "Ames", "Y"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = upload(cast.agency, cast.coordinator, buffer.getvalue(), name="roster.csv")
    assert batch.counts["create"] == 1


def test_a_damaged_workbook_gets_a_message_without_an_exception_name(cast: Cast) -> None:
    from onemind.imports.reading import FileRejected

    with pytest.raises(FileRejected) as refused:
        upload(cast.agency, cast.coordinator, b"PK\x03\x04 broken", name="roster.xlsx")
    assert "Error" not in str(refused.value) and "damaged" in str(refused.value)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_re_importing_the_products_own_export_changes_nothing(cast: Cast, fmt: str) -> None:
    with scope(agency=cast.agency):
        for n, last in enumerate(["=SUM(A1)", "+Plus", "-Dash", "@Home", "O'Brien", "Núñez"], start=1):
            create_person(
                actor=cast.coordinator,
                agency=cast.agency,
                last_name=last,
                first_name="=cmd|' /C calc'!A0" if n == 1 else "Jo",
                employee_number=f"00{n}",
                badge_number=str(100 + n),
                rank="Sergeant" if n % 2 else "Dispatcher",
                sworn=bool(n % 2),
                unit="-Night unit",
                hire_date=dt.date(2010, 1, n),
                separation_date=dt.date(2020, 1, 1) if n == 6 else None,
                separation_reason="Retired" if n == 6 else "",
                status="separated" if n == 6 else "active",
            )
    url = reverse("roster:export", kwargs={"agency_slug": cast.agency.slug, "fmt": fmt})
    response = cast.client_for("coordinator").get(url)
    data = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    batch = upload(cast.agency, cast.coordinator, data, name=f"export.{fmt}", kind="")
    assert batch.kind == "roster"
    assert {k: v for k, v in batch.counts.items() if v} == {"unchanged": 6}, json.dumps(errors(batch))
