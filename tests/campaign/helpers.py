"""Stored campaign figures made directly, for pages that need many agencies without judging each one."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from onemind.campaign.models import AgencyStanding, FiguresRefresh
from onemind.campaign.standings import past_month_ends, size_class, store_rollup
from onemind.tenancy.models import Agency

STATES = ("CA", "TX", "NY", "FL", "IL", "PA", "OH", "GA", "WA", "AZ", "CO", "MN", "OR", "VA", "NC", "PR")
STATUSES = ("on_track", "at_risk", "overdue", "completed", "maintenance_needed")


def fake_standings(count: int, *, months: int = 12, seed: int = 7, today: dt.date | None = None) -> list[Agency]:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    agencies = [
        Agency.objects.create(
            name=f"Generated Police Department {i}",
            slug=f"generated-pd-{seed}-{i}",
            state=STATES[i % len(STATES)],
            agency_type=rng.choice(["city", "county", "state", "university"]),
            sworn_count=rng.choice([4, 8, 25, 60, 150, 800]),
        )
        for i in range(count)
    ]
    rows = []
    for agency in agencies:
        pledged = today - dt.timedelta(days=rng.randint(30, 30 * months))
        for on, current in [*((end, False) for end in past_month_ends(today, months)), (today, True)]:
            if on < pledged:
                continue
            met = [rng.random() < 0.6 for _ in range(4)]
            rows.append(
                AgencyStanding(
                    agency=agency,
                    on=on,
                    current=current,
                    status=rng.choice(STATUSES),
                    state=agency.state,
                    agency_type=agency.agency_type,
                    size_class=size_class(agency.sworn_count or 0),
                    sworn=agency.sworn_count or 0,
                    pledged_on=pledged,
                    deadline=today + dt.timedelta(days=rng.randint(-60, 400)),
                    s1_met=met[0],
                    s2_met=met[1],
                    s3_met=met[2],
                    s4_met=met[3],
                    strategies_met=sum(met),
                    submitted=rng.random() < 0.2,
                    recognized=rng.random() < 0.1,
                    mhfa_trained=rng.randint(0, agency.sworn_count or 0),
                    cit_trained=rng.randint(0, (agency.sworn_count or 0) // 4),
                )
            )
    AgencyStanding.objects.bulk_create(rows)
    store_rollup()  # the refresh sums the month-ends for the history; so must rows made here
    FiguresRefresh.objects.create(status="done", agencies=count, finished_at=dt.datetime.now(dt.UTC))
    return agencies
