"""``onemind bench``: the PRODUCT.md speed bars measured on the generated national data set.

1. Dashboard server time (median, p95) for the largest and a median generated agency, through Django's test
   client with a signed-in viewer (the first, cache-filling request is reported on its own).
2. Compliance for every agency on one date: ``evaluate_campaign`` (chunked set-based loads + evaluate_many).
3. Requests per second of the median agency's dashboard beside a trivial view, both served by gunicorn with two
   sync workers on the configured database, driven by wrk when installed, else by a keep-alive Python loop.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.accounts.models import User
from onemind.compliance.national import generated_agencies
from onemind.compliance.selectors import evaluate_campaign
from onemind.roster.models import Person
from onemind.tenancy.models import Agency, Membership
from onemind.tenancy.roles import Role

BENCH_EMAIL = "bench-viewer@onemind.invalid"
TARGETS = {"largest": 250.0, "median": 30.0, "campaign": 60.0, "ratio": 30.0}


@dataclass
class Timing:
    label: str
    cold_ms: float
    median_ms: float
    p95_ms: float
    people: int


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


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
        user = User.objects.create_user(email=BENCH_EMAIL, password=None, full_name="Benchmark viewer")
    for agency in agencies:
        Membership.objects.get_or_create(user=user, agency=agency, defaults={"role": Role.AGENCY_VIEWER})
    return user


def time_dashboard(client: Client, agency: Agency, label: str, requests: int) -> Timing:
    url = f"/agencies/{agency.slug}/dashboard/"
    started = time.perf_counter()
    response = client.get(url)
    cold = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    with scopes_disabled():
        people = Person.objects.filter(agency=agency).count()
    return Timing(label, cold, statistics.median(samples), percentile(samples, 0.95), people)


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
        args: list[str] = [wrk, "-t2", f"-c{threads}", f"-d{int(seconds)}s", url]
        if cookie:
            args[1:1] = ["-H", f"Cookie: {cookie}"]
        report = subprocess.run(args, capture_output=True, text=True, check=True).stdout  # noqa: S603
        for line in report.splitlines():
            if line.startswith("Requests/sec:"):
                return float(line.split()[1]), 0
        raise SystemExit(f"could not read wrk output:\n{report}")
    cmd = [sys.executable, "-m", "onemind.compliance.loadgen", url, str(seconds), str(threads), cookie]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()  # noqa: S603
    count, errors, elapsed = int(out[0]), int(out[1]), float(out[2])
    return count / elapsed, errors


def throughput(client: Client, agency: Agency, seconds: float, log: Callable[[str], None]) -> tuple[float, float, int]:
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
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        base = f"http://127.0.0.1:{port}"
        dashboard = f"{base}/agencies/{agency.slug}/dashboard/"
        trivial = f"{base}/__bench__/trivial/"
        load(dashboard, 2, cookie)  # warm both workers' connections and caches
        load(trivial, 2, "")
        log(f"  driving load with {'wrk' if shutil.which('wrk') else 'the Python keep-alive loop (no wrk installed)'}")
        trivial_rate, trivial_errors = load(trivial, seconds, "")
        dashboard_rate, dashboard_errors = load(dashboard, seconds, cookie)
        return trivial_rate, dashboard_rate, trivial_errors + dashboard_errors
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_bench(*, requests: int, seconds: float, on: dt.date | None, log: Callable[[str], None]) -> None:
    day = on or timezone.localdate()
    with scopes_disabled():
        largest, median = pick_agencies()
        user = bench_user([largest, median])
    client = Client()
    client.force_login(user)
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    log(f"OneMind bench on {db}, {os.cpu_count()} CPUs, as of {day}")
    with scopes_disabled():
        agencies = Agency.objects.count()
        people = Person.objects.count()
    log(f"data set: {agencies:,} agencies, {people:,} personnel")
    for agency, label, target in ((largest, "largest", TARGETS["largest"]), (median, "median", TARGETS["median"])):
        t = time_dashboard(client, agency, label, requests)
        log(
            f"dashboard, {label} agency ({agency.sworn_count:,} sworn, {t.people:,} personnel): "
            f"median {t.median_ms:.1f} ms, p95 {t.p95_ms:.1f} ms over {requests} requests "
            f"(first request, filling the history cache: {t.cold_ms:.0f} ms) — target median ≤ {target:.0f} ms"
        )
    started = time.perf_counter()
    with scopes_disabled():
        results = evaluate_campaign(day)
    elapsed = time.perf_counter() - started
    statuses = Counter(r.status.value for r in results.values())
    log(
        f"campaign compliance for {len(results):,} agencies on {day}: {elapsed:.1f} s — target ≤ "
        f"{TARGETS['campaign']:.0f} s; statuses {dict(statuses.most_common())}"
    )
    trivial_rate, dashboard_rate, errors = throughput(client, median, seconds, log)
    ratio = 100 * dashboard_rate / trivial_rate if trivial_rate else 0.0
    log(
        f"gunicorn 2 sync workers: trivial view {trivial_rate:,.0f} req/s, median-agency dashboard "
        f"{dashboard_rate:,.0f} req/s, ratio {ratio:.0f}% — target ≥ {TARGETS['ratio']:.0f}% ({errors} errors)"
    )
