from __future__ import annotations

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from onemind.outcomes.fields import problems
from onemind.outcomes.models import OutcomeMonth
from onemind.outcomes.national import generate_outcome_months
from tests.conftest import Cast


@pytest.mark.django_db
def test_generated_months_are_valid_figures_and_a_rerun_adds_no_duplicate(cast: Cast) -> None:
    agencies = [cast.agency, cast.other_agency]
    written = generate_outcome_months(agencies, months=12, share=1.0, today=dt.date(2026, 6, 15))
    with scopes_disabled():
        rows = list(OutcomeMonth.objects.all())
        assert written == len(rows) and len(rows) >= 12
        assert all(not problems(r.values()) for r in rows)
        assert all(dt.date(2025, 6, 1) <= r.month < dt.date(2026, 6, 1) for r in rows)
        generate_outcome_months(agencies, months=12, share=1.0, today=dt.date(2026, 6, 15))
        assert OutcomeMonth.objects.count() == len(rows)
