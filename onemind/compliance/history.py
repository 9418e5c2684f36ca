"""The dashboard's history: each figure at every month-end since the pledge, from records loaded once.

Judging a 36,000-person agency at a hundred month-ends takes seconds, so each point is cached in
``ComplianceSnapshot`` under the fingerprint of the records it was computed from (loader.Fold): any roster,
training or rule change gives a new fingerprint, and stale points are recomputed and replaced. Two queries read
and (when something was missing) one more writes, whatever the agency's size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from onemind.compliance.engine import (
    CIT,
    MHFA,
    PARTNERSHIP,
    POLICY,
    AgencyResult,
    PersonId,
    State,
    Status,
    evaluate,
)
from onemind.compliance.loader import AgencyData
from onemind.compliance.models import ComplianceSnapshot


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
    """Figures on each date, judged in memory on the records already loaded (no query per month).

    The dates are walked in order and each person's training history grows with them, so trainings are sorted
    once rather than regrouped for every month (what ``evaluate`` would otherwise do from ``records.trainings``).
    """
    ordered = sorted((t.completed_on, t.course_code, t.person_id) for t in data.records.trainings)
    histories: dict[PersonId, list[tuple[dt.date, str]]] = {}
    points: dict[dt.date, HistoryPoint] = {}
    taken = 0
    for day in sorted(set(dates)):
        while taken < len(ordered) and ordered[taken][0] <= day:
            completed_on, code, person_id = ordered[taken]
            histories.setdefault(person_id, []).append((completed_on, code))
            taken += 1
        result = evaluate(data.records_on(day), day, data.edition, detail=False, histories=histories)
        points[day] = point_from(result)
    return [points[day] for day in dates]


def cached_history(
    data: AgencyData, dates: Sequence[dt.date], current: HistoryPoint | None = None
) -> list[HistoryPoint]:
    """``compute_history`` through the snapshot cache; ``current`` (already judged) fills its own date."""
    agency, stamp = data.agency, data.fingerprint
    known = {
        on: HistoryPoint.from_json(on, figures)
        for on, figures in ComplianceSnapshot.objects.filter(agency=agency, stamp=stamp, on__in=dates).values_list(
            "on", "figures"
        )
    }
    if current is not None:
        known.setdefault(current.on, current)
    missing = [day for day in dates if day not in known]
    if missing:
        for point in compute_history(data, missing):
            known[point.on] = point
        _store(data, [known[day] for day in dates])
    return [known[day] for day in dates]


def _store(data: AgencyData, points: Sequence[HistoryPoint]) -> None:
    """Replace this agency's snapshots with the fresh ones (two queries; a lost race only costs a recompute)."""
    ComplianceSnapshot.objects.filter(agency=data.agency).exclude(stamp=data.fingerprint).delete()
    rows = [
        ComplianceSnapshot(agency=data.agency, on=p.on, stamp=data.fingerprint, figures=p.as_json()) for p in points
    ]
    ComplianceSnapshot.objects.bulk_create(
        rows, batch_size=500, update_conflicts=True, unique_fields=["agency", "on"], update_fields=["stamp", "figures"]
    )
