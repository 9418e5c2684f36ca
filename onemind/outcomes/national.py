"""Outcome months for the generated national campaign (benchmarks only): a share of the generated agencies report
monthly figures sized by their sworn count, some months not collected. Aggregates only, like real reports."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.lib.dates import add_months
from onemind.outcomes.models import OutcomeMonth
from onemind.tenancy.models import Agency

BATCH = 5000


def _month(agency_id: int, sworn: int, month: dt.date, rng: random.Random) -> OutcomeMonth:
    if rng.random() < 0.05:
        return OutcomeMonth(agency_id=agency_id, month=month, status=OutcomeMonth.Status.NOT_COLLECTED)
    calls = max(0, round(rng.gauss(0.8, 0.3) * max(sworn, 1)))
    requested = round(calls * rng.uniform(0.2, 0.5))
    arrived = min(calls, round(requested * rng.uniform(0.8, 1.3)))
    resolved = round(calls * rng.uniform(0.3, 0.5))
    referred = round(calls * rng.uniform(0.05, 0.2))
    voluntary = round(calls * rng.uniform(0.05, 0.15))
    involuntary = round(calls * rng.uniform(0.1, 0.25))
    arrests = round(calls * rng.uniform(0.02, 0.08))
    force = round(calls * rng.uniform(0.0, 0.03))
    return OutcomeMonth(
        agency_id=agency_id,
        month=month,
        source=OutcomeMonth.Source.AGGREGATES,
        mh_calls=calls,
        cit_requested=requested,
        cit_dispatched=min(calls, requested),
        cit_arrived=arrived,
        resolved_on_scene=resolved,
        referred=referred,
        transported_voluntary=voluntary,
        involuntary_evaluation=involuntary,
        arrest=arrests,
        disposition_other=max(0, calls - resolved - referred - voluntary - involuntary - arrests),
        force_fbi=round(force * 0.1),
        force_any=force,
        officer_injuries=round(force * 0.2),
        subject_injuries=round(force * 0.3),
        swat_callouts=round(calls * 0.002),
        crisis_line_transfers=round(calls * rng.uniform(0.0, 0.1)),
        co_responder=round(calls * rng.uniform(0.0, 0.2)) if rng.random() < 0.4 else None,
    )


def generate_outcome_months(
    agencies: Iterable[Agency], *, months: int = 24, share: float = 0.4, seed: int = 1, today: dt.date | None = None
) -> int:
    """Write ``months`` months of figures for about ``share`` of ``agencies``; returns the rows written."""
    rng = random.Random(seed)
    last = (today or timezone.localdate()).replace(day=1)
    first = add_months(last, -months)
    written = 0
    batch: list[OutcomeMonth] = []
    with scopes_disabled(), transaction.atomic():
        for agency in agencies:
            if rng.random() >= share:
                continue
            start = add_months(first, rng.randrange(0, max(months // 2, 1)))
            month = start
            while month < last:
                batch.append(_month(agency.pk, agency.sworn_count or 0, month, rng))
                month = add_months(month, 1)
            if len(batch) >= BATCH:
                OutcomeMonth.objects.bulk_create(batch, ignore_conflicts=True)
                written += len(batch)
                batch = []
        OutcomeMonth.objects.bulk_create(batch, ignore_conflicts=True)
        written += len(batch)
    return written
