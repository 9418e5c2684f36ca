"""``onemind bench``: the speed targets measured on the generated national data set, in one run.

Cold figures first, nothing cached (every cache emptied, stored pages deleted where that model exists):

1. The largest and a median generated agency's dashboard, history since the pledge included: server time of a
   request through Django's test client and the whole middleware stack with a signed-in viewer, the median of
   ``--cold`` requests. Beside the largest, the time to read that agency's rows (the columns the loader reads,
   values only) in the same rounds, and the ratio of the two: a figure the machine's load cancels out of.
2. Compliance for every agency at each of the last 36 month-ends (``evaluate_campaign_history``), by default on
   one process per CPU (``--processes 1`` for a single process), and on one date for comparison.

Then, as information only: warm request times, the campaign dashboard (onemind/campaign/bench.py, when
installed), and requests per second of the median agency's pages beside a trivial view under gunicorn (two sync
workers, persistent connections), driven by wrk when installed, else by a keep-alive Python loop.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.accounts.models import User
from onemind.compliance.loader import PERSON_COLUMNS
from onemind.compliance.selectors import evaluate_campaign, evaluate_campaign_history
from onemind.devtools.national import generated_agencies
from onemind.lib.collector import collector_paused
from onemind.roster.models import Exemption as ExemptionRow
from onemind.roster.models import Person, PersonEvent
from onemind.tenancy.models import Agency, Membership
from onemind.tenancy.roles import Role
from onemind.training.models import TrainingRecord

BENCH_EMAIL = "bench-viewer@onemind.invalid"
BENCH_STAFF_EMAIL = "bench-staff@onemind.invalid"
# PRODUCT.md, "Quality bars": milliseconds, seconds and percent.
# Issue targets: (must, aim) in milliseconds, a multiple, or seconds.
TARGETS = {
    "largest": (500.0, 250.0),
    "ratio": (4.0, 2.0),
    "median": (20.0, 10.0),
    "campaign_months": (60.0, 20.0),
    "campaign_dashboard": (500.0, 500.0),
}
MONTHS = 36
Log = Callable[[str], None]


@dataclass
class Timing:
    label: str
    people: int
    cold_ms: float  # median request with nothing cached
    rows_ms: float = 0.0  # median time to read the agency's rows, in the same rounds
    warm_ms: float = 0.0
    warm_p95_ms: float = 0.0
    queries: int = 0
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.cold_ms / self.rows_ms if self.rows_ms else 0.0


@dataclass
class Summary:
    rows: list[tuple[str, str, str, bool | None]] = field(default_factory=list)

    def add(self, label: str, measured: str, target: str, ok: bool | None) -> None:
        self.rows.append((label, measured, target, ok))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def pick_agencies() -> tuple[Agency, Agency]:
    """The largest generated agency by sworn count, and the median one among pledged agencies."""
    base = generated_agencies().filter(pledges__isnull=False, pledges__superseded_at__isnull=True)
    largest = base.order_by("-sworn_count", "id").first()
    count = base.count()
    median = base.order_by("sworn_count", "id")[count // 2 : count // 2 + 1].first()
    if largest is None or median is None:
        raise SystemExit("No generated agencies: run `onemind generate-national` first.")
    return largest, median


def bench_user(agencies: list[Agency]) -> User:
    user = User.objects.filter(email=BENCH_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=BENCH_EMAIL, password=None, full_name="Benchmark viewer", email_verified_at=timezone.now()
        )
    for agency in agencies:
        Membership.objects.get_or_create(user=user, agency=agency, defaults={"role": Role.AGENCY_VIEWER})
    return user


def clear_caches() -> None:
    """Forget every cached value and stored page: what a dashboard costs when nothing has been computed before."""
    for each in caches.all():
        each.clear()
    for label, model in (("compliance", "DashboardPage"), ("compliance", "ComplianceSnapshot")):
        try:
            stored = apps.get_model(label, model)
        except LookupError:
            continue
        with scopes_disabled():
            stored.objects.all().delete()


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _get(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = _ms(started)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def read_rows(agency: Agency) -> int:
    """Read the agency's rows the engine needs, values only, nothing built from them: the floor to compare with.

    With the garbage collector paused, as the dashboard computes: the same conditions for both sides."""
    with scopes_disabled(), collector_paused():
        rows = list(Person.objects.filter(agency=agency).order_by().values_list(*PERSON_COLUMNS))
        rows += ExemptionRow.objects.filter(agency=agency).order_by().values_list("person_id", "start", "end", "reason")
        rows += (
            TrainingRecord.objects.filter(agency=agency, status=TrainingRecord.Status.ACCEPTED)
            .order_by()
            .values_list("person_id", "course_type_id", "completed_on")
        )
        rows += PersonEvent.objects.filter(agency=agency, kind=PersonEvent.Kind.SWORN_CHANGED).values_list(
            "person_id", "effective_on", "details"
        )
    return len(rows)


def compute_parts(agency: Agency) -> dict[str, float]:
    """Where the time of one cold computation goes (in-process, no request), when the selectors report it."""
    from onemind.compliance import selectors

    compute = getattr(selectors, "_compute_dashboard", None)
    if compute is None:
        return {}
    today = timezone.localdate()
    with scopes_disabled():
        board = compute(agency, today, today, True, selectors.current_pledge_row(agency), selectors.course_catalog())
    return {name: seconds * 1000 for name, seconds in getattr(board, "timings", {}).items()}


def time_dashboard(client: Client, agency: Agency, label: str, cold: int, warm: int) -> Timing:
    """Cold requests (nothing cached) alternating with reads of the agency's rows, then warm requests."""
    url = f"/agencies/{agency.slug}/dashboard/"
    with scopes_disabled():
        people = Person.objects.filter(agency=agency).count()
    read_rows(agency)  # the first read pays for the database's own cold pages; measured runs follow
    colds, reads = [], []
    for _ in range(cold):
        clear_caches()
        colds.append(_get(client, url))
        started = time.perf_counter()
        read_rows(agency)
        reads.append(_ms(started))
    parts = compute_parts(agency)
    queries = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    clear_caches()
    with connection.execute_wrapper(count):
        _get(client, url)
    samples = [_get(client, url) for _ in range(warm)]
    return Timing(
        label,
        people,
        cold_ms=statistics.median(colds),
        rows_ms=statistics.median(reads),
        warm_ms=statistics.median(samples) if samples else 0.0,
        warm_p95_ms=percentile(samples, 0.95) if samples else 0.0,
        queries=queries[0],
        parts=parts,
    )


