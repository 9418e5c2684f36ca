"""The dry run: what importing a table would do to an agency's roster or training records, row by row.

A plan is computed twice — for the preview, and again at apply time — and both must have the same digest, so what
the coordinator confirmed is exactly what is written. Planning reads the agency's people once (no query per row).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from onemind.imports import validation as v
from onemind.imports.identity import Found, Matcher, new_person_key, person_label
from onemind.imports.mapping import FIELD_LABELS
from onemind.imports.reading import Table
from onemind.roster.columns import ROSTER_COLUMNS
from onemind.roster.models import DesignatedPosition, Person, PersonStatus
from onemind.roster.services import MAX_FUTURE_HIRE_DAYS, check_person_rules
from onemind.tenancy.models import Agency
from onemind.training.models import CourseType, TrainingRecord
from onemind.training.services import validate_training_fields

# The roster file's columns are the export's (round trip): one list, kept in roster/columns.py.
ROSTER_FIELDS = ROSTER_COLUMNS
# What an update-only file (separations, transfers) may change; its names, numbers and dates only find people.
UPDATE_WRITES = ("rank", "unit", "shift", "district", "separation_date", "separation_reason", "status")
# Values that only help find a person or build a name; never written as they are.
MATCH_ONLY = ("badge_history", "name_suffix", "full_name")
TRAINING_FIELDS = ("hours", "provider", "instructor", "format", "certificate_number")
PROGRESS_EVERY = 1000

Progress = Callable[[int], None]


@dataclass
class Item:
    row_number: int | None
    action: str  # create | update | unchanged | separation | skipped | error
    label: str = ""
    person_id: int | None = None
    record_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, list[Any]] = field(default_factory=dict)
    errors: list[list[str]] = field(default_factory=list)
    matched_by: str = ""


@dataclass
class Plan:
    items: list[Item]
    notes: list[str] = field(default_factory=list)
    filtered_out: int = 0

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("create", "update", "unchanged", "separation", "skipped", "error"), 0)
        for item in self.items:
            counts[item.action] += 1
        if self.filtered_out:
            counts["filtered_out"] = self.filtered_out
        return counts

    def matched_note(self) -> str:
        """Which key found the people of the rows that name someone already in the records."""
        found: dict[str, int] = {}
        for item in self.items:
            if item.matched_by:
                found[item.matched_by] = found.get(item.matched_by, 0) + 1
        if not found:
            return ""
        parts = ", ".join(f"{how} {n:,}" for how, n in sorted(found.items(), key=lambda kv: -kv[1]))
        return f"People found by: {parts}."

    @property
    def applicable(self) -> int:
        return sum(1 for item in self.items if item.action in ("create", "update", "separation"))

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


class Row:
    """One data row being checked. The cells stay the table's; (header, cell) is looked up only for messages."""

    __slots__ = ("cells", "errors", "fields", "footer", "number", "values")

    def __init__(self, number: int, cells: list[str], fields: Mapping[str, tuple[int, str]]) -> None:
        self.number, self.cells, self.fields = number, cells, fields
        self.values: dict[str, Any] = {}
        self.errors: list[list[str]] = []
        self.footer = False

    def cell(self, fieldname: str) -> tuple[str, str]:
        """(header, cell) of the column feeding `fieldname`, or ("", "") when none does."""
        found = self.fields.get(fieldname)
        if found is None:
            return "", ""
        index, header = found
        return header, v.unguard(self.cells[index])

    def error(self, fieldname: str, reason: str) -> None:
        header, cell = self.cell(fieldname)
        self.errors.append([header or FIELD_LABELS.get(fieldname, fieldname), cell, reason])

    @property
    def label(self) -> str:
        name = ", ".join(p for p in (self.values.get("last_name", ""), self.values.get("first_name", "")) if p)
        ids = [f"#{self.values[k]}" for k in ("employee_number", "badge_number") if self.values.get(k)]
        return " ".join([name or "(no name)", *ids])[:300]


