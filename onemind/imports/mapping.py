"""Which file column feeds which field: suggested from the headers, remembered per agency by header signature."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

from onemind.roster.columns import ROSTER_COLUMNS
from onemind.training.columns import TRAINING_COLUMNS

ROSTER = "roster"
TRAINING = "training"

FIELD_LABELS: dict[str, str] = {
    "employee_number": "Employee number",
    "badge_number": "Badge / star number",
    "last_name": "Last name",
    "first_name": "First name",
    "full_name": "Full name (“LAST, FIRST”)",
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

FIELDS: dict[str, tuple[str, ...]] = {
    ROSTER: (*ROSTER_COLUMNS, "full_name"),
    TRAINING: (*TRAINING_COLUMNS, "full_name"),
}

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
    "last_name": ("last name", "last nme", "lastname", "surname", "family name", "last"),
    "first_name": ("first name", "first nme", "firstname", "given name", "first"),
    "full_name": ("full name", "name", "officer name", "employee name"),
}
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    ROSTER: {
        **_COMMON_SYNONYMS,
        "sworn": ("sworn", "sworn officer i", "sworn officer", "sworn status", "is sworn", "officer flag"),
        "rank": ("rank", "title", "employee position", "position", "job title", "rank position"),
        "unit": ("unit", "unit description", "unitasgdesc", "unit assigned", "assignment"),
        "shift": ("shift", "watch", "platoon"),
        "district": ("district", "precinct"),
        "hire_date": (
            "hire date",
            "date of hire",
            "hired",
            "hired on",
            "appointed date",
            "appointment date",
            "date of appointment",
            "start date",
        ),
        "separation_date": (
            "separation date",
            "date of separation",
            "resignation date",
            "termination date",
            "separated on",
        ),
        "separation_reason": ("separation reason", "vacate description", "reason for separation"),
        "status": ("status", "employment status"),
        "email": ("email", "e mail", "email address"),
    },
    TRAINING: {
        **_COMMON_SYNONYMS,
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


def suggest_mapping(kind: str, headers: Iterable[str]) -> dict[str, str]:
    """{header: field or ""}; each field is suggested for the first header that fits it, never twice."""
    lookup: dict[str, str] = {}
    for field in FIELDS[kind]:
        lookup[normalise(field)] = field
        for synonym in SYNONYMS[kind].get(field, ()):
            lookup.setdefault(synonym, field)
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for header in headers:
        field = lookup.get(normalise(header), "")
        if field in taken:
            field = ""
        mapping[header] = field
        if field:
            taken.add(field)
    if "full_name" in taken and {"last_name", "first_name"} & taken:
        # Separate name columns win over a combined one.
        mapping = {h: ("" if f == "full_name" else f) for h, f in mapping.items()}
    return mapping


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
        elif len(headers) > 1:
            names = " and ".join(f"“{h}”" for h in headers)
            errors.append(f"{FIELD_LABELS[field]} is chosen for two columns ({names}); choose it for one only.")
    if "full_name" in by_field and {"last_name", "first_name"} & set(by_field):
        errors.append("Choose either a full-name column or separate last/first name columns, not both.")
    return errors


def mapping_warnings(kind: str, mapping: Mapping[str, str]) -> list[str]:
    """Gaps that make every row fail; shown above the preview so nobody reads 30,000 identical row errors first."""
    chosen = {f for f in mapping.values() if f}
    warnings = []
    identifiers = {"employee_number", "badge_number"} & chosen
    if kind == ROSTER and not identifiers:
        warnings.append("No employee-number or badge-number column is chosen: no row can be matched to a person.")
    if kind == ROSTER and not ({"last_name", "full_name"} & chosen):
        warnings.append("No last-name (or full-name) column is chosen: no row names a person.")
    if kind == TRAINING and not identifiers and not ({"last_name", "full_name"} & chosen):
        warnings.append("No employee-number, badge-number or name column is chosen: no row can find its person.")
    return warnings
