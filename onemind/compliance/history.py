"""The dashboard's history: each figure at every month-end since the pledge, from records loaded once.

Computed live on every request by the engine's sweep (``onemind.engine.sweep``): one pass over the agency's
records gives every month-end, so nothing is stored and nothing can be stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from onemind.compliance.loader import AgencyData
from onemind.engine import (
    CIT,
    MHFA,
    PARTNERSHIP,
    POLICY,
    AgencyResult,
    State,
    Status,
)


@dataclass(frozen=True, slots=True)
class Numbers:
    numerator: int
    denominator: int
    target: int
    state: State

    @property
    def percent(self) -> int | None:
        """Coverage in percent of the population (not of the target), None when nobody is in scope."""
        return None if self.denominator == 0 else round(100 * self.numerator / self.denominator)


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    on: dt.date
    status: Status
    partnership: State
    policy: State
    mhfa: Numbers
    cit: Numbers

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "s1": self.partnership.value,
            "s2": self.policy.value,
            "s3": [self.mhfa.numerator, self.mhfa.denominator, self.mhfa.target, self.mhfa.state.value],
            "s4": [self.cit.numerator, self.cit.denominator, self.cit.target, self.cit.state.value],
        }

    @classmethod
    def from_json(cls, on: dt.date, data: dict[str, Any]) -> HistoryPoint:
        def numbers(raw: list[Any]) -> Numbers:
            return Numbers(int(raw[0]), int(raw[1]), int(raw[2]), State(raw[3]))

        return cls(
            on, Status(data["status"]), State(data["s1"]), State(data["s2"]), numbers(data["s3"]), numbers(data["s4"])
        )


def point_from(result: AgencyResult) -> HistoryPoint:
    def numbers(number: int) -> Numbers:
        s = result.strategy(number)
        return Numbers(s.numerator, s.denominator, s.target, s.state)

    return HistoryPoint(
        on=result.on,
        status=result.status,
        partnership=result.strategy(PARTNERSHIP).state,
        policy=result.strategy(POLICY).state,
        mhfa=numbers(MHFA),
        cit=numbers(CIT),
    )


def compute_history(data: AgencyData, dates: Sequence[dt.date]) -> list[HistoryPoint]:
    """Figures on each date, from the records already loaded: one sweep, no query, no cache."""
    return [
        HistoryPoint(s.on, s.status, s.partnership, s.policy, Numbers(*s.mhfa), Numbers(*s.cit))
        for s in data.standings(dates)
    ]


def cached_history(
    data: AgencyData, dates: Sequence[dt.date], current: HistoryPoint | None = None
) -> list[HistoryPoint]:
    """Kept for older callers: the history is no longer cached, ``current`` is computed again like the rest."""
    return compute_history(data, dates)