def month_ends_before(day: dt.date, count: int) -> list[dt.date]:
    """The last ``count`` month-ends before ``day``, oldest first."""
    ends = []
    cursor = dt.date(day.year, day.month, 1)
    for _ in range(count):
        cursor -= dt.timedelta(days=1)
        ends.append(cursor)
        cursor = dt.date(cursor.year, cursor.month, 1)
    return ends[::-1]


def time_campaign_dashboard(requests: int, log: Log, summary: Summary) -> None:
    """The campaign dashboard's own timing (onemind/campaign/bench.py), when that module is there."""
    try:
        module = importlib.import_module("onemind.campaign.bench")
    except ImportError:
        log("campaign dashboard: not measured (onemind.campaign.bench is not installed)")
        return
    timer = getattr(module, "time_campaign_dashboard", None)
    if timer is None:
        log("campaign dashboard: not measured (no time_campaign_dashboard in onemind.campaign.bench)")
        return
    with scopes_disabled():
        staff = User.objects.filter(email=BENCH_STAFF_EMAIL).first()
        if staff is None:
            staff = User.objects.create_user(
                email=BENCH_STAFF_EMAIL,
                password=None,
                full_name="Benchmark staff",
                is_campaign_staff=True,
                email_verified_at=timezone.now(),
            )
    client = Client()
    # The bench signs in without a second factor: it measures the page, not the sign-in.
    with override_settings(REQUIRE_TWO_FACTOR=False):
        client.force_login(staff)
    try:
        timer(client, 1)  # the first request fills the figures cache; it is not a steady-state sample
        samples = list(timer(client, requests))
        cold = list(timer(client, getattr(module, "COLD_REQUESTS", 10), cold=True))  # cache emptied before each
    except Exception as exc:  # noqa: BLE001 - report it and go on with the other figures
        log(f"campaign dashboard: could not be measured: {exc!r}")
        summary.add("Campaign dashboard, median", "failed", "", None)
        return
    median, p95 = statistics.median(samples), percentile(samples, 0.95)
    target = TARGETS["campaign_dashboard"][0]
    cold_median = statistics.median(cold)
    log(f"campaign dashboard: warm median {median:.1f} ms, p95 {p95:.1f} ms over {len(samples)} requests")
    log(f"campaign dashboard: cold median {cold_median:.1f} ms over {len(cold)} requests, nothing cached")
    summary.add("Campaign dashboard, median", f"{median:.1f} ms", f"≤ {target:.0f} ms", median <= target)
    summary.add("Campaign dashboard, cold median", f"{cold_median:.1f} ms", f"≤ {target:.0f} ms", cold_median <= target)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def load(url: str, seconds: float, cookie: str, threads: int = 8) -> tuple[float, int]:
    """Requests per second against ``url``; wrk when installed, else the Python keep-alive loop."""
    wrk = shutil.which("wrk")
    if wrk:
        args: list[str] = [wrk, "-t2", f"-c{threads}", f"-d{max(1, round(seconds))}s", url]
        if cookie:
            args[1:1] = ["-H", f"Cookie: {cookie}"]
        report = subprocess.run(args, capture_output=True, text=True, check=True).stdout  # noqa: S603
        rate, errors = None, 0
        for line in report.splitlines():
            if line.startswith("Requests/sec:"):
                rate = float(line.split()[1])
            elif "Non-2xx or 3xx responses:" in line:
                errors += int(line.rsplit(":", 1)[1])
            elif line.strip().startswith("Socket errors:"):
                errors += sum(int(part.split()[-1]) for part in line.split(":", 1)[1].split(","))
        if rate is None:
            raise SystemExit(f"could not read wrk output:\n{report}")
        return rate, errors
    cmd = [sys.executable, "-m", "onemind.devtools.loadgen", url, str(seconds), str(threads), cookie]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()  # noqa: S603
    count, errors, elapsed = int(out[0]), int(out[1]), float(out[2])
    return count / elapsed, errors


