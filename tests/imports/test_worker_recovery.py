"""A worker killed in the middle of an import: the next worker to start marks it failed at once, task row too."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled
from django_tasks_db.models import DBTaskResult

from onemind.imports import services
from onemind.imports.models import ImportBatch
from onemind.roster.models import Person
from tests.conftest import Cast
from tests.imports.conftest import ROSTER_HEADER, csv_bytes, roster_rows, upload


def dead_worker() -> str:
    """The id a worker process had, for a process that has ended."""
    process = subprocess.Popen(["true"])  # noqa: S603, S607 - a process that ends at once, for its pid
    process.wait()
    return f"{services.worker_id().rpartition(':')[0]}:{process.pid}"


@pytest.mark.django_db(transaction=True)  # the worker closes its connection: PostgreSQL needs real commits
def test_a_batch_left_applying_by_a_killed_worker_fails_as_soon_as_a_worker_starts(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(5)]))
    with scope(agency=cast.agency), django_capture_on_commit_callbacks(execute=True):
        services.request_apply(actor=cast.coordinator, batch=batch, skip_errors=False, separate_missing=False)
    batch.refresh_from_db()
    # What a worker killed mid-apply leaves: the batch "applying" with its worker id, the task row "running".
    live = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(2, start=50)]))
    with scopes_disabled():
        ImportBatch.objects.filter(pk=batch.pk).update(status="applying", worker=dead_worker())
        ImportBatch.objects.filter(pk=live.pk).update(status="previewing", worker=services.worker_id())
    DBTaskResult.objects.filter(id=batch.task_id).update(status="RUNNING")

    call_command("worker", "--batch")

    batch.refresh_from_db()
    assert batch.status == "failed" and "worker was interrupted" in batch.message
    assert DBTaskResult.objects.get(id=batch.task_id).status == "FAILED"
    live.refresh_from_db()
    assert live.status == "previewing"  # this process is alive: its batch is left alone
    with scope(agency=cast.agency):
        assert not Person.objects.filter(agency=cast.agency).exists()
