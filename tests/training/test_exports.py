from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from onemind.lib.spreadsheet import safe_cell
from onemind.roster.columns import ROSTER_COLUMNS
from onemind.training.columns import TRAINING_COLUMNS
from tests.conftest import Cast
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Smith", "Smith"),
        ("", ""),
        (5, 5),
        (dt.date(2020, 1, 1), dt.date(2020, 1, 1)),
    ],
)
def test_safe_cell_escapes_text_a_spreadsheet_would_run_as_a_formula(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def _csv(response: object) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))


def test_the_roster_csv_has_the_import_headers_and_neutralised_formulas(cast: Cast) -> None:
    make_person(
        cast.agency,
        last_name="=cmd|' /C calc'!A0",
        first_name="@evil",
        employee_number="77",
        unit="-Patrol",
        hire_date=dt.date(2019, 4, 1),
        sworn=False,
    )
    make_person(cast.other_agency, last_name="Foreign")
    response = cast.client_for("viewer").get(
        reverse("roster:export", kwargs={"agency_slug": cast.agency.slug, "fmt": "csv"})
    )
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _csv(response)
    assert tuple(rows[0]) == ROSTER_COLUMNS
    record = dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert record["last_name"] == "'=cmd|' /C calc'!A0"
    assert (record["first_name"], record["unit"]) == ("'@evil", "'-Patrol")
    assert (record["employee_number"], record["sworn"], record["hire_date"], record["status"]) == (
        "77",
        "no",
        "2019-04-01",
        "active",
    )


def test_the_roster_xlsx_has_the_same_headers_and_no_formula_cells(cast: Cast) -> None:
    make_person(cast.agency, last_name="=1+1", employee_number="12")
    response = cast.client_for("viewer").get(
        reverse("roster:export", kwargs={"agency_slug": cast.agency.slug, "fmt": "xlsx"})
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ROSTER_COLUMNS
    assert rows[1][2] == "'=1+1"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_training_exports_accepted_records_in_the_import_format(cast: Cast) -> None:
    person = make_person(cast.agency, last_name="Okafor", employee_number="501", badge_number="9")
    make_training(
        person, "MHFA-PS", dt.date(2024, 2, 3), hours=Decimal("8.0"), provider="+Provider", format="in_person"
    )
    make_training(person, "CIT-40", dt.date(2024, 3, 3), status="pending")
    response = cast.client_for("viewer").get(
        reverse("training:export", kwargs={"agency_slug": cast.agency.slug, "fmt": "csv"})
    )
    rows = _csv(response)
    assert tuple(rows[0]) == TRAINING_COLUMNS
    assert [dict(zip(rows[0], r, strict=True)) for r in rows[1:]] == [
        {
            "employee_number": "501",
            "badge_number": "9",
            "last_name": "Okafor",
            "first_name": "Alex",
            "course_code": "MHFA-PS",
            "completed_on": "2024-02-03",
            "hours": "8",
            "provider": "'+Provider",
            "instructor": "",
            "format": "in_person",
            "certificate_number": "",
        }
    ]


def test_a_large_roster_export_streams_quickly(cast: Cast) -> None:
    import time

    from django_scopes import scopes_disabled

    from onemind.roster.models import Person

    with scopes_disabled():
        Person.objects.bulk_create(
            [Person(agency=cast.agency, last_name=f"Gen{i}", employee_number=str(i)) for i in range(3000)]
        )
    started = time.perf_counter()
    response = cast.client_for("viewer").get(
        reverse("roster:export", kwargs={"agency_slug": cast.agency.slug, "fmt": "csv"})
    )
    assert len(_csv(response)) == 3001
    assert time.perf_counter() - started < 5


def test_the_training_xlsx_reads_back_with_openpyxl_and_tablib_with_the_same_values_as_the_csv(cast: Cast) -> None:
    import tablib

    person = make_person(cast.agency, last_name="Nuñez\x07", employee_number="0042")
    make_training(person, "CIT-40", dt.date(2023, 9, 1), hours=Decimal("40.0"), instructor="@handle")
    url = reverse("training:export", kwargs={"agency_slug": cast.agency.slug, "fmt": "xlsx"})
    body = b"".join(cast.client_for("viewer").get(url).streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == TRAINING_COLUMNS
    assert rows[1][:6] == ("0042", person.badge_number, "Nuñez", "Alex", "CIT-40", "2023-09-01")
    assert rows[1][6] == 40 and rows[1][8] == "'@handle"
    data = tablib.Dataset().load(body, format="xlsx")
    assert tuple(data.headers) == TRAINING_COLUMNS and data[0][0] == "0042"