def _columns(table: Table, mapping: Mapping[str, str]) -> list[tuple[str, int, str]]:
    index = {h: i for i, h in enumerate(table.headers)}
    return [(f, index[h], h) for h, f in mapping.items() if f and h in index]


def _parse_cell(fname: str, cell: str, row: Row, *, today: dt.date, model: Any, hire_ahead: int) -> None:
    value: Any
    reason = ""
    label = FIELD_LABELS[fname].split(" (")[0]
    if fname in ("employee_number", "badge_number", "badge_history"):
        value, reason = v.identifier(cell, Person, "badge_number" if fname == "badge_history" else fname)
        if fname == "badge_history":
            if not reason:
                row.values.setdefault("badge_history", []).append(value)
            else:
                row.error(fname, f"{label} {reason}")
            return
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
        return
    elif fname == "sworn":
        value, reason = v.boolean(cell)
    elif fname == "hire_date":
        value, reason = v.date(cell, allow_future=False, today=today, future_days=hire_ahead)
    elif fname in ("separation_date", "completed_on"):
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
    elif fname in ("last_name", "first_name", "name_suffix"):
        value, reason = v.text(cell, Person, "last_name" if fname == "name_suffix" else fname)
    else:
        value, reason = v.text(cell, model, fname)
    if reason:
        row.error(fname, f"{label} {reason}")
    else:
        row.values[fname] = value


def _parse_cells(
    number: int,
    cells: list[str],
    columns: list[tuple[str, int, str]],
    fields: Mapping[str, tuple[int, str]],
    table: Table,
    *,
    today: dt.date,
    model: Any,
    hire_ahead: int,
) -> Row:
    row = Row(number, cells, fields)
    if number in table.wide_rows:
        row.errors.append(["(extra cells)", "", "The row has more cells than the header has columns."])
    if len(table.headers) >= 3 and len(columns) >= 2 and sum(1 for c in cells if c) == 1:
        only = next(i for i, c in enumerate(cells) if c)
        row.errors.append(
            [table.headers[only], cells[only], "Only this cell is filled: it looks like a note or footer, not a row."]
        )
        row.footer = True
        return row
    for fname, i, _header in columns:
        cell = cells[i]
        if cell:
            if cell[:1] == "'":
                cell = v.unguard(cell)
            _parse_cell(fname, cell, row, today=today, model=model, hire_ahead=hire_ahead)
    return row


def _parse_all(
    table: Table,
    mapping: Mapping[str, str],
    *,
    today: dt.date,
    model: Any,
    progress: Progress | None,
    hire_ahead: int = 0,
) -> list[Row]:
    columns = _columns(table, mapping)
    fields: dict[str, tuple[int, str]] = {}
    for f, i, h in columns:  # the first column of a field names it in messages (badge history: the first one)
        fields.setdefault(f, (i, h))
    rows = []
    for done, (number, cells) in enumerate(zip(table.row_numbers, table.rows, strict=True), start=1):
        rows.append(
            _parse_cells(number, cells, columns, fields, table, today=today, model=model, hire_ahead=hire_ahead)
        )
        if progress and done % PROGRESS_EVERY == 0:
            progress(done)
    return rows


def _blank_items(table: Table) -> list[Item]:
    return [
        Item(n, "skipped", "(empty row)", errors=[["(whole row)", "", "The row is empty; it is skipped."]])
        for n in table.blank_rows
    ]


def _flag_duplicate_employee_numbers(rows: list[Row]) -> None:
    first_by_employee: dict[str, int] = {}
    for row in rows:
        employee = row.values.get("employee_number")
        if not employee:
            continue
        if employee in first_by_employee:
            row.error(
                "employee_number",
                f"Employee number {employee} already appears on row {first_by_employee[employee]}.",
            )
        else:
            first_by_employee[employee] = row.number


# ---- roster -------------------------------------------------------------------------------------------------


