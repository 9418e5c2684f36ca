"""Roster export in the import's format (onemind.roster.columns.ROSTER_COLUMNS)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from onemind.roster.columns import ROSTER_COLUMNS
from onemind.roster.models import Person


def roster_rows(people: QuerySet[Person]) -> Iterator[list[Any]]:
    """One row per person, in ROSTER_COLUMNS order; sworn as yes/no, dates ISO. Iterates in chunks."""
    fields = [c for c in ROSTER_COLUMNS if c != "sworn"]
    for values in people.values(*fields, "sworn").iterator(chunk_size=2000):
        yield [("yes" if values["sworn"] else "no") if c == "sworn" else values[c] for c in ROSTER_COLUMNS]
