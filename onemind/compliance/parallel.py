"""Campaign-wide evaluation on several processes: each takes blocks of agencies, loads and judges them itself.

Agencies are independent, so the work splits cleanly; each forked process opens its own database connection
(the parent's are closed first, never shared). Only for single-threaded callers such as management commands:
forking a threaded web or worker process is not safe. Inside a transaction the children could not see its
uncommitted rows, so the caller falls back to one process there (and wherever fork is unavailable).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Sequence

from django.db import connections
from django_scopes import scopes_disabled

from onemind.compliance.loader import CHUNK_AGENCIES
from onemind.engine import AgencyResult, Standing


def can_fork() -> bool:
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    return not any(conn.in_atomic_block for conn in connections.all(initialized_only=True))


def _evaluate_block(job: tuple[dt.date, list[int]]) -> dict[int, AgencyResult]:
    from onemind.compliance.selectors import evaluate_agencies

    on, ids = job
    try:
        with scopes_disabled():
            return evaluate_agencies(on, ids)
    finally:
        connections.close_all()


def evaluate_in_processes(on: dt.date, ids: Sequence[int], processes: int) -> dict[int, AgencyResult]:
    ordered = sorted(set(ids))
    blocks = [ordered[i : i + CHUNK_AGENCIES] for i in range(0, len(ordered), CHUNK_AGENCIES)]
    connections.close_all()  # a forked child must open its own connection, never reuse the parent's socket
    results: dict[int, AgencyResult] = {}
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for part in pool.imap_unordered(_evaluate_block, [(on, block) for block in blocks]):
            results.update(part)
    return results


def _evaluate_history_block(job: tuple[list[dt.date], list[int]]) -> dict[int, list[Standing]]:
    from onemind.compliance.selectors import evaluate_agencies_history

    dates, ids = job
    try:
        with scopes_disabled():
            return evaluate_agencies_history(dates, ids)
    finally:
        connections.close_all()


def evaluate_history_in_processes(
    dates: list[dt.date], ids: Sequence[int], processes: int
) -> dict[int, list[Standing]]:
    ordered = sorted(set(ids))
    blocks = [ordered[i : i + CHUNK_AGENCIES] for i in range(0, len(ordered), CHUNK_AGENCIES)]
    connections.close_all()  # a forked child must open its own connection, never reuse the parent's socket
    results: dict[int, list[Standing]] = {}
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for part in pool.imap_unordered(_evaluate_history_block, [(dates, block) for block in blocks]):
            results.update(part)
    return results
