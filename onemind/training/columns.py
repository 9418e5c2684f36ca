"""The training-record file format: the export writes these headers and the importer accepts them by default."""

from __future__ import annotations

TRAINING_COLUMNS: tuple[str, ...] = (
    "employee_number",
    "badge_number",
    "last_name",
    "first_name",
    "course_code",
    "completed_on",
    "hours",
    "provider",
    "instructor",
    "format",
    "certificate_number",
)