def _existing_people(agency: Agency) -> list[dict[str, Any]]:
    return list(Person.objects.filter(agency=agency).values("id", "version", *ROSTER_FIELDS))


def _sworn_value(row: Row, options: Mapping[str, Any]) -> None:
    if "sworn" in row.values:
        return
    rule = options.get("sworn_default", "")
    if rule == "ranks" and row.values.get("rank"):
        row.values["sworn"] = v.rank_is_sworn(row.values["rank"], list(options.get("sworn_ranks", [])))
    elif rule == "all":
        row.values["sworn"] = True


def _with_suffix(row: Row) -> None:
    """A suffix column (JR, II) is kept as part of the surname: 'SMITH' + 'JR' → 'SMITH JR'."""
    suffix = str(row.values.pop("name_suffix", "") or "").strip()
    last = row.values.get("last_name")
    if suffix and last and not v.name_key(last).endswith(v.name_key(suffix)):
        row.values["last_name"] = f"{last} {suffix}"


def _check_merged(row: Row, merged: Mapping[str, Any]) -> None:
    """The roster's own rules (the same function the person form and the API run), on the values to be written."""
    for fieldname, message in check_person_rules(merged).items():
        row.error(fieldname, message)
    if merged.get("separation_reason") and not merged.get("separation_date"):
        row.error("separation_date", "The row gives a separation reason but no separation date.")


def _written(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: val for k, val in values.items() if k not in MATCH_ONLY}


def _roster_item(row: Row, person: dict[str, Any] | None, options: Mapping[str, Any]) -> Item:
    values = _written(row.values)
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
    return _change_item(row, person, values)


def _change_item(row: Row, person: dict[str, Any], values: dict[str, Any]) -> Item:
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
    return Item(row.number, action, person_label(person), person["id"], values=new_values, changes=changes)


def _missing_items(
    people: list[dict[str, Any]], present: set[int], options: Mapping[str, Any], today: dt.date
) -> list[Item]:
    on = dt.date.fromisoformat(options.get("separation_date") or today.isoformat())
    reason = str(options.get("separation_reason") or "Not on the imported roster")[:200]
    items = []
    for person in people:
        if person["id"] in present or person["status"] == PersonStatus.SEPARATED:
            continue
        label = person_label(person)
        if person["hire_date"] and person["hire_date"] > on:
            errors = [["(missing from file)", "", f"Cannot separate on {on:%Y-%m-%d}: hired {person['hire_date']}."]]
            items.append(Item(None, "error", label, person["id"], errors=errors))
            continue
        values = {"status": PersonStatus.SEPARATED, "separation_date": on, "separation_reason": reason}
        changes = {k: [jsonable(person[k]), jsonable(val)] for k, val in values.items() if person[k] != val}
        items.append(Item(None, "separation", label, person["id"], values=values, changes=changes))
    return items


def _claim(row: Row, found: Found, claimed: dict[int, int]) -> dict[str, Any] | None:
    """The person the row found, unless an earlier row of the file already took them."""
    person = found.person
    if person is None:
        return None
    earlier = claimed.get(person["id"])
    if earlier is not None and earlier != row.number:
        key = "employee_number" if found.how == "employee number" else "badge_number"
        row.error(key, f"This row matches the same person as row {earlier} ({person_label(person)}).")
        return None
    claimed[person["id"]] = row.number
    return person


def _unidentified(row: Row) -> str:
    if row.values.get("last_name") or row.values.get("first_name"):
        return "No employee number, badge number or hire date: a name alone cannot tell this person from a namesake."
    return "No name and no employee or badge number (a redacted or incomplete row)."


def anonymous_file(mapping: Mapping[str, str]) -> bool:
    """A headcount file: no column names or numbers anyone (each row is one unnamed person)."""
    identity = {"employee_number", "badge_number", "badge_history", "last_name", "first_name", "full_name"}
    return not identity & set(mapping.values())


