"""The dry run: what importing a table would do to an agency's roster or training records, row by row.

A plan is computed twice — for the preview, and again at apply time — and both must have the same digest, so what
the coordinator confirmed is exactly what is written. Planning reads the agency's people once (no query per row).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from onemind.imports import validation as v
from onemind.imports.mapping import FIELD_LABELS
from onemind.imports.reading import Table
from onemind.roster.columns import ROSTER_COLUMNS
from onemind.roster.models import DesignatedPosition, Person, PersonStatus
from onemind.tenancy.models import Agency
from onemind.training.models import CourseType, TrainingRecord

# The roster file's columns are the export's (round trip): one list, kept in roster/columns.py.
ROSTER_FIELDS = ROSTER_COLUMNS
TRAINING_FIELDS = ("hours", "provider", "instructor", "format", "certificate_number")
PROGRESS_EVERY = 1000

Progress = Callable[[int], None]


@dataclass
class Item:
    row_number: int | None
    action: str  # create | update | unchanged | separation | error
    label: str = ""
    person_id: int | None = None
    record_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, list[Any]] = field(default_factory=dict)
    errors: list[list[str]] = field(default_factory=list)


@dataclass
class Plan:
    items: list[Item]
    notes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("create", "update", "unchanged", "separation", "error"), 0)
        for item in self.items:
            counts[item.action] += 1
        return counts

    @property
    def digest(self) -> str:
        payload = [
            (i.row_number, i.action, i.person_id, i.record_id, i.changes, i.errors)
            for i in self.items
            if i.action != "unchanged"
        ]
        return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    errors: list[list[str]]
    raw: dict[str, tuple[str, str]]  # field -> (header, cell)

    def error(self, fieldname: str, reason: str) -> None:
        header, cell = self.raw.get(fieldname, ("", ""))
        self.errors.append([header or FIELD_LABELS.get(fieldname, fieldname), cell, reason])

    @property
    def label(self) -> str:
        name = ", ".join(p for p in (self.values.get("last_name", ""), self.values.get("first_name", "")) if p)
        ids = [f"#{self.values[k]}" for k in ("employee_number", "badge_number") if self.values.get(k)]
        return " ".join([name or "(no name)", *ids])[:300]


def _columns(table: Table, mapping: Mapping[str, str]) -> dict[str, tuple[int, str]]:
    index = {h: i for i, h in enumerate(table.headers)}
    return {f: (index[h], h) for h, f in mapping.items() if f and h in index}


def _parse_cells(
    number: int, cells: list[str], columns: dict[str, tuple[int, str]], table: Table, *, today: dt.date, model: Any
) -> Row:
    raw = {f: (h, cells[i]) for f, (i, h) in columns.items()}
    row = Row(number, {}, [], raw)
    if number in table.wide_rows:
        row.errors.append(["(extra cells)", "", "The row has more cells than the header has columns."])
    filled = [c for c in cells if c]
    if len(filled) == 1 and len(table.headers) >= 3:
        only = next(i for i, c in enumerate(cells) if c)
        row.errors.append(
            [table.headers[only], cells[only], "Only this cell is filled: it looks like a note or footer, not a row."]
        )
        return row
    for fname, (_header, cell) in raw.items():
        if not cell:
            continue
        value: Any
        reason = ""
        label = FIELD_LABELS[fname].split(" (")[0]
        if fname in ("employee_number", "badge_number"):
            value, reason = v.identifier(cell, Person, fname)
        elif fname == "full_name":
            parts, reason = v.split_full_name(cell)
            if reason:
                row.error(fname, f"Full name “{cell}” {reason}")
            if parts:
                row.values["last_name"], row.values["first_name"] = parts
                for part, name in zip(parts, ("last_name", "first_name"), strict=True):
                    _, too_long = v.text(part, Person, name)
                    if too_long:
                        row.error("full_name", f"{FIELD_LABELS[name]} {too_long}")
            continue
        elif fname == "sworn":
            value, reason = v.boolean(cell)
        elif fname in ("hire_date", "separation_date", "completed_on"):
            value, reason = v.date(cell, allow_future=fname == "separation_date", today=today)
        elif fname == "status":
            value, reason = v.status(cell)
        elif fname == "email":
            value, reason = v.email(cell)
        elif fname == "hours":
            value, reason = v.hours(cell)
        elif fname == "format":
            value, reason = v.training_format(cell)
        elif fname == "course_code":
            value, reason = cell.strip().upper(), ""
        elif fname in ("last_name", "first_name"):
            value, reason = v.text(cell, Person, fname)
        else:
            value, reason = v.text(cell, model, fname)
        if reason:
            row.error(fname, f"{label} {reason}")
        else:
            row.values[fname] = value
    return row


def _parse_all(
    table: Table, mapping: Mapping[str, str], *, today: dt.date, model: Any, progress: Progress | None
) -> list[Row]:
    columns = _columns(table, mapping)
    rows = []
    for done, (number, cells) in enumerate(zip(table.row_numbers, table.rows, strict=True), start=1):
        rows.append(_parse_cells(number, cells, columns, table, today=today, model=model))
        if progress and done % PROGRESS_EVERY == 0:
            progress(done)
    return rows


def _blank_items(table: Table) -> list[Item]:
    return [
        Item(n, "error", "(empty row)", errors=[["(whole row)", "", "The row is empty; it is skipped."]])
        for n in table.blank_rows
    ]


def _flag_duplicates(rows: list[Row]) -> None:
    first_by_employee: dict[str, int] = {}
    badge_rows: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        employee = row.values.get("employee_number")
        if employee:
            if employee in first_by_employee:
                row.error(
                    "employee_number",
                    f"Employee number {employee} already appears on row {first_by_employee[employee]}.",
                )
            else:
                first_by_employee[employee] = row.number
        elif row.values.get("badge_number"):
            badge_rows[row.values["badge_number"]].append(row)
    for badge, group in badge_rows.items():
        if len(group) > 1:
            numbers = [str(r.number) for r in group]
            shown = ", ".join(numbers[:10]) + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")
            for row in group:
                row.error(
                    "badge_number",
                    f"Badge number {badge} appears on rows {shown}; cannot tell people apart "
                    "(add an employee-number column).",
                )


# ---- roster -------------------------------------------------------------------------------------------------


def _existing_people(agency: Agency) -> list[dict[str, Any]]:
    return list(Person.objects.filter(agency=agency).values("id", "version", *ROSTER_FIELDS))


def _person_label(person: Mapping[str, Any]) -> str:
    name = ", ".join(p for p in (person["last_name"], person["first_name"]) if p)
    ids = [f"#{person[k]}" for k in ("employee_number", "badge_number") if person[k]]
    return " ".join([name, *ids])[:300]


class _Matcher:
    def __init__(self, people: list[dict[str, Any]]) -> None:
        self.by_employee = {p["employee_number"]: p for p in people if p["employee_number"]}
        self.by_badge: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for p in people:
            if p["badge_number"]:
                self.by_badge[p["badge_number"]].append(p)
        self.claimed: dict[int, int] = {}

    def find(self, row: Row) -> dict[str, Any] | None:
        """The person this row names, or None (a new person); adds an error when it cannot tell."""
        employee = row.values.get("employee_number", "")
        badge = row.values.get("badge_number", "")
        person = self.by_employee.get(employee) if employee else None
        if person is None and badge:
            candidates = [p for p in self.by_badge.get(badge, []) if not employee or not p["employee_number"]]
            candidates = self._narrow_by_name(row, candidates)
            if len(candidates) > 1:
                row.error(
                    "badge_number",
                    f"Badge number {badge} belongs to {len(candidates)} people in the roster; add employee "
                    "numbers to tell them apart.",
                )
                return None
            if candidates:
                person = candidates[0]
                last = row.values.get("last_name")
                if last and v.name_key(last) != v.name_key(person["last_name"]):
                    row.error(
                        "badge_number",
                        f"Badge number {badge} belongs to {_person_label(person)} in the roster, but this row "
                        f"names {last}; badge numbers are reissued, so the row is not matched.",
                    )
                    return None
        if person is not None:
            earlier = self.claimed.get(person["id"])
            if earlier is not None and earlier != row.number:
                row.error(
                    "employee_number" if employee else "badge_number",
                    f"This row matches the same person as row {earlier}.",
                )
                return None
            self.claimed[person["id"]] = row.number
        return person

    @staticmethod
    def _narrow_by_name(row: Row, candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        last = row.values.get("last_name")
        if len(candidates) <= 1 or not last:
            return candidates
        same = [p for p in candidates if v.name_key(p["last_name"]) == v.name_key(last)]
        return same or candidates


def _sworn_value(row: Row, options: Mapping[str, Any]) -> None:
    if "sworn" in row.values:
        return
    rule = options.get("sworn_default", "")
    if rule == "ranks" and row.values.get("rank"):
        row.values["sworn"] = v.rank_is_sworn(row.values["rank"], list(options.get("sworn_ranks", [])))
    elif rule == "all":
        row.values["sworn"] = True


def _check_merged(row: Row, merged: Mapping[str, Any]) -> None:
    hire, separation = merged.get("hire_date"), merged.get("separation_date")
    if hire and separation and separation < hire:
        row.error(
            "separation_date",
            f"Separation date {separation:%Y-%m-%d} is before the hire date {hire:%Y-%m-%d}.",
        )
    if merged.get("status") == PersonStatus.SEPARATED and not separation:
        row.error("status", "A separated person needs a separation date.")
    if separation and merged.get("status") != PersonStatus.SEPARATED:
        row.error("status", "A person with a separation date must have the status “separated”.")


def _roster_item(row: Row, person: dict[str, Any] | None, options: Mapping[str, Any]) -> Item:
    values = dict(row.values)
    if person is None:
        if not values.get("last_name"):
            row.error("last_name", "A new person needs a last name.")
        if "sworn" not in values:
            row.error(
                "sworn",
                "Sworn status is missing: no value in a sworn column and no rule on the mapping page to derive it.",
            )
        values.setdefault("status", PersonStatus.SEPARATED if values.get("separation_date") else PersonStatus.ACTIVE)
        _check_merged(row, values)
        if row.errors:
            return Item(row.number, "error", row.label, errors=row.errors)
        changes = {k: [None, jsonable(val)] for k, val in values.items()}
        return Item(row.number, "create", row.label, values=values, changes=changes)
    if values.get("separation_date") and "status" not in values and person["status"] != PersonStatus.SEPARATED:
        values["status"] = PersonStatus.SEPARATED
    merged = {**person, **values}
    _check_merged(row, merged)
    if row.errors:
        return Item(row.number, "error", row.label, person_id=person["id"], errors=row.errors)
    changes = {k: [jsonable(person[k]), jsonable(val)] for k, val in values.items() if person[k] != val}
    if not changes:
        return Item(row.number, "unchanged", row.label, person_id=person["id"])
    action = "separation" if changes.get("status", [None, None])[1] == PersonStatus.SEPARATED else "update"
    new_values = {k: values[k] for k in changes}
    return Item(row.number, action, _person_label(person), person["id"], values=new_values, changes=changes)


def _missing_items(
    people: list[dict[str, Any]], present: set[int], options: Mapping[str, Any], today: dt.date
) -> list[Item]:
    on = dt.date.fromisoformat(options.get("separation_date") or today.isoformat())
    reason = str(options.get("separation_reason") or "Not on the imported roster")[:200]
    items = []
    for person in people:
        if person["id"] in present or person["status"] == PersonStatus.SEPARATED:
            continue
        label = _person_label(person)
        if person["hire_date"] and person["hire_date"] > on:
            errors = [["(missing from file)", "", f"Cannot separate on {on:%Y-%m-%d}: hired {person['hire_date']}."]]
            items.append(Item(None, "error", label, person["id"], errors=errors))
            continue
        values = {"status": PersonStatus.SEPARATED, "separation_date": on, "separation_reason": reason}
        changes = {k: [jsonable(person[k]), jsonable(val)] for k, val in values.items() if person[k] != val}
        items.append(Item(None, "separation", label, person["id"], values=values, changes=changes))
    return items


def plan_roster(
    agency: Agency,
    table: Table,
    mapping: Mapping[str, str],
    options: Mapping[str, Any],
    *,
    today: dt.date,
    progress: Progress | None = None,
) -> Plan:
    rows = _parse_all(table, mapping, today=today, model=Person, progress=progress)
    _flag_duplicates(rows)
    people = _existing_people(agency)
    matcher = _Matcher(people)
    items = _blank_items(table)
    present: set[int] = set()
    for row in rows:
        _sworn_value(row, options)
        if not row.values.get("employee_number") and not row.values.get("badge_number"):
            has_name = row.values.get("last_name") or row.values.get("first_name")
            if not any("Only this cell" in e[2] for e in row.errors):
                row.errors.append(
                    [
                        "(identifier)",
                        "",
                        "No employee number or badge number: this row cannot be matched to a person."
                        if has_name
                        else "No name and no employee or badge number (a redacted or incomplete row).",
                    ]
                )
            items.append(Item(row.number, "error", row.label, errors=row.errors))
            continue
        person = matcher.find(row)
        if person is not None:
            present.add(person["id"])
        items.append(_roster_item(row, person, options))
    if options.get("mark_missing"):
        items += _missing_items(people, present, options, today)
    items.sort(key=lambda i: (i.row_number is None, i.row_number or 0))
    return Plan(items, notes=list(table.notes))


# ---- training records ---------------------------------------------------------------------------------------


def _course_types() -> dict[str, CourseType]:
    return {c.code.upper(): c for c in CourseType.objects.all()}


class _PersonFinder:
    def __init__(self, agency: Agency, match_by_name: bool) -> None:
        people: list[dict[str, Any]] = [
            dict(p)
            for p in Person.objects.filter(agency=agency).values(
                "id", "employee_number", "badge_number", "last_name", "first_name"
            )
        ]
        self.by_employee = {p["employee_number"]: p for p in people if p["employee_number"]}
        self.by_badge: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.by_name: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for p in people:
            if p["badge_number"]:
                self.by_badge[p["badge_number"]].append(p)
            self.by_name[(v.name_key(p["last_name"]), v.name_key(p["first_name"]))].append(p)
        self.match_by_name = match_by_name

    def find(self, row: Row) -> dict[str, Any] | None:
        employee = row.values.get("employee_number")
        badge = row.values.get("badge_number")
        last = row.values.get("last_name", "")
        if employee:
            person = self.by_employee.get(employee)
            if person is not None:
                return person
            if not badge and not self.match_by_name:
                row.error("employee_number", f"No such person in this agency (employee number {employee}).")
                return None
        if badge:
            candidates = self.by_badge.get(badge, [])
            if last and len(candidates) > 0:
                same = [p for p in candidates if v.name_key(p["last_name"]) == v.name_key(last)]
                if not same:
                    names = "; ".join(_person_label({**p}) for p in candidates[:3])
                    row.error(
                        "badge_number",
                        f"Badge number {badge} belongs to {names} in this agency, not to {last}; not matched.",
                    )
                    return None
                candidates = same
            if len(candidates) == 1:
                return candidates[0]
            if len(candidates) > 1:
                row.error("badge_number", f"Badge number {badge} belongs to {len(candidates)} people; not matched.")
                return None
            if not self.match_by_name:
                row.error("badge_number", f"No such person in this agency (badge number {badge}).")
                return None
        if self.match_by_name and last:
            found = self.by_name.get((v.name_key(last), v.name_key(row.values.get("first_name", ""))), [])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                row.error("last_name", f"{len(found)} people in this agency have this name; add employee numbers.")
                return None
        which = ", ".join(
            f"{FIELD_LABELS[k].lower()} {row.values[k]}"
            for k in ("employee_number", "badge_number", "last_name")
            if row.values.get(k)
        )
        row.errors.append(["(person)", "", f"No such person in this agency ({which or 'no identifier in the row'})."])
        return None


def plan_training(
    agency: Agency,
    table: Table,
    mapping: Mapping[str, str],
    options: Mapping[str, Any],
    *,
    today: dt.date,
    progress: Progress | None = None,
) -> Plan:
    rows = _parse_all(table, mapping, today=today, model=TrainingRecord, progress=progress)
    courses = _course_types()
    fixed_code = str(options.get("course_code") or "").upper()
    default_on = options.get("default_completed_on")
    finder = _PersonFinder(agency, bool(options.get("match_by_name")))
    existing = {
        (r["person_id"], r["course_type_id"], r["completed_on"]): r
        for r in TrainingRecord.objects.filter(agency=agency).values(
            "id", "person_id", "course_type_id", "completed_on", *TRAINING_FIELDS
        )
    }
    seen: dict[tuple[int, int, dt.date], int] = {}
    items = _blank_items(table)
    notes = list(table.notes)
    if fixed_code:
        notes.append(f"Every row is recorded as course {fixed_code} (chosen on the upload form).")
    if default_on and "completed_on" not in mapping.values():
        notes.append(f"The file has no completion date: every record uses {default_on}, given on the form.")
    for row in rows:
        if any("Only this cell" in e[2] for e in row.errors):
            items.append(Item(row.number, "error", row.label, errors=row.errors))
            continue
        person = finder.find(row)
        code = row.values.get("course_code") or fixed_code
        course = courses.get(code) if code else None
        if course is None:
            row.error(
                "course_code", f"Course code {code or '(blank)'} is not known; use one of {', '.join(sorted(courses))}."
            )
        completed = row.values.get("completed_on") or (dt.date.fromisoformat(default_on) if default_on else None)
        if completed is None and not row.raw.get("completed_on", ("", ""))[1]:
            row.error("completed_on", "Completion date is missing (no value and no default date on the form).")
        if row.errors or person is None or course is None or completed is None:
            items.append(Item(row.number, "error", row.label, errors=row.errors))
            continue
        label = f"{_person_label({**person})} · {course.code} {completed:%Y-%m-%d}"
        key = (person["id"], course.pk, completed)
        if key in seen:
            row.error("completed_on", f"Same person, course and completion date as row {seen[key]}.")
            items.append(Item(row.number, "error", label, person["id"], errors=row.errors))
            continue
        seen[key] = row.number
        values = {k: row.values[k] for k in TRAINING_FIELDS if k in row.values}
        record = existing.get(key)
        if record is None:
            values.setdefault("hours", course.default_hours)
            values.update(course_type_id=course.pk, completed_on=completed)
            changes = {k: [None, jsonable(val)] for k, val in values.items()}
            items.append(Item(row.number, "create", label, person["id"], values=values, changes=changes))
            continue
        changes = {k: [jsonable(record[k]), jsonable(val)] for k, val in values.items() if record[k] != val}
        action = "update" if changes else "unchanged"
        new_values = {k: values[k] for k in changes}
        items.append(Item(row.number, action, label, person["id"], record["id"], new_values, changes))
    items.sort(key=lambda i: (i.row_number is None, i.row_number or 0))
    return Plan(items, notes=notes)


def designations(agency: Agency) -> dict[str, tuple[bool, bool]]:
    return {
        d.title.strip().casefold(): (d.for_mhfa, d.for_cit) for d in DesignatedPosition.objects.filter(agency=agency)
    }
