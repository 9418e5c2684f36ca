"""What can be exported in the background: each list registers a kind with its columns and rows.

An exporter takes the job's saved ``params`` (the filters the user had on screen) and returns the number of rows
and an iterator over them; ``allowed`` re-checks, when the job starts, that the user may still read the list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Exporter:
    kind: str
    title: str
    headers: Sequence[str]
    rows: Callable[[dict[str, Any]], tuple[int, Iterable[Sequence[Any]]]]
    allowed: Callable[[Any], bool]
    file_stem: str


_EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    _EXPORTERS[exporter.kind] = exporter
    return exporter


def exporter_for(kind: str) -> Exporter:
    """The exporter of ``kind``; KeyError when nothing registered it (the app that owns it is not loaded)."""
    return _EXPORTERS[kind]
