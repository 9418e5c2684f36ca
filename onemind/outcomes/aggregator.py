"""A call-level crisis-contact export reduced to monthly figures, without keeping a single call.

Pure standard library (the caller reads the file into a header row and rows of stripped strings). The rule, which
the page shows beside the mapping:

1. A contact is one distinct contact id (``template_id`` in Seattle's export): the export repeats a contact on one
   row per officer or disposition, and those rows are one contact.
2. A contact's month is that of its earliest occurred date; when no row has one, its earliest reported date.
   Placeholder dates (1900-01-01, anything before 1990 or in the future) are not dates. A contact with no usable
   date is left out and counted in a note.
3. A contact is a mental-health call unless one of its call types is mapped to "exclude" ('-' and blank are no
   value). Only mental-health calls are counted below.
4. Each indicator figure (CIT officer requested, dispatched, arrived; use of force) counts the contacts with "Y"
   on at least one of their rows.
5. Each disposition figure counts the contacts with at least one row whose disposition maps to it; a contact
   with two dispositions counts once under each. '-' and blank are no disposition.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from onemind.outcomes.fields import BY_NAME

ID_COLUMNS = ("template_id", "contact_id", "incident_id", "call_id")
OCCURRED_COLUMNS = ("occured_date_time", "occurred_date_time", "occurred_date", "occurred_on")
REPORTED_COLUMNS = ("reported_date", "reported_on")
CALL_TYPE_COLUMNS = ("call_type",)
DISPOSITION_COLUMNS = ("disposition",)
# Indicator column -> the figure it counts by default.
INDICATORS = {
    "cit_officer_requested": "cit_requested",
    "cit_officer_dispatched": "cit_dispatched",
    "cit_officer_arrived": "cit_arrived",
    "use_of_force_indicator": "force_any",
}
NULLS = frozenset({"", "-", "--", "n/a", "na", "null", "none"})
YES = frozenset({"y", "yes", "true", "1", "t"})
EARLIEST = dt.date(1990, 1, 1)
INCLUDE, EXCLUDE, IGNORE = "include", "exclude", "ignore"
DISPOSITION_TARGETS = (
    "resolved_on_scene",
    "referred",
    "transported_voluntary",
    "involuntary_evaluation",
    "arrest",
    "disposition_other",
    "crisis_line_transfers",
    "co_responder",
)
INDICATOR_TARGETS = ("cit_requested", "cit_dispatched", "cit_arrived", "force_any", "force_fbi", "swat_callouts")


class ExportProblem(ValueError):
    """The file is not a crisis-contact export this aggregator understands; the message says why."""


@dataclass(frozen=True)
class Columns:
    contact_id: int
    occurred: int | None
    reported: int | None
    call_type: int | None
    disposition: int | None
    indicators: dict[str, int]


def find_columns(headers: Sequence[str]) -> Columns:
    index = {h.strip().casefold(): i for i, h in enumerate(headers) if h.strip()}

    def first(names: Sequence[str]) -> int | None:
        return next((index[n] for n in names if n in index), None)

    contact = first(ID_COLUMNS)
    if contact is None:
        raise ExportProblem(f"No contact id column: the export needs one of {', '.join(ID_COLUMNS)}.")
    occurred, reported = first(OCCURRED_COLUMNS), first(REPORTED_COLUMNS)
    if occurred is None and reported is None:
        raise ExportProblem(
            f"No date column: the export needs one of {', '.join(OCCURRED_COLUMNS + REPORTED_COLUMNS)}."
        )
    indicators = {name: index[name] for name in INDICATORS if name in index}
    return Columns(contact, occurred, reported, first(CALL_TYPE_COLUMNS), first(DISPOSITION_COLUMNS), indicators)


def parse_date(raw: str, today: dt.date) -> dt.date | None:
    """The date at the start of ``raw`` (ISO or M/D/YYYY, with or without a time), or None for blanks and
    placeholders."""
    parts = raw.strip().split()
    text = parts[0].split("T")[0] if parts else ""
    if text.casefold() in NULLS:
        return None
    try:
        if "/" in text:
            month, day_of_month, year = (int(p) for p in text.split("/"))
            day = dt.date(year, month, day_of_month)
        else:
            day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if EARLIEST <= day <= today else None


def _value(raw: str) -> str | None:
    text = " ".join(raw.split())
    return None if text.casefold() in NULLS else text


@dataclass
class Contact:
    occurred: dt.date | None = None
    reported: dt.date | None = None
    call_types: set[str] = field(default_factory=set)
    dispositions: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)

    @property
    def month(self) -> dt.date | None:
        day = self.occurred or self.reported
        return None if day is None else day.replace(day=1)


def contacts(rows: Sequence[Sequence[str]], columns: Columns, today: dt.date) -> dict[str, Contact]:
    """Rows folded into one Contact per id: held in memory only while the figures are computed."""
    found: dict[str, Contact] = defaultdict(Contact)
    for row in rows:
        key = row[columns.contact_id].strip()
        if not key:
            continue
        contact = found[key]
        for attr, col in (("occurred", columns.occurred), ("reported", columns.reported)):
            if col is None:
                continue
            day = parse_date(row[col], today)
            current = getattr(contact, attr)
            if day is not None and (current is None or day < current):
                setattr(contact, attr, day)
        if columns.call_type is not None and (value := _value(row[columns.call_type])):
            contact.call_types.add(value)
        if columns.disposition is not None and (value := _value(row[columns.disposition])):
            contact.dispositions.add(value)
        for name, col in columns.indicators.items():
            if row[col].strip().casefold() in YES:
                contact.flags.add(name)
    return found


def values_found(found: Mapping[str, Contact]) -> dict[str, dict[str, int]]:
    """Each mapped column's distinct values with the number of contacts carrying them (for the mapping page)."""
    call_types: Counter[str] = Counter()
    dispositions: Counter[str] = Counter()
    indicators: Counter[str] = Counter()
    for contact in found.values():
        call_types.update(contact.call_types)
        dispositions.update(contact.dispositions)
        indicators.update(contact.flags)
    return {
        "call_type": dict(sorted(call_types.items())),
        "disposition": dict(sorted(dispositions.items())),
        "indicator": dict(sorted(indicators.items())),
    }


