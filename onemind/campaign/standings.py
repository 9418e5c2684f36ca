"""Writes of the stored campaign figures: judge every pledged agency on a date and keep one row each.

The compliance engine's set-based ``evaluate_campaign`` does the judging; this module only turns its results into
``AgencyStanding`` rows. The "now" snapshot is replaced whole; a month-end is replaced date by date, so running a
refresh twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.campaign.models import AgencyStanding, FiguresRefresh, StandingRollup
from onemind.engine import CIT, MHFA, AgencyResult, State, Status
from onemind.pledges.models import Pledge
from onemind.reviews.models import Submission

log = logging.getLogger(__name__)

# (key, label, lowest sworn count, highest) — the campaign's agency size classes.
SIZE_CLASSES: tuple[tuple[str, str, int, int | None], ...] = (
    ("lt10", "Under 10 sworn", 0, 9),
    ("10-49", "10–49 sworn", 10, 49),
    ("50-99", "50–99 sworn", 50, 99),
    ("100-499", "100–499 sworn", 100, 499),
    ("500+", "500 or more sworn", 500, None),
)
SIZE_LABELS = {key: label for key, label, _lo, _hi in SIZE_CLASSES}
WRITE_CHUNK = 2000


def size_class(sworn: int) -> str:
    for key, _label, low, high in SIZE_CLASSES:
        if sworn >= low and (high is None or sworn <= high):
            return key
    return SIZE_CLASSES[0][0]


def month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def past_month_ends(today: dt.date, months: int) -> list[dt.date]:
    """The last ``months`` month-ends strictly before ``today``, oldest first."""
    ends: list[dt.date] = []
    cursor = dt.date(today.year, today.month, 1) - dt.timedelta(days=1)
    while len(ends) < months:
        ends.append(cursor)
        cursor = dt.date(cursor.year, cursor.month, 1) - dt.timedelta(days=1)
    return ends[::-1]


def _pledges(on: dt.date, agency_ids: Iterable[int] | None) -> list[dict[str, Any]]:
    with scopes_disabled():
        rows = Pledge.objects.filter(superseded_at__isnull=True, pledged_on__lte=on)
        if agency_ids is not None:
            rows = rows.filter(agency_id__in=list(agency_ids))
        values = rows.values(
            "agency_id",
            "pledged_on",
            "sworn_count",
            "agency__state",
            "agency__agency_type",
            "agency__sworn_count",
            "agency__recognized_on",
        )
        return [dict(row) for row in values]


def _awaiting_review(on: dt.date, agency_ids: Sequence[int]) -> set[int]:
    """Agencies with a strategy submitted by ``on`` and not yet verified or returned on that date."""
    with scopes_disabled():
        rows = Submission.objects.filter(submitted_on__lte=on).exclude(
            Q(verified_on__isnull=False, verified_on__lte=on) | Q(state=Submission.State.RETURNED)
        )
        if len(agency_ids) < 1000:
            rows = rows.filter(agency_id__in=agency_ids)
        return set(rows.values_list("agency_id", flat=True))


def _trained(result: AgencyResult, number: int) -> int:
    strategy = result.strategy(number)
    total = strategy.sworn.numerator if strategy.sworn is not None else strategy.numerator
    if strategy.designated is not None:
        total += strategy.designated.numerator
    return total


def _standing(row: dict[str, Any], result: AgencyResult, on: dt.date, current: bool, waiting: set[int]) -> Any:
    sworn = row["agency__sworn_count"] if row["agency__sworn_count"] is not None else row["sworn_count"]
    met = [s.state is State.MET for s in result.strategies]
    recognized_on = row["agency__recognized_on"]
    return AgencyStanding(
        agency_id=row["agency_id"],
        on=on,
        current=current,
        status=str(result.status),
        state=row["agency__state"],
        agency_type=row["agency__agency_type"],
        size_class=size_class(sworn or 0),
        sworn=sworn or 0,
        pledged_on=row["pledged_on"],
        deadline=result.deadline,
        s1_met=met[0],
        s2_met=met[1],
        s3_met=met[2],
        s4_met=met[3],
        strategies_met=sum(met),
        submitted=row["agency_id"] in waiting,
        recognized=recognized_on is not None and recognized_on <= on,
        mhfa_trained=_trained(result, MHFA),
        cit_trained=_trained(result, CIT),
    )


def store_standings(on: dt.date, *, current: bool, agency_ids: Iterable[int] | None = None) -> int:
    """Judge the agencies pledged by ``on`` and replace their stored rows for that date; returns how many."""
    # Imported here: the campaign app loads (and registers its exports) before the compliance dashboards.
    from onemind.compliance.selectors import evaluate_campaign

    pledges = _pledges(on, agency_ids)
    ids = [row["agency_id"] for row in pledges]
    with scopes_disabled():
        results = evaluate_campaign(on, ids) if ids else {}
    waiting = _awaiting_review(on, ids)
    rows = [
        _standing(row, results[row["agency_id"]], on, current, waiting)
        for row in pledges
        if row["agency_id"] in results and results[row["agency_id"]].status is not Status.NOT_PLEDGED
    ]
    with transaction.atomic():
        stale = AgencyStanding.objects.filter(current=current)
        if not current:
            stale = stale.filter(on=on)
        if agency_ids is not None:
            stale = stale.filter(agency_id__in=list(agency_ids))
        stale.delete()
        AgencyStanding.objects.bulk_create(rows, batch_size=WRITE_CHUNK)
        if not current:
            store_rollup(on)
    return len(rows)


ROLLUP_KEY = ("state", "agency_type", "size_class", "status", "submitted", "recognized")


def store_rollup(on: dt.date | None = None) -> int:
    """Replace the history groups of month-end ``on`` (all month-ends when None) with sums of its agency rows."""
    rows = AgencyStanding.objects.filter(current=False)
    stale = StandingRollup.objects.all()
    if on is not None:
        rows, stale = rows.filter(on=on), stale.filter(on=on)
    groups = (
        rows.values("on", *ROLLUP_KEY)
        .annotate(agencies=Count("id"), mhfa=Sum("mhfa_trained"), cit=Sum("cit_trained"))
        .order_by()
    )
    rollup = [
        StandingRollup(
            **{key: group[key] for key in ("on", *ROLLUP_KEY)},
            agencies=group["agencies"],
            mhfa_trained=group["mhfa"] or 0,
            cit_trained=group["cit"] or 0,
        )
        for group in groups
    ]
    with transaction.atomic():
        stale.delete()
        StandingRollup.objects.bulk_create(rollup, batch_size=WRITE_CHUNK)
    return len(rollup)


def refresh_figures(*, today: dt.date | None = None, months: int = 1) -> int:
    """The nightly refresh: the "now" snapshot, plus the last ``months`` month-ends that are missing or recent.

    The most recent month-end is always recomputed (late entries for last month change it); older ones are only
    filled when absent, so a nightly run costs one or two campaign evaluations, and a backfill costs one per month.
    """
    today = today or timezone.localdate()
    count = store_standings(today, current=True)
    stored = set(AgencyStanding.objects.filter(current=False).values_list("on", flat=True).distinct())
    ends = past_month_ends(today, months)
    for end in ends:
        if end == ends[-1] or end not in stored:
            store_standings(end, current=False)
    return count


def run_refresh(refresh: FiguresRefresh) -> FiguresRefresh:
    """Run one queued refresh and record its outcome; a failure is kept on the row for staff to see."""
    today = timezone.localdate()
    FiguresRefresh.objects.filter(pk=refresh.pk).update(status=FiguresRefresh.Status.RUNNING, on=today)
    try:
        count = refresh_figures(today=today, months=refresh.months)
    except Exception as exc:
        log.exception("campaign figures refresh %s failed", refresh.pk)
        FiguresRefresh.objects.filter(pk=refresh.pk).update(
            status=FiguresRefresh.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    FiguresRefresh.objects.filter(pk=refresh.pk).update(
        status=FiguresRefresh.Status.DONE, agencies=count, finished_at=timezone.now()
    )
    warm_cache()
    refresh.refresh_from_db()
    return refresh


def warm_cache() -> None:
    """Compute the unfiltered dashboard and the public figures under the new stamp, so with a shared cache
    (REDIS_URL) the first visitor after a refresh does not pay for the GROUP BY queries."""
    from onemind.campaign.figures import Filters, public_figures
    from onemind.campaign.tables import dashboard_figures

    dashboard_figures(Filters(), timezone.localdate())
    public_figures(with_tables=False)
    public_figures(with_tables=True)


def request_refresh(*, actor: Any, months: int = 1, run_after: dt.datetime | None = None) -> FiguresRefresh:
    """Queue a refresh for the worker: the dashboard's button (now) or the nightly run (``run_after``)."""
    from onemind.audit.services import log_action
    from onemind.campaign.tasks import refresh_campaign_figures

    refresh = FiguresRefresh.objects.create(requested_by=actor, months=months)
    if actor is not None:
        log_action(actor=actor, action="campaign.figures_refresh_requested", obj=refresh)
    task = refresh_campaign_figures.using(run_after=run_after) if run_after else refresh_campaign_figures
    transaction.on_commit(lambda: task.enqueue(refresh.pk))
    return refresh


