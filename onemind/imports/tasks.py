"""Background tasks: they take a batch id, re-enter the agency's scope and run the service."""

from __future__ import annotations

from django_scopes import scope, scopes_disabled
from django_tasks import task

from onemind.imports import services
from onemind.imports.models import ImportBatch


def _batch(batch_id: int) -> ImportBatch:
    with scopes_disabled():
        batch = ImportBatch.objects.select_related("agency", "applied_by").get(pk=batch_id)
        services.claim(batch)
        return batch


@task()
def read_import(batch_id: int) -> None:
    batch = _batch(batch_id)
    with scope(agency=batch.agency):
        services.read_header(batch)


@task()
def preview_import(batch_id: int) -> None:
    batch = _batch(batch_id)
    with scope(agency=batch.agency):
        services.run_preview(batch)


@task()
def apply_import(batch_id: int) -> None:
    batch = _batch(batch_id)
    with scope(agency=batch.agency):
        services.apply_batch(batch)


@task()
def undo_import(batch_id: int) -> None:
    batch = _batch(batch_id)
    with scope(agency=batch.agency):
        services.run_undo(batch)