@contextmanager
def gunicorn() -> Iterator[str]:
    """The site (plus the trivial view) under gunicorn: two sync workers, the configured database settings."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "onemind.settings"}
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "onemind.devtools.bench_wsgi:application",
    ]
    server = subprocess.Popen(cmd, env=env)  # noqa: S603
    try:
        _wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def browser_cookies(client: Client, agency: Agency) -> str:
    """The cookies a signed-in browser sends: the session and the CSRF cookie its first page set."""
    client.get(f"/agencies/{agency.slug}/dashboard/")
    names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    return "; ".join(f"{name}={client.cookies[name].value}" for name in names if name in client.cookies)


def throughput(client: Client, agency: Agency, seconds: float, log: Log, rounds: int = 3) -> None:
    """Request rates, information only, measured in ``rounds`` interleaved rounds (the median round per URL), so
    a burst of work elsewhere on the machine lowers one round of every URL rather than all of one URL's."""
    cookie = browser_cookies(client, agency)
    with gunicorn() as base:
        urls = {
            "trivial view, signed in": (f"{base}/__bench__/trivial/", cookie),
            "trivial view, no cookie": (f"{base}/__bench__/trivial/", ""),
            "agency overview page": (f"{base}/agencies/{agency.slug}/", cookie),
            "median-agency dashboard": (f"{base}/agencies/{agency.slug}/dashboard/", cookie),
        }
        for url, with_cookie in urls.values():
            load(url, 2, with_cookie)  # warm both workers' connections
        log(f"  driving load with {'wrk' if shutil.which('wrk') else 'the Python keep-alive loop (no wrk installed)'}")
        samples: dict[str, list[float]] = {label: [] for label in urls}
        errors = 0
        for _ in range(rounds):
            for label, (url, with_cookie) in urls.items():
                rate, failed = load(url, seconds / rounds, with_cookie)
                samples[label].append(rate)
                errors += failed
    rates = {label: statistics.median(values) for label, values in samples.items()}
    log(
        f"gunicorn, 2 sync workers, persistent connections, median of {rounds} rounds of {seconds / rounds:.1f} s: "
        + ", ".join(f"{label} {rate:,.0f} req/s" for label, rate in rates.items())
        + f" ({errors} errors)"
    )


