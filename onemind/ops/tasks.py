"""The daily retention run the worker queues (ops/retention.py)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from onemind.ops.retention import erase_expired


@task()
def erase_expired_personnel() -> dict[str, Any]:
    runs = erase_expired(actor="retention (worker)")
    return {"agencies": len(runs), "erased": sum(run.erased for run in runs)}
