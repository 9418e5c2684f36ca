"""Timing of the campaign dashboard for ``onemind bench`` (PRODUCT.md: ≤ 500 ms median on the national data set)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.test import Client

URL = "/campaign/dashboard/"
# A spread of the filter combinations staff use, so the median is not one cached query plan.
QUERIES = ("", "?figure=mhfa_trained", "?state=TX", "?type=county&size=10-49", "?category=overdue&months=36")
# Cold requests cost a few hundred milliseconds each: two rounds of QUERIES give a median without a long wait.
COLD_REQUESTS = 2 * len(QUERIES)


def time_campaign_dashboard(client: Client, requests: int, *, cold: bool = False) -> list[float]:
    """Server times in milliseconds of ``requests`` dashboard requests by ``client`` (a signed-in staff user).

    The requests cycle through QUERIES. Nothing is cached: every request adds up the stored figures. ``cold``
    empties Django's cache before every request (untimed), which only the API's rate limits use.
    """
    timings: list[float] = []
    for i in range(requests):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(URL + QUERIES[i % len(QUERIES)])
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"The campaign dashboard answered {response.status_code}")
    return timings