def plan_roster(
    agency: Agency,
    table: Table,
    mapping: Mapping[str, str],
    options: Mapping[str, Any],
    *,
    today: dt.date,
    progress: Progress | None = None,
) -> Plan:
    rows = _parse_all(table, mapping, today=today, model=Person, progress=progress, hire_ahead=MAX_FUTURE_HIRE_DAYS)
    _flag_duplicate_employee_numbers(rows)
    people = _existing_people(agency)
    matcher = Matcher(people)
    anonymous = anonymous_file(mapping)
    notes = list(table.notes)
    if anonymous:
        notes.append(
            "No column names or numbers people: each row counts as one unnamed person (“Unnamed 1”, “Unnamed 2” …, "
            "in the order of the rows), so the roster's headcount follows the file. Re-importing the same file "
            "changes nothing."
        )
    items = _blank_items(table)
    present: set[int] = set()
    claimed: dict[int, int] = {}
    new_keys: dict[tuple[Any, ...], int] = {}
    ordinal = 0
    rows.reverse()  # popped from the end: each row is freed once planned (memory stays flat on wide files)
    while rows:
        row = rows.pop()
        if row.footer:
            items.append(Item(row.number, "error", row.label, errors=row.errors))
            continue
        _sworn_value(row, options)
        _with_suffix(row)
        if anonymous:
            ordinal += 1
            row.values["last_name"] = f"Unnamed {ordinal}"
        key = new_person_key(row.values)
        if key is None or (key[0] == "name" and not key[3] and not anonymous):
            row.errors.append(["(identifier)", "", _unidentified(row)])
            items.append(Item(row.number, "error", row.label, errors=row.errors))
            continue
        found = matcher.find(row.values, anonymous=anonymous)
        if found.problem:
            row.error(*found.problem)
        person = _claim(row, found, claimed)
        if person is None and not row.errors:
            if key in new_keys:
                row.error(key[0] if key[0] != "name" else "last_name", f"Same person as row {new_keys[key]}.")
            else:
                new_keys[key] = row.number
        if person is not None:
            present.add(person["id"])
        item = _roster_item(row, person, options) if not row.errors else Item(row.number, "error", row.label)
        item.errors = item.errors or row.errors
        item.matched_by = found.how if person is not None else ""
        items.append(item)
    if options.get("mark_missing"):
        items += _missing_items(people, present, options, today)
    items.sort(key=lambda i: (i.row_number is None, i.row_number or 0))
    return Plan(items, notes=notes, filtered_out=table.filtered_out)


def plan_update(
    agency: Agency,
    table: Table,
    mapping: Mapping[str, str],
    options: Mapping[str, Any],
    *,
    today: dt.date,
    progress: Progress | None = None,
) -> Plan:
    """A separations or transfers list: it changes the people it finds and creates nobody."""
    rows = _parse_all(table, mapping, today=today, model=Person, progress=progress, hire_ahead=MAX_FUTURE_HIRE_DAYS)
    _flag_duplicate_employee_numbers(rows)
    matcher = Matcher(_existing_people(agency))
    separations = "separation_date" in mapping.values()
    items = _blank_items(table)
    claimed: dict[int, int] = {}
    rows.reverse()
    while rows:
        row = rows.pop()
        if row.footer:
            items.append(Item(row.number, "error", row.label, errors=row.errors))
            continue
        _with_suffix(row)
        if new_person_key(row.values) is None:
            row.errors.append(["(identifier)", "", _unidentified(row)])
        found = matcher.find(row.values) if not row.errors else Found()
        if found.problem:
            row.error(*found.problem)
        person = _claim(row, found, claimed)
        if separations and "separation_date" not in row.values and not row.cell("separation_date")[1]:
            row.error("separation_date", "This separation row has no separation date.")
        if person is None and (not row.errors or found.reissued and len(row.errors) == 1):
            reason = "Not on the roster: an update-only file changes the people it finds and creates nobody."
            if found.reissued:
                reason = f"Not on the roster ({row.errors[0][2]})"
            items.append(Item(row.number, "skipped", row.label, errors=[["(person)", "", reason]]))
            continue
        if person is None:
            items.append(Item(row.number, "error", row.label, errors=row.errors))
            continue
        values = {k: row.values[k] for k in UPDATE_WRITES if k in row.values}
        item = _change_item(row, person, values)
        item.matched_by = found.how
        items.append(item)
    items.sort(key=lambda i: (i.row_number is None, i.row_number or 0))
    return Plan(items, notes=list(table.notes), filtered_out=table.filtered_out)


