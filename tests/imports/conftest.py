"""Helpers for import tests: files written to tmp_path, batches taken through preview and apply."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django_scopes import scope

from onemind.imports import services
from onemind.imports.models import ImportBatch
from onemind.roster.models import Person
from onemind.tenancy.models import Agency


@pytest.fixture(autouse=True)
def _private_files(settings: Any, tmp_path: Path) -> None:
    settings.PRIVATE_FILES_DIR = tmp_path / "private"


def csv_bytes(rows: Sequence[Sequence[object]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


ROSTER_HEADER = ["employee_number", "badge_number", "last_name", "first_name", "sworn", "rank", "unit", "hire_date"]


def roster_rows(count: int, start: int = 1, unit: str = "Patrol") -> list[list[object]]:
    return [
        [f"E{n:05d}", str(1000 + n), f"Lastname{n}", f"First{n}", "Y", "Police Officer", unit, "2015-03-02"]
        for n in range(start, start + count)
    ]


def upload(
    agency: Agency,
    actor: Any,
    data: bytes,
    *,
    name: str = "roster.csv",
    kind: str = "roster",
    mapping: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
) -> ImportBatch:
    with scope(agency=agency):
        batch = services.create_batch(actor=actor, agency=agency, kind=kind, name=name, chunks=[data])
        if mapping is not None or options is not None:
            merged = {**batch.mapping, **(mapping or {})}
            services.save_mapping(actor=actor, batch=batch, mapping=merged, options=options or {})
        return services.run_preview(batch)


def apply(batch: ImportBatch, actor: Any, *, skip_errors: bool = False, separate_missing: bool = False) -> ImportBatch:
    with scope(agency=batch.agency):
        services.request_apply(actor=actor, batch=batch, skip_errors=skip_errors, separate_missing=separate_missing)
        batch.refresh_from_db()
        return services.apply_batch(batch)


def roster_snapshot(agency: Agency) -> list[dict[str, Any]]:
    with scope(agency=agency):
        return list(
            Person.objects.filter(agency=agency)
            .order_by("pk")
            .values(*[f.attname for f in Person._meta.concrete_fields if f.name not in ("updated_at", "version")])
        )
