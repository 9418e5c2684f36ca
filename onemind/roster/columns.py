"""The roster file format: the export writes these headers and the importer accepts them by default (round trip)."""

from __future__ import annotations

ROSTER_COLUMNS: tuple[str, ...] = (
    "employee_number",
    "badge_number",
    "last_name",
    "first_name",
    "sworn",
    "rank",
    "unit",
    "shift",
    "district",
    "hire_date",
    "separation_date",
    "separation_reason",
    "status",
    "email",
)
