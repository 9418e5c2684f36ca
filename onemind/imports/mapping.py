"""Which file column feeds which field: suggested from the headers, remembered per agency by header signature."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence

from onemind.roster.columns import ROSTER_COLUMNS
from onemind.training.columns import TRAINING_COLUMNS

ROSTER = "roster"
UPDATE = "update"
TRAINING = "training"

FIELD_LABELS: dict[str, str] = {
    "employee_number": "Employee number",
    "badge_number": "Badge / star number",
    "badge_history": "Earlier badge / star number",
    "last_name": "Last name",
    "first_name": "First name",
    "full_name": "Full name (“LAST, FIRST”)",
    "name_suffix": "Name suffix (Jr, II …)",
    "sworn": "Sworn (yes/no)",
    "rank": "Rank / position",
    "unit": "Unit",
    "shift": "Shift",
    "district": "District",
    "hire_date": "Hire date",
    "separation_date": "Separation date",
    "separation_reason": "Separation reason",
    "status": "Status",
    "email": "E-mail",
    "course_code": "Course code",
    "completed_on": "Completion date",
    "hours": "Hours",
    "provider": "Provider",
    "instructor": "Instructor",
    "format": "Format",
    "certificate_number": "Certificate number",
}

_IDENTITY_EXTRA = ("badge_history", "full_name", "name_suffix")
# An update-only file (separations, transfers) identifies people and changes these; it never creates anyone.
UPDATE_FIELDS = (
    "employee_number",
    "badge_number",
    "last_name",
    "first_name",
    "sworn",
    "hire_date",
    "rank",
    "unit",
    "shift",
    "district",
    "separation_date",
    "separation_reason",
    "status",
)
FIELDS: dict[str, tuple[str, ...]] = {
    ROSTER: (*ROSTER_COLUMNS, *_IDENTITY_EXTRA),
    UPDATE: (*UPDATE_FIELDS, *_IDENTITY_EXTRA),
    TRAINING: (*TRAINING_COLUMNS, "hire_date", *_IDENTITY_EXTRA),
}
# Fields that several columns may feed (a badge history: star1 … star7).
MULTI_FIELDS = {"badge_history"}
# Text fields a column of bare numbers must not feed by suggestion (a unit code would overwrite unit names).
DESCRIPTIVE_FIELDS = {"rank", "unit", "shift", "district", "separation_reason", "provider", "instructor"}

_COMMON_SYNONYMS: dict[str, tuple[str, ...]] = {
    "employee_number": (
        "employee number",
        "employee no",
        "employee num",
        "emp no",
        "empl no",
        "employee id",
        "emp id",
        "personnel number",
        "payroll number",
        "id number",
    ),
    "badge_number": ("badge", "badge number", "badge no", "star", "star no", "star number", "star badge", "star1"),
    "badge_history": tuple(f"{word}{n}" for word in ("star", "badge", "star ", "badge ") for n in range(2, 10)),
    "last_name": ("last name", "last nme", "lastname", "surname", "family name", "last"),
    "first_name": ("first name", "first nme", "firstname", "given name", "first"),
    "full_name": ("full name", "name", "officer name", "employee name"),
    "name_suffix": ("suffix", "suffix name", "name suffix", "suffix nme", "generation"),
}
_HIRE_SYNONYMS = (
    "hire date",
    "date of hire",
    "hired",
    "hired on",
    "appointed date",
    "appointment date",
    "date of appointment",
    "start date",
)
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    ROSTER: {
        **_COMMON_SYNONYMS,
        "sworn": ("sworn", "sworn officer i", "sworn officer", "sworn status", "is sworn", "officer flag"),
        "rank": ("rank", "title", "employee position", "position", "job title", "rank position"),
        "unit": ("unit description", "unitasgdesc", "unit name", "unit", "unit assigned", "assignment"),
        "shift": ("shift", "watch", "platoon"),
        "district": ("district", "precinct"),
        "hire_date": _HIRE_SYNONYMS,
        "separation_date": (
            "separation date",
            "date of separation",
            "resignation date",
            "termination date",
            "separated on",
        ),
        "separation_reason": ("separation reason", "vacate description", "reason for separation", "separation type"),
        "status": ("status", "employment status"),
        "email": ("email", "e mail", "email address"),
    },
    TRAINING: {
        **_COMMON_SYNONYMS,
        "hire_date": _HIRE_SYNONYMS,
        "course_code": ("course code", "course", "course type", "module"),
        "completed_on": (
            "completed on",
            "completion date",
            "date completed",
            "session end date",
            "date of completion",
            "completed",
        ),
        "hours": ("hours", "credit hours", "training hours"),
        "provider": ("provider", "training provider"),
        "instructor": ("instructor", "trainer"),
        "format": ("format", "delivery", "delivery format"),
        "certificate_number": ("certificate number", "certificate no", "cert no", "certificate"),
    },
}


def normalise(header: str) -> str:
    """'APPOINTED_DATE' → 'appointed date'; 'Star/Badge #' → 'star badge'."""
    text = re.sub(r"[^0-9a-z]+", " ", header.casefold().replace("#", " number "))
    return re.sub(r"\s+", " ", text).strip().replace("number number", "number")


SYNONYMS[UPDATE] = {f: names for f, names in SYNONYMS[ROSTER].items() if f in FIELDS[UPDATE]}

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def looks_numeric(values: Sequence[str]) -> bool:
    """A column of bare numbers (a unit code, not a unit name)."""
    filled = [v for v in values if v]
    return bool(filled) and all(_NUMBER.match(v) for v in filled)


def suggest_mapping(
    kind: str, headers: Iterable[str], samples: Mapping[str, Sequence[str]] | None = None
) -> dict[str, str]:
    """{header: field or ""}; each field goes to the header naming it best, never twice (except badge history).

    A descriptive column wins over a code column (`unit_description` over `unit`), and a text field is never
    suggested for a column holding only numbers.
    """
    headers = list(headers)
    samples = samples or {}
    lookup: dict[str, tuple[str, int]] = {}
    for field in FIELDS[kind]:
        lookup[normalise(field)] = (field, -1)
        for rank, synonym in enumerate(SYNONYMS[kind].get(field, ())):
            lookup.setdefault(synonym, (field, rank))
    best: dict[str, tuple[int, int, str]] = {}
    multi: dict[str, list[str]] = {}
    for position, header in enumerate(headers):
        field, rank = lookup.get(normalise(header), ("", 0))
        if not field:
            continue
        if field in DESCRIPTIVE_FIELDS and looks_numeric(samples.get(header, ())):
            continue
        if field in MULTI_FIELDS:
            multi.setdefault(field, []).append(header)
        elif field not in best or (rank, position) < best[field][:2]:
            best[field] = (rank, position, header)
    mapping = dict.fromkeys(headers, "")
    for field, (_rank, _position, header) in best.items():
        mapping[header] = field
    for field, chosen in multi.items():
        for header in chosen:
            mapping[header] = field
    if "full_name" in best and {"last_name", "first_name"} & set(best):
        # Separate name columns win over a combined one.
        mapping = {h: ("" if f == "full_name" else f) for h, f in mapping.items()}
    return mapping


_TRAINING_SIGNS = {"course_code", "completed_on", "certificate_number", "hours"}


def suggest_kind(headers: Iterable[str], filled: Mapping[str, int], rows: int) -> tuple[str, str]:
    """The kind of file the columns suggest, and why (shown on the upload's next page)."""
    headers = list(headers)
    training = {f for f in suggest_mapping(TRAINING, headers).values() if f in _TRAINING_SIGNS}
    if training:
        names = ", ".join(FIELD_LABELS[f].lower() for f in sorted(training))
        return TRAINING, f"it has training columns ({names})"
    roster = suggest_mapping(ROSTER, headers)
    separation = [h for h, f in roster.items() if f == "separation_date"]
    if separation and rows and filled.get(separation[0], 0) * 2 >= rows:
        return UPDATE, f"most rows have a “{separation[0]}” date: a list of separations"
    return ROSTER, "it has no training columns and most rows have no separation date"


def header_signature(headers: Iterable[str]) -> str:
    joined = "\x1f".join(sorted(h.casefold() for h in headers if h))
    return hashlib.sha256(joined.encode()).hexdigest()[:32]


def mapping_errors(kind: str, mapping: Mapping[str, str]) -> list[str]:
    """What is wrong with a chosen mapping, as sentences; empty when it can be used."""
    errors = []
    by_field: dict[str, list[str]] = {}
    for header, field in mapping.items():
        if field:
            by_field.setdefault(field, []).append(header)
    for field, headers in by_field.items():
        if field not in FIELDS[kind]:
            errors.append(f"Unknown field {field!r}.")
        elif len(headers) > 1 and field not in MULTI_FIELDS:
            names = " and ".join(f"“{h}”" for h in headers)
            errors.append(f"{FIELD_LABELS[field]} is chosen for two columns ({names}); choose it for one only.")
    if "full_name" in by_field and {"last_name", "first_name"} & set(by_field):
        errors.append("Choose either a full-name column or separate last/first name columns, not both.")
    return errors


def mapping_warnings(kind: str, mapping: Mapping[str, str]) -> list[str]:
    """Gaps that make every row fail; shown above the preview so nobody reads 30,000 identical row errors first."""
    chosen = {f for f in mapping.values() if f}
    warnings = []
    identifiers = {"employee_number", "badge_number", "badge_history"} & chosen
    names = {"last_name", "full_name"} & chosen
    if kind != TRAINING and not identifiers and names and "hire_date" not in chosen:
        warnings.append(
            "No employee-number, badge-number or hire-date column is chosen: people are told apart by name only "
            "when a hire date is given, so rows cannot be matched to a person."
        )
    if kind == UPDATE and not identifiers and not names:
        warnings.append("No employee-number, badge-number or name column is chosen: no row can find its person.")
    if kind == TRAINING and not identifiers and not names:
        warnings.append("No employee-number, badge-number or name column is chosen: no row can find its person.")
    return warnings
