"""`onemind generate-national` at 1% scale: the size mix, the histories, and a clean reset."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from onemind.compliance.selectors import evaluate_campaign, evaluate_campaign_history
from onemind.devtools.bench import run_bench
from onemind.devtools.national import generated_agencies, sworn_sizes
from onemind.engine import standing_of
from onemind.pledges.models import Pledge
from onemind.roster.models import Person, PersonEvent
from onemind.training.models import TrainingRecord

pytestmark = pytest.mark.django_db


def test_the_full_size_mix_has_half_under_ten_sworn_and_one_agency_of_36000() -> None:
    sizes = sworn_sizes(18_000, 36_000)
    assert sum(s < 10 for s in sizes) / len(sizes) == pytest.approx(0.5, abs=0.02)
    assert max(sizes) == 36_000 and sorted(sizes)[-2] < 36_000
    assert 750_000 < sum(sizes) * 1.28 < 1_250_000  # sworn + 20% non-sworn + 8% separated ≈ 1,000,000 personnel


def test_a_one_percent_campaign_is_generated_and_reset() -> None:
    out = StringIO()
    call_command("generate_national", "--scale", "0.01", "--seed", "3", "--today", "2026-06-01", stdout=out)
    with scopes_disabled():
        agencies = list(generated_agencies().values_list("id", "sworn_count"))
        assert len(agencies) == 180
        sizes = [s for _, s in agencies]
        assert sum(s < 10 for s in sizes) == 90
        assert max(sizes) == 360
        people = Person.objects.filter(agency__in=[a for a, _ in agencies]).count()
        trainings = TrainingRecord.objects.filter(agency__in=[a for a, _ in agencies]).count()
        assert 5_000 < people < 12_000
        assert 1.8 < trainings / people < 3.2
        assert PersonEvent.objects.filter(kind="hired").count() == people
        assert PersonEvent.objects.filter(kind="separated").exists()
        assert Pledge.objects.filter(agency__in=[a for a, _ in agencies], edition__code="2019").exists()
        assert Pledge.objects.filter(agency__in=[a for a, _ in agencies], edition__code="2016").exists()
        results = evaluate_campaign(dt.date(2026, 6, 1), [a for a, _ in agencies])
    assert len(results) == 180
    assert len({r.status for r in results.values()}) >= 3  # pledges at different stages
    assert "180 agencies (50% under 10 sworn" in out.getvalue()
    ends = [dt.date(2025, 12, 31), dt.date(2026, 5, 31)]
    with scopes_disabled():
        history = evaluate_campaign_history(ends, [a for a, _ in agencies])
        for i, on in enumerate(ends):
            alone = evaluate_campaign(on, [a for a, _ in agencies])
            assert {pk: r[i] for pk, r in history.items()} == {pk: standing_of(r) for pk, r in alone.items()}
    report: list[str] = []
    run_bench(requests=1, seconds=0, on=dt.date(2026, 6, 1), log=report.append, cold=1, months=2)
    text = "\n".join(report)
    cold, information = text.index("Cold: nothing cached"), text.index("Information")
    assert cold < text.index("dashboard, largest agency (360 sworn") < text.index("reading its rows") < information
    assert cold < text.index("campaign compliance for 180 agencies at each of 2 month-ends") < information
    assert "as a multiple of reading its rows" in text and "req/s" not in text
    call_command("generate_national", "--reset-only", stdout=StringIO())
    with scopes_disabled():
        assert not generated_agencies().exists()
        assert not Person.objects.exists() and not TrainingRecord.objects.exists()