# ---- training records ---------------------------------------------------------------------------------------


def _course_types() -> dict[str, CourseType]:
    return {c.code.upper(): c for c in CourseType.objects.all()}


def _training_person(row: Row, matcher: Matcher, claimed: dict[int, int]) -> Found:
    if new_person_key(row.values) is None:
        row.errors.append(["(person)", "", "No employee number, badge number or name: the row names nobody."])
        return Found()
    found = matcher.find(row.values)
    if found.problem:
        row.error(*found.problem)
    elif found.person is None:
        which = ", ".join(
            f"{k.replace('_', ' ')} {jsonable(row.values[k])}"
            for k in ("employee_number", "badge_number", "last_name", "first_name", "hire_date")
            if row.values.get(k)
        )
        row.errors.append(["(person)", "", f"No such person in this agency ({which})."])
    return found


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
    people: list[dict[str, Any]] = [
        dict(p)
        for p in Person.objects.filter(agency=agency).values(
            "id", "employee_number", "badge_number", "last_name", "first_name", "sworn", "hire_date", "status"
        )
    ]
    matcher = Matcher(people, names_alone=bool(options.get("match_by_name")))
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
    rows.reverse()
    while rows:
        row = rows.pop()
        if row.footer:
            items.append(Item(row.number, "error", row.label, errors=row.errors))
            continue
        _with_suffix(row)
        found = _training_person(row, matcher, {})
        person = found.person
        code = row.values.get("course_code") or fixed_code
        course = courses.get(code) if code else None
        if course is None:
            row.error(
                "course_code", f"Course code {code or '(blank)'} is not known; use one of {', '.join(sorted(courses))}."
            )
        completed = row.values.get("completed_on") or (dt.date.fromisoformat(default_on) if default_on else None)
        if completed is None and not row.cell("completed_on")[1]:
            row.error("completed_on", "Completion date is missing (no value and no default date on the form).")
        if course is not None and completed is not None:
            # The training record's own rules, as the training form and the API run them.
            found_errors = validate_training_fields(
                course_type=course,
                completed_on=completed,
                hours=row.values.get("hours"),
                format=row.values.get("format", ""),
            )
            for fieldname, message in found_errors.items():
                row.error({"course_type": "course_code"}.get(fieldname, fieldname), message)
        if row.errors or person is None or course is None or completed is None:
            items.append(Item(row.number, "error", row.label, errors=row.errors))
            continue
        label = f"{person_label(person)} · {course.code} {completed:%Y-%m-%d}"
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
            item = Item(row.number, "create", label, person["id"], values=values, changes=changes)
        else:
            changes = {k: [jsonable(record[k]), jsonable(val)] for k, val in values.items() if record[k] != val}
            action = "update" if changes else "unchanged"
            new_values = {k: values[k] for k in changes}
            item = Item(row.number, action, label, person["id"], record["id"], new_values, changes)
        item.matched_by = found.how
        items.append(item)
    items.sort(key=lambda i: (i.row_number is None, i.row_number or 0))
    return Plan(items, notes=notes, filtered_out=table.filtered_out)


PLANNERS = {"roster": plan_roster, "update": plan_update, "training": plan_training}


def designations(agency: Agency) -> dict[str, tuple[bool, bool]]:
    return {
        d.title.strip().casefold(): (d.for_mhfa, d.for_cit) for d in DesignatedPosition.objects.filter(agency=agency)
    }
