"""Training-record export in the import's format (onemind.training.columns.TRAINING_COLUMNS)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from onemind.training.columns import TRAINING_COLUMNS
from onemind.training.models import TrainingRecord

_SOURCES = {
    "employee_number": "person__employee_number",
    "badge_number": "person__badge_number",
    "last_name": "person__last_name",
    "first_name": "person__first_name",
    "course_code": "course_type__code",
    "completed_on": "completed_on",
    "hours": "hours",
    "provider": "provider",
    "instructor": "instructor",
    "format": "format",
    "certificate_number": "certificate_number",
}


def training_rows(records: QuerySet[TrainingRecord]) -> Iterator[list[Any]]:
    lookups = [_SOURCES[c] for c in TRAINING_COLUMNS]
    for row in records.values_list(*lookups).iterator(chunk_size=2000):
        yield list(row)