NIGHTLY_HOUR = 2


def schedule_nightly(now: dt.datetime | None = None) -> FiguresRefresh | None:
    """Queue tomorrow's 02:00 refresh unless an unattended one is already waiting: the chain keeps itself going."""
    if FiguresRefresh.objects.filter(status=FiguresRefresh.Status.QUEUED, requested_by__isnull=True).exists():
        return None
    local = timezone.localtime(now)
    night = local.replace(hour=NIGHTLY_HOUR, minute=0, second=0, microsecond=0)
    if night <= local:
        night += dt.timedelta(days=1)
    return request_refresh(actor=None, run_after=night)


def seed_campaign_figures(*, months: int = 24, today: dt.date | None = None, schedule: bool = False) -> int:
    """For the demo: fill the "now" snapshot and ``months`` month-ends so the dashboard opens populated.

    ``schedule`` also queues the nightly refresh for the worker (the demo runs one).
    """
    today = today or timezone.localdate()
    count = store_standings(today, current=True)
    for end in past_month_ends(today, months):
        store_standings(end, current=False)
    FiguresRefresh.objects.create(
        status=FiguresRefresh.Status.DONE, months=months, on=today, agencies=count, finished_at=timezone.now()
    )
    if schedule:
        schedule_nightly()
    return count
