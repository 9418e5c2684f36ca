"""The progress report PDF: same figures as the page, printable, names only with roster access."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from tests.compliance.test_loader import staff_roster
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _plain_pdf(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import reportlab.rl_config

    # Uncompressed content streams let the test read the text straight out of the PDF bytes.
    monkeypatch.setattr(reportlab.rl_config, "pageCompression", 0)
    settings.REQUIRE_TWO_FACTOR = False
    cache.clear()


def pdf_text(content: bytes) -> str:
    """The strings drawn on the pages (reportlab writes each line as one ``(...) Tj``)."""
    return " ".join(m.decode("latin-1") for m in re.findall(rb"\((.*?)(?<!\\)\) Tj", content))


@time_machine.travel(TODAY, tick=False)
def test_the_report_shows_the_same_figures_as_the_page(cast: Cast) -> None:
    staff_roster(cast.agency, 9, mhfa=8, cit=1)
    client = cast.client_for("viewer")
    page = client.get(reverse("compliance:dashboard", kwargs={"agency_slug": cast.agency.slug}), {"on": "2026-05-01"})
    response = client.get(reverse("compliance:report", kwargs={"agency_slug": cast.agency.slug}), {"on": "2026-05-01"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    html = page.content.decode()
    assert "8 of 9, target 9" in text and "8 of 9" in html
    assert "1 of 9, target 2" in text and "1 of 9" in html and "target 2" in html
    assert "Train 1 more sworn officer in MHFA" in text and "Train 1 more sworn officer in MHFA" in html
    assert "May 1, 2026" in text and "May 1, 2026" in html
    assert "Status: " in text and "Deadline: January 15, 2028" in text
    assert "Generated 2026-06-01" in text
    assert "Officer 0008, Sam" in text  # named: the viewer holds roster:read


@time_machine.travel(TODAY, tick=False)
def test_staff_without_a_grant_get_a_report_without_names(cast: Cast) -> None:
    staff_roster(cast.agency, 9, mhfa=8, cit=1)
    response = cast.client_for("staff").get(reverse("compliance:report", kwargs={"agency_slug": cast.agency.slug}))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "8 of 9, target 9" in text and "Officer 0008" not in text


def test_the_report_refuses_an_invalid_date_with_400(cast: Cast) -> None:
    response = cast.client_for("viewer").get(
        reverse("compliance:report", kwargs={"agency_slug": cast.agency.slug}), {"on": "not-a-date"}
    )
    assert response.status_code == 400


def test_the_report_is_not_for_outsiders(cast: Cast) -> None:
    url = reverse("compliance:report", kwargs={"agency_slug": cast.agency.slug})
    assert cast.client_for("outsider").get(url).status_code == 404
    assert cast.client_for("anonymous").get(url).status_code == 302
