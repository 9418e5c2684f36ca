"""Who a row of a roster, update or training file is: the strongest key the file has finds the person.

1. employee number;
2. else badge (star) number, the current one or any earlier one of a badge history, among people of the row's
   sworn status (a sworn star and a civilian star are different people), and only when the surname agrees
   (stars are reissued);
3. else last name + first name + hire (appointment) date;
4. (training files, when the coordinator asks) last + first name alone.

Where a key fits several people the row is not matched and the message names each of them. Pure: it reads the
people once (plain dicts) and answers from dictionaries, so a 36,000-row file costs no query per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from onemind.imports.validation import name_key
from onemind.roster.models import PersonStatus

EMPLOYEE = "employee number"
BADGE = "badge number"
EARLIER_BADGE = "earlier badge number"
NAME_HIRE = "name and hire date"
NAME = "name"
ANONYMOUS = "row position (unnamed)"

PersonRow = dict[str, Any]


def person_label(person: Mapping[str, Any]) -> str:
    name = ", ".join(p for p in (person["last_name"], person["first_name"]) if p)
    ids = [f"#{person[k]}" for k in ("employee_number", "badge_number") if person.get(k)]
    return " ".join([name, *ids])[:300]


def _described(people: Iterable[PersonRow]) -> str:
    shown = []
    for p in list(people)[:5]:
        hired = f", hired {p['hire_date']:%Y-%m-%d}" if p.get("hire_date") else ""
        sworn = "sworn" if p.get("sworn") else "non-sworn"
        shown.append(f"{person_label(p)} ({sworn}{hired})")
    return "; ".join(shown)


class Found:
    """The outcome of a look-up: the person (or None), the key that found them, and why not when refused."""

    __slots__ = ("how", "person", "problem", "reissued")

    def __init__(
        self,
        person: PersonRow | None = None,
        how: str = "",
        problem: tuple[str, str] | None = None,
        reissued: bool = False,
    ):
        self.person, self.how, self.problem, self.reissued = person, how, problem, reissued


class Matcher:
    def __init__(self, people: Iterable[PersonRow], *, names_alone: bool = False) -> None:
        self.names_alone = names_alone
        self.by_employee: dict[str, PersonRow] = {}
        self.by_badge: dict[str, list[PersonRow]] = defaultdict(list)
        self.by_name_hire: dict[tuple[str, str, dt.date | None], list[PersonRow]] = defaultdict(list)
        self.by_name: dict[tuple[str, str], list[PersonRow]] = defaultdict(list)
        for p in people:
            p["_last"], p["_first"] = name_key(p["last_name"]), name_key(p["first_name"])
            if p["employee_number"]:
                self.by_employee[p["employee_number"]] = p
            if p["badge_number"]:
                self.by_badge[p["badge_number"]].append(p)
            self.by_name_hire[(p["_last"], p["_first"], p.get("hire_date"))].append(p)
            self.by_name[(p["_last"], p["_first"])].append(p)

    def find(self, values: Mapping[str, Any], *, anonymous: bool = False) -> Found:
        employee = values.get("employee_number") or ""
        if employee and employee in self.by_employee:
            return Found(self.by_employee[employee], EMPLOYEE)
        last, first = name_key(values.get("last_name") or ""), name_key(values.get("first_name") or "")
        hire = values.get("hire_date")

        def eligible(p: PersonRow) -> bool:
            # A row with an employee number never takes over a person who has a different one.
            return not employee or not p["employee_number"]

        reissued: list[PersonRow] = []
        badges = badge_list(values)
        if badges:
            found = self._by_badge(values, badges, last, first, hire, eligible)
            if found.person is not None or found.problem is not None:
                return found
            sworn = values.get("sworn")
            reissued = [
                p
                for b in badges
                for p in self.by_badge.get(b, ())
                if eligible(p) and (sworn is None or p["sworn"] == sworn)
            ]
        if last and (first or anonymous) and (hire or anonymous):
            same = [p for p in self.by_name_hire.get((last, first, hire), ()) if eligible(p)]
            if len(same) == 1:
                return Found(same[0], ANONYMOUS if anonymous else NAME_HIRE)
            if len(same) > 1:
                return Found(
                    problem=("last_name", f"The name and hire date fit {len(same)} people: {_described(same)}.")
                )
        if self.names_alone and last:
            same = [p for p in self.by_name.get((last, first), ()) if eligible(p)]
            if len(same) == 1:
                return Found(same[0], NAME)
            if len(same) > 1:
                return Found(problem=("last_name", f"The name fits {len(same)} people: {_described(same)}."))
        active = [p for p in reissued if p["status"] != PersonStatus.SEPARATED]
        if active:
            return Found(
                problem=(
                    "badge_number",
                    f"Badge number {badges[0]} belongs to {_described(active)} in the roster, but this row names "
                    f"{values.get('last_name') or '(no name)'}; badge numbers are reissued, so the row is not matched.",
                ),
                reissued=True,
            )
        return Found()

    def _by_badge(
        self,
        values: Mapping[str, Any],
        badges: list[str],
        last: str,
        first: str,
        hire: dt.date | None,
        eligible: Any,
    ) -> Found:
        sworn = values.get("sworn")
        candidates: dict[int, PersonRow] = {}
        for badge in badges:
            for p in self.by_badge.get(badge, ()):
                if eligible(p) and (sworn is None or p["sworn"] == sworn):
                    candidates[p["id"]] = p
        same = list(candidates.values())
        if last:
            same = [p for p in same if p["_last"] == last]
        for narrower in (
            (lambda p: p["_first"] == first) if first else None,
            (lambda p: p.get("hire_date") == hire) if hire else None,
        ):
            if len(same) > 1 and narrower is not None:
                same = [p for p in same if narrower(p)] or same
        if len(same) == 1:
            person = same[0]
            how = BADGE if person["badge_number"] == values.get("badge_number") else EARLIER_BADGE
            return Found(person, how)
        if len(same) > 1:
            return Found(
                problem=(
                    "badge_number",
                    f"Badge number {', '.join(badges)} fits {len(same)} people: {_described(same)}. "
                    "Add employee numbers (or hire dates) to tell them apart.",
                )
            )
        return Found()


def badge_list(values: Mapping[str, Any]) -> list[str]:
    """The row's current badge first, then its earlier ones, without repeats."""
    out: list[str] = []
    for badge in (values.get("badge_number"), *values.get("badge_history", ())):
        if badge and badge not in out:
            out.append(badge)
    return out


def new_person_key(values: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The key two rows of one file share when they describe the same new person; None when there is none."""
    if values.get("employee_number"):
        return ("employee", values["employee_number"])
    last, first = name_key(values.get("last_name") or ""), name_key(values.get("first_name") or "")
    badges = badge_list(values)
    if badges:
        return ("badge", values.get("sworn"), badges[0], last, first)
    if last:
        return ("name", last, first, values.get("hire_date"))
    return None
