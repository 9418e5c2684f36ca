"""The grant report: the last four quarters as CSV and a one-page PDF."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django_scopes import scope

from onemind.outcomes.grant import grant_quarters
from tests.conftest import Cast
from tests.outcomes.helpers import make_month


@pytest.mark.django_db
def test_quarters_sum_the_months_and_leave_out_what_was_not_reported(cast: Cast) -> None:
    make_month(cast.agency, dt.date(2026, 1, 1), mh_calls=40, cit_arrived=10, referred=3, transported_voluntary=2)
    make_month(cast.agency, dt.date(2026, 2, 1), mh_calls=60, cit_arrived=None, crisis_line_transfers=5, arrest=1)
    make_month(cast.agency, dt.date(2026, 3, 1), status="not_collected")
    with scope(agency=cast.agency):
        quarters, partnerships = grant_quarters(cast.agency, dt.date(2026, 5, 10))
    assert [q.label for q in quarters] == ["2025 Q2", "2025 Q3", "2025 Q4", "2026 Q1"]
    q1 = quarters[-1].cells
    # months, calls, CIT on scene, share (10 of the 40 calls of the month that reports both), diverted, arrests
    assert q1[:6] == [2, 100, 10, 25.0, 10, 1]
    assert q1[6] is None  # use of force (FBI) never reported
    assert partnerships == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("viewer", 200), ("staff", 200), ("outsider", 404), ("liaison", 404)])
def test_the_csv_and_the_one_page_pdf(cast: Cast, who: str, status: int) -> None:
    with scope(agency=cast.agency):
        cast.agency.name = 'Springfield <b>"PD"</b>'
        cast.agency.save()
    make_month(cast.agency, dt.date(2026, 1, 1), mh_calls=40)
    client = cast.client_for(who)
    pdf = client.get(reverse("outcomes:grant_report", kwargs={"agency_slug": cast.agency.slug, "fmt": "pdf"}))
    assert pdf.status_code == status
    if status == 200:
        assert pdf.content.startswith(b"%PDF-")
        assert len(re.findall(rb"/Type /Page(?!s)", pdf.content)) == 1  # one page
        text = " ".join(m.decode("latin-1") for m in re.findall(rb"\((.*?)(?<!\\)\) Tj", pdf.content))
        assert "Quarterly crisis-response outcomes" in text
        assert "Springfield <" in text and "/b" in text  # the name printed as typed, never parsed as markup
        csv_response = client.get(
            reverse("outcomes:grant_report", kwargs={"agency_slug": cast.agency.slug, "fmt": "csv"})
        )
        text = b"".join(csv_response.streaming_content).decode()
        assert "share_with_cit_officer_percent" in text and "partnership_agreements_in_force_today" in text
