"""A CSV/XLSX of monthly figures: per-row errors, preview, apply, undo."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.outcomes.models import OutcomeImport, OutcomeMonth
from tests.conftest import Cast
from tests.outcomes.helpers import make_month


def _upload(cast: Cast, name: str, content: bytes) -> Any:
    return cast.client_for("coordinator").post(
        reverse("outcomes:upload", kwargs={"agency_slug": cast.agency.slug}),
        {"kind": "aggregates", "file": SimpleUploadedFile(name, content)},
    )


def _batch(cast: Cast) -> OutcomeImport:
    with scopes_disabled():
        return OutcomeImport.objects.filter(agency=cast.agency).latest("created_at")


def _act(cast: Cast, action: str) -> Any:
    batch = _batch(cast)
    url = reverse(f"outcomes:batch_{action}", kwargs={"agency_slug": cast.agency.slug, "batch_id": batch.public_id})
    return cast.client_for("coordinator").post(url)


@pytest.mark.django_db
def test_a_monthly_csv_is_previewed_applied_and_undone(cast: Cast) -> None:
    make_month(cast.agency, dt.date(2025, 2, 1), mh_calls=3)
    content = (
        b"month,status,mh_calls,CIT officer arrived,arrest\n"
        b"2025-01,collected,40,12,2\n"
        b"2025-02,,41,,0\n"
        b"2025-03,not collected,,,\n"
    )
    assert _upload(cast, "months.csv", content).status_code == 302
    batch = _batch(cast)
    assert batch.errors == [] and sorted(batch.figures) == ["2025-01", "2025-02", "2025-03"]
    detail = reverse("outcomes:batch", kwargs={"agency_slug": cast.agency.slug, "batch_id": batch.public_id})
    page = cast.client_for("viewer").get(detail).content.decode()
    assert "already have figures" in page and "2025-02" in page
    _act(cast, "apply")
    with scopes_disabled():
        rows = {m.month: m for m in OutcomeMonth.objects.filter(agency=cast.agency)}
    assert rows[dt.date(2025, 1, 1)].cit_arrived == 12
    assert rows[dt.date(2025, 2, 1)].mh_calls == 41 and rows[dt.date(2025, 2, 1)].cit_arrived is None
    assert not rows[dt.date(2025, 3, 1)].collected
    _act(cast, "undo")
    with scopes_disabled():
        left = list(OutcomeMonth.objects.filter(agency=cast.agency))
    assert [(m.month, m.mh_calls) for m in left] == [(dt.date(2025, 2, 1), 3)]


@pytest.mark.django_db
def test_bad_rows_are_listed_with_row_and_column_and_nothing_applies(cast: Cast) -> None:
    content = (
        b"month,mh_calls,arrest,favourite colour\n"
        b"2025-01,10,11\n"
        b"2025-13,1,0\n"
        b"2025-02,ten,0\n"
        b"2025-02,5,0\n"
        b"2025-04,5,0\n"
        b"2025-04,5,0\n"
    )
    _upload(cast, "months.csv", content)
    errors = _batch(cast).errors
    assert "Column “favourite colour” is not a figure: ignored." in errors
    assert any(e.startswith("Row 2, column Arrest: Arrest (11) cannot exceed") for e in errors)
    assert any(e.startswith("Row 3, column month:") for e in errors)
    assert any(e.startswith("Row 4, column mh_calls: “ten” is not a whole number") for e in errors)
    assert "Row 7, column month: 2025-04 appears twice in the file." in errors
    assert _act(cast, "apply").status_code == 302
    with scopes_disabled():
        assert not OutcomeMonth.objects.filter(agency=cast.agency).exists()


@pytest.mark.django_db
def test_an_xlsx_of_monthly_figures_is_read(cast: Cast) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["month", "mh_calls", "co_responder", "swat_callouts"])
    sheet.append(["2024-11", 25, 4, "=1+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    _upload(cast, "months.xlsx", buffer.getvalue())
    batch = _batch(cast)
    assert batch.figures == {}
    assert any("“=1+1” is not a whole number" in e for e in batch.errors)


@pytest.mark.django_db
def test_a_file_without_a_month_column_is_refused(cast: Cast) -> None:
    response = _upload(cast, "x.csv", b"mh_calls\n3\n")
    assert response.status_code == 200 and "“month” column" in response.content.decode()


@pytest.mark.django_db
def test_the_template_downloads_with_every_figure(cast: Cast) -> None:
    response = cast.client_for("viewer").get(reverse("outcomes:template", kwargs={"agency_slug": cast.agency.slug}))
    header = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()[0]
    assert header.startswith("month,status,mh_calls,cit_requested")