SUGGESTIONS = (
    (("arrest", "booked", "jail"), "arrest"),
    (("detention", "ita", "involuntary", "emergent", "5150", "baker act"), "involuntary_evaluation"),
    (("voluntary", "committal"), "transported_voluntary"),
    (("mobile crisis", "co-respon", "coresponder"), "co_responder"),
    (("crisis clinic", "crisis line", "988", "hotline"), "crisis_line_transfers"),
    (("referral", "referred", "notified", "case manager", "assessment", "shelter", "treatment"), "referred"),
    (("no action", "declined", "resolved", "counsel", "advised"), "resolved_on_scene"),
)


def suggest_disposition(value: str) -> str:
    """A first guess at a disposition's figure, for the coordinator to confirm (short words match whole words)."""
    text = value.casefold()
    words = set(re.split(r"[^a-z0-9]+", text))
    for needles, target in SUGGESTIONS:
        if any((needle in words) if len(needle) <= 4 else (needle in text) for needle in needles):
            return target
    return "disposition_other"


def default_mapping(
    found_values: Mapping[str, Mapping[str, int]], remembered: Mapping[str, Any] | None = None
) -> dict[str, dict[str, str]]:
    """The mapping to show: what the agency confirmed before, else a suggestion, for every value in this file."""
    remembered = remembered or {}
    old_calls = remembered.get("call_type", {})
    old_dispositions = remembered.get("disposition", {})
    old_indicators = remembered.get("indicator", {})
    return {
        "call_type": {v: old_calls.get(v, INCLUDE) for v in found_values.get("call_type", {})},
        "disposition": {
            v: old_dispositions.get(v, suggest_disposition(v)) for v in found_values.get("disposition", {})
        },
        "indicator": {name: old_indicators.get(name, default) for name, default in INDICATORS.items()},
    }


def is_known(found_values: Mapping[str, Mapping[str, int]], remembered: Mapping[str, Any] | None) -> bool:
    """Whether every value of this file already has a confirmed place in the remembered mapping."""
    if not remembered:
        return False
    for column in ("call_type", "disposition"):
        if any(v not in remembered.get(column, {}) for v in found_values.get(column, {})):
            return False
    return True


@dataclass
class Aggregate:
    figures: dict[str, dict[str, int]]
    undated: int
    excluded: int
    contacts: int
    rows: int


def aggregate(found: Mapping[str, Contact], mapping: Mapping[str, Any], rows: int) -> Aggregate:
    """Monthly figures from the contacts under ``mapping`` (rule in the module docstring)."""
    call_map = mapping.get("call_type", {})
    disposition_map = mapping.get("disposition", {})
    indicator_map = mapping.get("indicator", {})
    months: dict[str, Counter[str]] = defaultdict(Counter)
    undated = excluded = 0
    for contact in found.values():
        month = contact.month
        if month is None:
            undated += 1
            continue
        if any(call_map.get(v, INCLUDE) == EXCLUDE for v in contact.call_types):
            excluded += 1
            continue
        tally = months[month.strftime("%Y-%m")]
        tally["mh_calls"] += 1
        hit = {indicator_map.get(flag, IGNORE) for flag in contact.flags}
        hit |= {disposition_map.get(v, IGNORE) for v in contact.dispositions}
        for target in hit - {IGNORE}:
            if target in BY_NAME:
                tally[target] += 1
    figures = {}
    counted = {"mh_calls", *INDICATOR_TARGETS, *DISPOSITION_TARGETS}
    used = {t for t in (*indicator_map.values(), *disposition_map.values()) if t in BY_NAME} | {"mh_calls"}
    for key in sorted(months):
        tally = months[key]
        figures[key] = {name: tally.get(name, 0) for name in sorted(counted & used)}
    return Aggregate(figures, undated, excluded, len(found), rows)
