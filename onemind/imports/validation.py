"""Per-row checks of imported values, mirroring the Person and TrainingRecord model constraints.

Every parser returns (value, reason): reason is "" when the cell is fine, else a sentence for the preview. Nothing
here touches the database, so a 36,000-row file is checked without a query per row.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from onemind.roster.models import Person
from onemind.roster.services import EARLIEST_DATE
from onemind.training.models import TrainingFormat, TrainingRecord

SENTINEL_DATES = {dt.date(1900, 1, 1), dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1970, 1, 1)}

_TRUE = {"y", "yes", "true", "t", "1", "sworn", "x"}
_FALSE = {"n", "no", "false", "f", "0", "civilian", "non-sworn", "nonsworn", "non sworn", "not sworn"}

_STATUS = {
    "active": "active",
    "a": "active",
    "on leave": "leave",
    "leave": "leave",
    "separated": "separated",
    "inactive": "separated",
    "terminated": "separated",
    "retired": "separated",
    "resigned": "separated",
}

_FORMATS = {
    "in person": TrainingFormat.IN_PERSON,
    "in-person": TrainingFormat.IN_PERSON,
    "in_person": TrainingFormat.IN_PERSON,
    "classroom": TrainingFormat.IN_PERSON,
    "blended": TrainingFormat.BLENDED,
    "hybrid": TrainingFormat.BLENDED,
    "virtual": TrainingFormat.VIRTUAL,
    "online": TrainingFormat.VIRTUAL,
}

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%B %d, %Y")
_ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d([ T]\d\d:\d\d(:\d\d(\.\d+)?)?)?$")
_FLOAT_ID = re.compile(r"^(\d+)\.0+$")


@functools.cache
def max_length(model: type[Person] | type[TrainingRecord], field: str) -> int | None:
    return model._meta.get_field(field).max_length  # type: ignore[union-attr]


def text(value: str, model: type[Person] | type[TrainingRecord], field: str) -> tuple[str, str]:
    limit = max_length(model, field)
    if limit and len(value) > limit:
        return value, f"is {len(value)} characters long; at most {limit} fit."
    return value, ""


def identifier(value: str, model: type[Person] | type[TrainingRecord], field: str) -> tuple[str, str]:
    """Employee and badge numbers; '5728.0' (a spreadsheet turned the number into a float) becomes '5728'."""
    match = _FLOAT_ID.match(value)
    if match:
        value = match.group(1)
    return text(value, model, field)


def boolean(value: str) -> tuple[bool | None, str]:
    key = value.strip().casefold()
    if key in _TRUE:
        return True, ""
    if key in _FALSE:
        return False, ""
    return None, "is not one of yes/no, Y/N, true/false, 1/0, sworn/civilian."


# Excel stores a date as days since 1899-12-30; serials in this range are 1950 … 2119.
_SERIAL = re.compile(r"^\d{5}(\.0+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_PARTS = (
    (re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T].*)?$"), ("year", "month", "day")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: .*)?$"), ("month", "day", "year")),
)


def _impossible(raw: str) -> str:
    """Why a date-shaped value is no date ("month 13"), or "" when it is not date-shaped at all."""
    for pattern, names in _PARTS:
        match = pattern.match(raw)
        if not match:
            continue
        parts = dict(zip(names, (int(g) for g in match.groups()), strict=True))
        if not 1 <= parts["month"] <= 12:
            return f"has month {parts['month']}; a month is 1 to 12 (use YYYY-MM-DD or MM/DD/YYYY)."
        try:
            dt.date(parts["year"], parts["month"], parts["day"])
        except ValueError:
            return f"has day {parts['day']}, which month {parts['month']} of {parts['year']} does not have."
    return ""


def parse_date(value: str) -> tuple[dt.date | None, str]:
    """The calendar date a cell holds (ISO, US, written month, or an Excel serial number), or why it is none."""
    raw = value.strip()
    if _ISO_DATE.match(raw):  # the common case, and a time after the date (16:00:00) is dropped
        try:
            return dt.date.fromisoformat(raw[:10]), ""
        except ValueError:
            pass
    if _SERIAL.match(raw):
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(raw))), ""
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date(), ""  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
    return None, _impossible(raw) or "is not a date (use YYYY-MM-DD or MM/DD/YYYY)."


def date(value: str, *, allow_future: bool, today: dt.date, future_days: int = 0) -> tuple[dt.date | None, str]:
    """A checked date; ``future_days`` allows that many days after today (a recruit's hire date)."""
    parsed, reason = parse_date(value)
    if parsed is None:
        return None, reason
    if parsed in SENTINEL_DATES:
        return None, f"{parsed:%Y-%m-%d} is a placeholder date, not a real one."
    if parsed < EARLIEST_DATE:
        return None, f"{parsed:%Y-%m-%d} is before {EARLIEST_DATE.year}: it looks like a placeholder date."
    if not allow_future and parsed > today + dt.timedelta(days=future_days):
        if future_days:
            return None, f"{parsed:%Y-%m-%d} is more than {future_days} days in the future."
        return None, f"{parsed:%Y-%m-%d} is in the future."
    return parsed, ""


_GUARDED = re.compile(r"^'[=+\-@\t\r]")


def unguard(value: str) -> str:
    """Undo the export's formula guard: "'=SUM(A1)" was written for "=SUM(A1)" (round trip changes nothing)."""
    return value[1:] if _GUARDED.match(value) else value


def status(value: str) -> tuple[str | None, str]:
    found = _STATUS.get(value.strip().casefold())
    if found is None:
        return None, "is not a status (active, on leave, separated)."
    return found, ""


def email(value: str) -> tuple[str, str]:
    try:
        validate_email(value)
    except ValidationError:
        return value, "is not an e-mail address."
    return text(value, Person, "email")


def hours(value: str) -> tuple[Decimal | None, str]:
    """A number of hours; whether it is plausible is the training record's own rule (validate_training_fields)."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None, "is not a number of hours."
    if not number.is_finite():
        return None, "is not a number of hours."
    return number.quantize(Decimal("0.1")), ""


def training_format(value: str) -> tuple[str | None, str]:
    found = _FORMATS.get(value.strip().casefold())
    if found is None:
        return None, "is not a format (in person, blended, virtual)."
    return str(found), ""


def split_full_name(value: str) -> tuple[tuple[str, str] | None, str]:
    """'LAST, FIRST' → ('LAST', 'FIRST'); anything else is an error rather than a guess."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None, "is not in “LAST, FIRST” form; map separate last- and first-name columns instead."
    return (parts[0], parts[1]), ""


_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v"}


def name_key(value: str) -> str:
    """Compare surnames ignoring case, punctuation, spacing and suffixes: 'WIECHERT, JR.' == 'Wiechert'."""
    words = re.sub(r"[^0-9a-z]+", " ", value.casefold()).split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return "".join(words)


def _rank_key(value: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z*]+", " ", value.casefold()).split())


def rank_is_sworn(rank: str, sworn_ranks: list[str]) -> bool:
    """A rank is sworn when it equals a listed title, or starts with a listed title written with a trailing '*'."""
    key = _rank_key(rank)
    for title in sworn_ranks:
        t = _rank_key(title)
        if t.endswith("*"):
            t = t.rstrip("* ")
            if t and (key == t or key.startswith(t + " ")):
                return True
        elif t and key == t:
            return True
    return False


# Suggested on the mapping form when the file has a rank column; the coordinator edits the list.
# A trailing * also accepts ranks that start with the title ("PO/FIELD TRNING OFF" matches "PO*").
DEFAULT_SWORN_RANKS = [
    "Police Officer*",
    "PO*",
    "P O*",
    "Officer",
    "Patrol Officer",
    "Police Agent",
    "Police Technician",
    "Detective*",
    "Corporal",
    "Sergeant*",
    "Lieutenant*",
    "Captain*",
    "Commander",
    "Deputy Chief*",
    "Dep Chief",
    "Chief",
    "Chief of Police",
    "Trooper*",
    "Deputy Sheriff*",
    "Sheriff",
]
