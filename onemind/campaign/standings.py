"""Writes of the stored campaign figures: judge every pledged agency on a date and keep one row each.

The compliance engine's set-based ``evaluate_campaign`` does the judging; this module only turns its results into
``AgencyStanding`` rows. The "now" snapshot is replaced whole; a month-end is replaced date by date, so running a
refresh twice changes nothing.

The stored figures are never older than the last write: every write that can change an agency's figures bumps its
``AgencyVersion`` (``tenancy.changes.agency_changed``), and every page that reads the figures first calls
``bring_current``, which judges again the agencies whose version moved since their rows were stored (their "now"
row and every stored month-end, so a back-dated record reaches the history too). A new day, or a change to more
agencies than a request should judge (a rule edition edited), is handed to the worker, which runs within a minute.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.campaign.models import AgencyStanding, FiguresRefresh, StandingRollup
from onemind.compliance.loader import load_agency
from onemind.engine import CIT, MHFA, AgencyResult, State, Status, evaluate
from onemind.pledges.models import Pledge
from onemind.reviews.models import Submission
from onemind.tenancy.models import Agency, AgencyVersion

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
    """Judge the agencies pledged by ``on`` and replace their stored rows for that date; returns how many.

    With ``agency_ids``, only those agencies' rows (and, for a month-end, only the history groups they were or
    are in) are replaced."""
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
        touched = None if agency_ids is None else {_key(row) for row in [*stale, *rows]}
        stale.delete()
        AgencyStanding.objects.bulk_create(rows, batch_size=WRITE_CHUNK)
        if not current:
            store_rollup(on, touched)
    return len(rows)


def _key(row: AgencyStanding) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in ROLLUP_KEY)


ROLLUP_KEY = ("state", "agency_type", "size_class", "status", "submitted", "recognized")


def store_rollup(on: dt.date | None = None, keys: Iterable[tuple[Any, ...]] | None = None) -> int:
    """Replace the history groups of month-end ``on`` (all month-ends when None) with sums of its agency rows;
    ``keys`` (values of ``ROLLUP_KEY``) limits it to those groups."""
    rows = AgencyStanding.objects.filter(current=False)
    stale = StandingRollup.objects.all()
    if on is not None:
        rows, stale = rows.filter(on=on), stale.filter(on=on)
    if keys is not None:
        wanted = Q(pk__in=[])
        for key in keys:
            wanted |= Q(**dict(zip(ROLLUP_KEY, key, strict=True)))
        rows, stale = rows.filter(wanted), stale.filter(wanted)
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
    versions = behind()  # read before judging: agencies changed meanwhile stay behind, for the next reader
    count = store_standings(today, current=True)
    stored = set(AgencyStanding.objects.filter(current=False).values_list("on", flat=True).distinct())
    ends = past_month_ends(today, months)
    judged = [end for end in ends if end == ends[-1] or end not in stored]
    for end in judged:
        store_standings(end, current=False)
    if stored <= set(judged):
        _mark_current(versions)  # every stored date was judged again just now; else catch_up does the rest
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
    catch_up(today=today)
    refresh.refresh_from_db()
    return refresh


# Agencies a page judges itself before reading the figures; more than this (a rule edition changed every agency's
# figures) are judged by the worker, and the pages say the figures are being brought up to date.
LIVE_LIMIT = 50
CATCH_UP_WAIT = dt.timedelta(minutes=10)
CATCH_UP_CHUNK = 1000


def behind(limit: int | None = None) -> dict[int, int]:
    """Agencies changed since their stored figures, with their current version (a partial index finds them)."""
    rows = AgencyVersion.objects.filter(version__gt=F("figures_version")).order_by("agency_id")
    pairs = rows.values_list("agency_id", "version")
    return dict(pairs[:limit] if limit is not None else pairs)


def now_date() -> dt.date | None:
    """The date of the stored "now" figures (None before the first refresh)."""
    return AgencyStanding.objects.filter(current=True).order_by("-on").values_list("on", flat=True).first()


def bring_current(today: dt.date | None = None) -> bool:
    """Make the stored figures current before a page reads them; False when the worker has that job instead.

    Agencies changed since their rows were stored are judged here (a few queries for a handful of agencies). A
    new day (every agency's "now" row is yesterday's) or more than ``LIVE_LIMIT`` changed agencies is queued for
    the worker, once.
    """
    today = today or timezone.localdate()
    stored_on = now_date()
    changed = behind(LIVE_LIMIT + 1)
    if (stored_on is not None and stored_on != today) or len(changed) > LIVE_LIMIT:
        _queue_catch_up()
        return False
    if changed:
        judge_again(changed, today)
    return True


def judge_again(versions: dict[int, int], today: dt.date) -> None:
    """Store the figures of these agencies again ("now" and every stored month-end) and mark them current at the
    versions read before judging (a write meanwhile leaves its agency behind, for the next reader).

    Each agency is loaded once and judged on every date in memory (the engine's answer equals the campaign-wide
    evaluation's, tests/compliance hold them together), so the cost grows with the agencies changed, not with the
    number of stored month-ends.
    """
    ids = sorted(versions)
    ends = sorted(set(AgencyStanding.objects.filter(current=False).values_list("on", flat=True).distinct()))
    rows = _judged_rows(ids, today, ends)
    try:
        with transaction.atomic():
            stale = AgencyStanding.objects.filter(agency_id__in=ids).filter(Q(current=True) | Q(on__in=ends))
            touched = {(row.on, _key(row)) for row in [*stale, *rows] if not row.current}
            stale.delete()
            AgencyStanding.objects.bulk_create(rows, batch_size=WRITE_CHUNK)
            _store_groups(touched)
            _mark_current(versions)
    except IntegrityError:
        log.info("another process stored the same agencies' figures first")  # theirs are as current as ours


def _judged_rows(ids: Sequence[int], today: dt.date, ends: Sequence[dt.date]) -> list[AgencyStanding]:
    pledges = {row["agency_id"]: row for row in _pledges(today, ids)}
    agencies = Agency.objects.in_bulk(list(pledges))
    waiting = _review_dates(list(pledges))
    rows = []
    for agency_id, row in pledges.items():
        with scopes_disabled():
            data = load_agency(agencies[agency_id], names=False)
        for on, current in [*((end, False) for end in ends), (today, True)]:
            if row["pledged_on"] > on:
                continue
            result = evaluate(data.records_on(on), on, data.edition, detail=False)
            if result.status is not Status.NOT_PLEDGED:
                under_review = {agency_id} if _awaiting_on(waiting.get(agency_id, ()), on) else set()
                rows.append(_standing(row, result, on, current, under_review))
    return rows


def _review_dates(agency_ids: Sequence[int]) -> dict[int, list[tuple[dt.date, dt.date | None, bool]]]:
    """Each agency's submissions as (submitted on, verified on, returned): what ``_awaiting_review`` asks, for
    every date at once."""
    found: dict[int, list[tuple[dt.date, dt.date | None, bool]]] = {}
    with scopes_disabled():
        rows = Submission.objects.filter(agency_id__in=agency_ids, submitted_on__isnull=False)
        for agency_id, submitted_on, verified_on, state in rows.values_list(
            "agency_id", "submitted_on", "verified_on", "state"
        ):
            found.setdefault(agency_id, []).append((submitted_on, verified_on, state == Submission.State.RETURNED))
    return found


def _awaiting_on(submissions: Iterable[tuple[dt.date, dt.date | None, bool]], on: dt.date) -> bool:
    return any(
        submitted <= on and not returned and (verified is None or verified > on)
        for submitted, verified, returned in submissions
    )


def _store_groups(touched: set[tuple[dt.date, tuple[Any, ...]]]) -> None:
    """Sum again the history groups these (month-end, group) pairs name: three queries for all of them."""
    if not touched:
        return
    wanted = Q(pk__in=[])
    for on, key in touched:
        wanted |= Q(on=on, **dict(zip(ROLLUP_KEY, key, strict=True)))
    groups = (
        AgencyStanding.objects.filter(current=False)
        .filter(wanted)
        .values("on", *ROLLUP_KEY)
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
    StandingRollup.objects.filter(wanted).delete()
    StandingRollup.objects.bulk_create(rollup, batch_size=WRITE_CHUNK)


def _mark_current(versions: dict[int, int]) -> None:
    pairs = sorted(versions.items())
    for start in range(0, len(pairs), CATCH_UP_CHUNK):
        chunk = pairs[start : start + CATCH_UP_CHUNK]
        whens = [When(agency_id=pk, then=Value(version)) for pk, version in chunk]
        AgencyVersion.objects.filter(agency_id__in=[pk for pk, _ in chunk]).update(figures_version=Case(*whens))


def catch_up(*, today: dt.date | None = None) -> int:
    """Judge again every agency left behind, in chunks (the worker's job after a refresh or a rules change)."""
    today = today or timezone.localdate()
    done = 0
    while changed := behind(CATCH_UP_CHUNK):
        judge_again(changed, today)
        done += len(changed)
    return done


def _queue_catch_up() -> None:
    """Queue a refresh for the worker unless one is already waiting or running (deduplicated across requests)."""
    # Recent ones only: the nightly run waits (queued) for its hour, and one left by a dead worker must not block.
    since = timezone.now() - CATCH_UP_WAIT
    waiting = FiguresRefresh.objects.filter(
        status__in=[FiguresRefresh.Status.QUEUED, FiguresRefresh.Status.RUNNING], requested_at__gte=since
    )
    if not waiting.exists():
        request_refresh(actor=None)


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
    versions = behind()
    count = store_standings(today, current=True)
    for end in past_month_ends(today, months):
        store_standings(end, current=False)
    if set(AgencyStanding.objects.filter(current=False).values_list("on", flat=True)) <= set(
        past_month_ends(today, months)
    ):
        _mark_current(versions)
    FiguresRefresh.objects.create(
        status=FiguresRefresh.Status.DONE, months=months, on=today, agencies=count, finished_at=timezone.now()
    )
    if schedule:
        schedule_nightly()
    return count
