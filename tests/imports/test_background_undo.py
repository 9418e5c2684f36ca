"""Large undos run in the background like apply; the progress bar moves while an apply or undo writes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from django_tasks_db.models import DBTaskResult

from onemind.audit.models import AuditEntry
from onemind.imports import services
from onemind.imports.models import ImportBatch
from onemind.roster.models import Person
from tests.conftest import Cast
from tests.imports.conftest import ROSTER_HEADER, apply, csv_bytes, roster_rows, roster_snapshot, upload

pytestmark = pytest.mark.django_db


def _url(cast: Cast, name: str, batch: ImportBatch) -> str:
    return reverse(f"imports:{name}", kwargs={"agency_slug": cast.agency.slug, "batch_id": batch.public_id})


def _percent(html: str) -> int:
    match = re.search(r'aria-valuenow="(\d+)"', html)
    assert match is not None, html
    return int(match.group(1))


@pytest.fixture
def small_chunks(monkeypatch: Any) -> None:
    """Several chunks and a background undo from a few rows, so the tests stay quick."""
    monkeypatch.setattr(services, "WRITE_CHUNK", 3)
    monkeypatch.setattr(services, "INLINE_UNDO_CHANGES", 5)


def _applied(cast: Cast, rows: int = 12) -> ImportBatch:
    batch = apply(
        upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(rows)])), cast.coordinator
    )
    batch.refresh_from_db()
    return batch


def test_a_small_undo_still_happens_during_the_request(cast: Cast) -> None:
    batch = _applied(cast, 4)
    with scope(agency=cast.agency):
        assert services.request_undo(actor=cast.coordinator, batch=batch).status == ImportBatch.Status.UNDONE
        assert not Person.objects.filter(agency=cast.agency).exists()


def test_a_large_undo_is_queued_and_the_worker_restores_the_roster_exactly(cast: Cast, small_chunks: None) -> None:
    before = roster_snapshot(cast.agency)
    batch = _applied(cast)
    with scope(agency=cast.agency):
        queued = services.request_undo(actor=cast.coordinator, batch=batch, enqueue=False)
        assert queued.status == ImportBatch.Status.UNDO_QUEUED and queued.is_running
        assert Person.objects.filter(agency=cast.agency).count() == 12  # nothing undone yet
        done = services.run_undo(queued)
    assert done.status == ImportBatch.Status.UNDONE and done.undone_by == cast.coordinator
    assert roster_snapshot(cast.agency) == before
    with scopes_disabled():
        actions = set(AuditEntry.objects.filter(object_id=str(batch.pk)).values_list("action", flat=True))
    assert {"imports.undo_requested", "imports.roster_undone"} <= actions
    assert not services.progress_path(batch).exists()


def test_a_refused_background_undo_leaves_the_import_applied_with_the_reason(cast: Cast, small_chunks: None) -> None:
    batch = _applied(cast)
    with scope(agency=cast.agency):
        services.request_undo(actor=cast.coordinator, batch=batch, enqueue=False)
        Person.objects.filter(agency=cast.agency, employee_number="E00002").update(version=99)  # edited since
        after = roster_snapshot(cast.agency)
        batch.refresh_from_db()
        result = services.run_undo(batch)
    assert result.status == ImportBatch.Status.APPLIED and "Undo refused" in result.message
    assert roster_snapshot(cast.agency) == after


@pytest.mark.django_db(transaction=True)  # the worker closes its connection: PostgreSQL needs real commits
def test_the_undo_button_queues_a_large_undo_that_the_worker_runs(
    cast: Cast, small_chunks: None, django_capture_on_commit_callbacks: Any
) -> None:
    batch = _applied(cast)
    client = cast.client_for("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(cast, "undo", batch), follow=True)
    page = response.content.decode()
    assert "is being undone" in page and "Waiting to be undone" in page and 'role="progressbar"' in page
    call_command("db_worker", "--batch", "--no-startup-delay")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert DBTaskResult.objects.get(id=batch.task_id).status == "SUCCESSFUL"
    with scope(agency=cast.agency):
        assert not Person.objects.filter(agency=cast.agency).exists()


def test_the_progress_bar_advances_while_apply_writes(cast: Cast, small_chunks: None, monkeypatch: Any) -> None:
    """The write transaction cannot update the batch row visibly; the page reads the progress file instead."""
    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(12)]))
    client = cast.client_for("coordinator")
    seen: list[tuple[int, str]] = []

    def look(done: int, total: int) -> None:
        html = client.get(_url(cast, "progress", batch)).content.decode()
        seen.append((_percent(html), html))

    monkeypatch.setattr(services, "checkpoint", look)
    apply(batch, cast.coordinator)
    percents = [p for p, _ in seen]
    assert len(percents) == 4 and percents == sorted(percents) and len(set(percents)) == 4, percents
    assert 0 < percents[0] and percents[-1] <= 50  # the records are the first half; the change log the second
    assert all("Writing 12 changes (all or nothing)" in html for _, html in seen)
    assert not services.progress_path(batch).exists()  # cleared once written


def test_the_progress_bar_advances_while_a_background_undo_writes(
    cast: Cast, small_chunks: None, monkeypatch: Any
) -> None:
    batch = _applied(cast)
    client = cast.client_for("coordinator")
    percents: list[int] = []
    monkeypatch.setattr(
        services,
        "checkpoint",
        lambda d, t: percents.append(_percent(client.get(_url(cast, "progress", batch)).content.decode())),
    )
    with scope(agency=cast.agency):
        services.request_undo(actor=cast.coordinator, batch=batch, enqueue=False)
        batch.refresh_from_db()
        services.run_undo(batch)
    assert percents == [25, 50, 75, 100]


def test_an_undo_whose_worker_died_is_reported_and_the_import_stays_applied(cast: Cast, small_chunks: None) -> None:
    import datetime as dt

    from django.utils import timezone

    batch = _applied(cast)
    with scope(agency=cast.agency):
        services.request_undo(actor=cast.coordinator, batch=batch, enqueue=False)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.UNDOING, heartbeat_at=timezone.now() - dt.timedelta(hours=1)
        )
    page = cast.client_for("coordinator").get(_url(cast, "detail", batch)).content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED and "undo again" in batch.message
    assert "undo again" in page
