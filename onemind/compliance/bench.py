"""``onemind bench``: the PRODUCT.md speed bars measured on the generated national data set, in one run.

1. Agency dashboard server time (median, p95) for the largest and a median generated agency, through Django's
   test client and the whole middleware stack with a signed-in viewer. Beside it, the first request with nothing
   cached (the history chart is computed), the worker's refresh after a write, and the first request of a fresh
   web process once the worker has refreshed the page.
2. The campaign dashboard (onemind/campaign/bench.py), when that module is installed.
3. Compliance for every agency on one date: ``evaluate_campaign``, by default on one process per CPU
   (``--processes 1`` measures a single process).
4. Requests per second of the median agency's dashboard beside a trivial view, both served by gunicorn with two
   sync workers and persistent database connections, driven by wrk when installed, else by a keep-alive Python
   loop. Both are requested with the same signed-in session cookie, so both pay the session lookup every signed-in
   page pays; the rate of the trivial view without a cookie, and of the agency overview page, are printed too.
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

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.accounts.models import User
from onemind.compliance.models import ComplianceSnapshot, DashboardPage
from onemind.compliance.national import generated_agencies
from onemind.compliance.pages import warm_dashboard
from onemind.compliance.selectors import evaluate_campaign
from onemind.roster.models import Person
from onemind.tenancy.models import Agency, Membership
from onemind.tenancy.roles import Role

BENCH_EMAIL = "bench-viewer@onemind.invalid"
BENCH_STAFF_EMAIL = "bench-staff@onemind.invalid"
# PRODUCT.md, "Quality bars": milliseconds, seconds and percent.
TARGETS = {"largest": 250.0, "median": 30.0, "campaign_dashboard": 500.0, "campaign": 60.0, "ratio": 30.0}
Log = Callable[[str], None]


@dataclass
class Timing:
    label: str
    median_ms: float
    p95_ms: float
    people: int
    cold_ms: float = 0.0  # first request, nothing cached: the history chart is computed
    refresh_ms: float = 0.0  # the worker's refresh after a write (history points kept)
    fresh_process_ms: float = 0.0  # a fresh web process's first request after that refresh
    queries: int = 0


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
    """Forget every cached value, the process's own and the shared ones: as a newly started web process sees it."""
    for each in caches.all():
        each.clear()


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _get(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = _ms(started)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def time_dashboard(client: Client, agency: Agency, label: str, requests: int) -> Timing:
    """Cold, refreshed-by-the-worker and warm timings of one agency's dashboard."""
    url = f"/agencies/{agency.slug}/dashboard/"
    with scopes_disabled():
        ComplianceSnapshot.objects.filter(agency=agency).delete()
        DashboardPage.objects.filter(agency=agency).delete()
        people = Person.objects.filter(agency=agency).count()
    clear_caches()
    cold = _get(client, url)
    # A write would now bump the data version and queue the worker's refresh; run that refresh here, then start
    # over with an empty process cache as a newly started web process would.
    clear_caches()
    with scopes_disabled():
        DashboardPage.objects.filter(agency=agency).delete()
        started = time.perf_counter()
        warm_dashboard(agency, timezone.localdate())
        refresh = _ms(started)
    clear_caches()
    fresh = _get(client, url)
    queries = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        _get(client, url)
    samples = [_get(client, url) for _ in range(requests)]
    return Timing(
        label,
        statistics.median(samples),
        percentile(samples, 0.95),
        people,
        cold_ms=cold,
        refresh_ms=refresh,
        fresh_process_ms=fresh,
        queries=queries[0],
    )


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
        summary.add("Campaign dashboard, median", "failed", f"≤ {TARGETS['campaign_dashboard']:.0f} ms", False)
        return
    median, p95 = statistics.median(samples), percentile(samples, 0.95)
    target = TARGETS["campaign_dashboard"]
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
    cmd = [sys.executable, "-m", "onemind.compliance.loadgen", url, str(seconds), str(threads), cookie]
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
        "onemind.compliance.bench_wsgi:application",
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


def throughput(client: Client, agency: Agency, seconds: float, log: Log, summary: Summary, rounds: int = 3) -> None:
    """Request rates, measured in ``rounds`` interleaved rounds (the median round per URL), so a burst of work
    elsewhere on the machine lowers one round of every URL rather than all of one URL's."""
    cookie = browser_cookies(client, agency)
    with gunicorn() as base:
        urls = {
            "trivial view, signed in": (f"{base}/__bench__/trivial/", cookie),
            "trivial view, no cookie": (f"{base}/__bench__/trivial/", ""),
            "agency overview page": (f"{base}/agencies/{agency.slug}/", cookie),
            "median-agency dashboard": (f"{base}/agencies/{agency.slug}/dashboard/", cookie),
        }
        for url, with_cookie in urls.values():
            load(url, 2, with_cookie)  # warm both workers' connections and caches
        log(f"  driving load with {'wrk' if shutil.which('wrk') else 'the Python keep-alive loop (no wrk installed)'}")
        samples: dict[str, list[float]] = {label: [] for label in urls}
        errors = 0
        for _ in range(rounds):
            for label, (url, with_cookie) in urls.items():
                rate, failed = load(url, seconds / rounds, with_cookie)
                samples[label].append(rate)
                errors += failed
    rates = {label: statistics.median(values) for label, values in samples.items()}
    dashboard = rates["median-agency dashboard"]
    ratio = 100 * dashboard / rates["trivial view, signed in"] if rates["trivial view, signed in"] else 0.0
    anonymous = 100 * dashboard / rates["trivial view, no cookie"] if rates["trivial view, no cookie"] else 0.0
    log(
        f"gunicorn, 2 sync workers, persistent connections, median of {rounds} rounds of {seconds / rounds:.1f} s: "
        + ", ".join(f"{label} {rate:,.0f} req/s" for label, rate in rates.items())
        + f" ({errors} errors)"
    )
    log(
        f"  dashboard / trivial view with the same session: {ratio:.0f}% — target ≥ {TARGETS['ratio']:.0f}%; "
        f"against the trivial view without a cookie (no session lookup): {anonymous:.0f}%"
    )
    summary.add("Median dashboard req/s vs trivial view", f"{ratio:.0f}%", f"≥ {TARGETS['ratio']:.0f}%", ratio >= 30)
    summary.add("  (vs trivial view without a cookie)", f"{anonymous:.0f}%", "", None)


def run_bench(*, requests: int, seconds: float, on: dt.date | None, log: Log, processes: int = 1) -> None:
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
    for agency, label in ((largest, "largest"), (median, "median")):
        t = time_dashboard(client, agency, label, requests)
        target = TARGETS[label]
        log(
            f"dashboard, {label} agency ({agency.sworn_count:,} sworn, {t.people:,} personnel): "
            f"median {t.median_ms:.1f} ms, p95 {t.p95_ms:.1f} ms over {requests} requests, {t.queries} queries "
            f"— target median ≤ {target:.0f} ms"
        )
        log(
            f"  first request with nothing cached (history computed): {t.cold_ms:,.0f} ms; worker refresh after a "
            f"write: {t.refresh_ms:,.0f} ms; first request of a fresh web process after it: {t.fresh_process_ms:.1f} ms"
        )
        summary.add(
            f"Dashboard, {label} agency, median", f"{t.median_ms:.1f} ms", f"≤ {target:.0f} ms", t.median_ms <= target
        )
        summary.add("  p95 / first request, nothing cached", f"{t.p95_ms:.1f} ms / {t.cold_ms:,.0f} ms", "", None)
    time_campaign_dashboard(requests, log, summary)
    started = time.perf_counter()
    with scopes_disabled():
        results = evaluate_campaign(day, processes=processes)
    elapsed = time.perf_counter() - started
    statuses = Counter(r.status.value for r in results.values())
    log(
        f"campaign compliance for {len(results):,} agencies on {day} ({processes} "
        f"{'process' if processes == 1 else 'processes'}): {elapsed:.1f} s — target ≤ "
        f"{TARGETS['campaign']:.0f} s; statuses {dict(statuses.most_common())}"
    )
    summary.add(
        f"Compliance, all {len(results):,} agencies, one date",
        f"{elapsed:.1f} s",
        f"≤ {TARGETS['campaign']:.0f} s",
        elapsed <= TARGETS["campaign"],
    )
    throughput(client, median, seconds, log, summary)
    log(f"load average at end: {load_average()}")
    log("")
    log(f"{'Figure':<46} {'Measured':>22}  {'Target':<9} Met")
    for label, measured, bar, ok in summary.rows:
        mark = "" if ok is None else ("yes" if ok else "NO")
        log(f"{label:<46} {measured:>22}  {bar:<9} {mark}")