def _bar(value: float, key: str, unit: str) -> tuple[str, bool]:
    must, aim = TARGETS[key]
    return f"≤ {must:g}{unit} (aim {aim:g}{unit})", value <= must


def run_bench(
    *,
    requests: int,
    seconds: float,
    on: dt.date | None,
    log: Log,
    processes: int = 1,
    cold: int = 5,
    months: int = MONTHS,
) -> None:
    day = on or timezone.localdate()
    summary = Summary()
    with scopes_disabled():
        largest, median = pick_agencies()
        user = bench_user([largest, median])
        agencies = Agency.objects.count()
        people = Person.objects.count()
    client = Client()
    client.force_login(user)
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    sessions = settings.SESSION_ENGINE.rsplit(".", 1)[-1]
    log(f"OneMind bench on {db} ({cache_backend} cache, {sessions} sessions), {os.cpu_count()} CPUs, as of {day}")
    log(f"load average at start: {load_average()}")
    log(f"data set: {agencies:,} agencies, {people:,} personnel")
    log("")
    log("Cold: nothing cached")
    timings = {}
    for agency, label in ((largest, "largest"), (median, "median")):
        t = timings[label] = time_dashboard(client, agency, label, cold, requests)
        parts = ", ".join(f"{name} {ms:,.0f} ms" for name, ms in t.parts.items())
        log(
            f"dashboard, {label} agency ({agency.sworn_count:,} sworn, {t.people:,} personnel), history since the "
            f"pledge: median {t.cold_ms:,.1f} ms over {cold} requests; reading its rows {t.rows_ms:,.1f} ms "
            f"(ratio {t.ratio:.1f}×)" + (f"; in-process: {parts}" if parts else "")
        )
        bar, ok = _bar(t.cold_ms, label, " ms")
        summary.add(f"Dashboard, {label} agency, nothing cached", f"{t.cold_ms:,.1f} ms", bar, ok)
        if label == "largest":
            bar, ok = _bar(t.ratio, "ratio", "×")
            summary.add("  as a multiple of reading its rows", f"{t.ratio:.1f}×", bar, ok)
    ends = month_ends_before(day, months)
    started = time.perf_counter()
    with scopes_disabled():
        history = evaluate_campaign_history(ends, processes=processes)
    elapsed = time.perf_counter() - started
    statuses = Counter(r[-1].status.value for r in history.values() if r)
    log(
        f"campaign compliance for {len(history):,} agencies at each of {len(ends)} month-ends "
        f"({ends[0]} to {ends[-1]}, {processes} {'process' if processes == 1 else 'processes'}): {elapsed:.1f} s; "
        f"statuses on {ends[-1]} {dict(statuses.most_common())}"
    )
    bar, ok = _bar(elapsed, "campaign_months", " s")
    summary.add(f"All {len(history):,} agencies × {len(ends)} month-ends", f"{elapsed:.1f} s", bar, ok)
    started = time.perf_counter()
    with scopes_disabled():
        results = evaluate_campaign(day, processes=processes)
    one_date = time.perf_counter() - started
    log(f"campaign compliance for {len(results):,} agencies on {day} alone: {one_date:.1f} s")
    summary.add(f"  (all agencies, {day} alone)", f"{one_date:.1f} s", "", None)
    log(f"load average after the cold figures: {load_average()}")
    log("")
    log("Information")
    for label, t in timings.items():
        log(
            f"dashboard, {label} agency, repeated requests: median {t.warm_ms:.1f} ms, p95 {t.warm_p95_ms:.1f} ms "
            f"over {requests}, {t.queries} queries per request"
        )
    time_campaign_dashboard(requests, log, summary)
    if seconds > 0:
        throughput(client, median, seconds, log)
    log(f"load average at end: {load_average()}")
    log("")
    log(f"{'Figure':<46} {'Measured':>14}  {'Target':<24} Met")
    for label, measured, bar, met in summary.rows:
        mark = "" if met is None else ("yes" if met else "NO")
        log(f"{label:<46} {measured:>14}  {bar:<24} {mark}")
