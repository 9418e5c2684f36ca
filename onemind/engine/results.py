"""The engine's outputs: frozen results a dashboard, report or API can render as they are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from onemind.engine.records import PersonId
from onemind.engine.schedule import Projection

PARTNERSHIP, POLICY, MHFA, CIT = 1, 2, 3, 4


class State(StrEnum):
    MET = "met"
    UNMET = "unmet"
    NOT_APPLICABLE = "not_applicable"


class Status(StrEnum):
    NOT_PLEDGED = "not_pledged"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    COMPLETED = "completed"
    MAINTENANCE_NEEDED = "maintenance_needed"


@dataclass(frozen=True, slots=True)
class MissingItem:
    """Something standing between the agency and the target.

    ``ref`` is a string because it names either a person (``str`` of their id) or an item: a partner's name,
    a policy element slug, ``document``, ``effective_on``, ``partnership`` or ``policy``.
    """

    ref: str
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Expiring:
    person_id: PersonId
    name: str
    expires_on: date


@dataclass(frozen=True, slots=True)
class Due:
    """A new hire inside the grace period: not counted yet, but due trained by ``due_on``."""

    person_id: PersonId
    name: str
    due_on: date


@dataclass(frozen=True, slots=True)
class Figure:
    """One population's numbers for a training strategy."""

    population: str
    numerator: int
    denominator: int
    target: int
    ever_trained: int
    state: State

    @property
    def shortfall(self) -> int:
        return max(self.target - self.numerator, 0)


@dataclass(frozen=True, slots=True)
class StrategyResult:
    """One strategy on one date.

    Numbers: S1 agreements that qualify / agreements in effect, target 1; S2 required elements covered by the
    policy in force / required, target all; S3 and S4 the sworn figure, with ``designated`` beside it.
    """

    number: int
    state: State
    numerator: int
    denominator: int
    target: int
    explanation: str
    missing: tuple[MissingItem, ...] = ()
    sworn: Figure | None = None
    designated: Figure | None = None
    expiring: tuple[Expiring, ...] = ()
    due: tuple[Due, ...] = ()
    projection: Projection | None = None

    @property
    def ever_trained(self) -> int | None:
        return None if self.sworn is None else self.sworn.ever_trained


@dataclass(frozen=True, slots=True)
class AgencyResult:
    on: date
    edition: str
    status: Status
    status_reason: str
    strategies: tuple[StrategyResult, StrategyResult, StrategyResult, StrategyResult]
    deadline: date | None
    days_left: int | None

    def strategy(self, number: int) -> StrategyResult:
        return self.strategies[number - 1]


@dataclass(frozen=True, slots=True)
class GroupCoverage:
    group: str
    numerator: int
    denominator: int


class Numbers(NamedTuple):
    """A training strategy's sworn figure on one date: what a history chart plots."""

    numerator: int
    denominator: int
    target: int
    state: State


class Standing(NamedTuple):
    """An agency's status and the four strategies' states on one date, without explanations or names.

    What ``sweep.standings_on_dates`` returns for campaign-wide history: equal to ``standing_of`` of the full
    result on that date, at a fraction of the cost of building one.
    """

    on: date
    status: Status
    partnership: State
    policy: State
    mhfa: Numbers
    cit: Numbers


def standing_of(result: AgencyResult) -> Standing:
    def numbers(number: int) -> Numbers:
        s = result.strategy(number)
        return Numbers(s.numerator, s.denominator, s.target, s.state)

    return Standing(
        result.on,
        result.status,
        result.strategy(PARTNERSHIP).state,
        result.strategy(POLICY).state,
        numbers(MHFA),
        numbers(CIT),
    )
