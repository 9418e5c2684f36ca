"""Read agency-directory files into clean rows; pure Python (no Django) so the importer's tests stay fast.

Two formats are recognised from their header row:

* the FBI Crime Data Explorer agency list (``,agency_name,agency_type_name,county_name,...,ori,...``; its
  first header cell is empty because pandas wrote its index column), and
* a plain CSV ``ori,name,type,state,county`` with optional ``latitude,longitude``.

``parse_agency_file`` yields exactly one ``ParsedAgency`` or ``RowError`` per non-blank data row, so a
preview can say "18,702 rows: 18,690 ready, 12 with errors" and the numbers add up. Only an unreadable header
raises.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from onemind.lib.agency_types import agency_type_for
from onemind.lib.ori import InvalidORI, normalize_ori, postal_state

__all__ = [
    "FORMATS",
    "AgencyFileFormat",
    "ParsedAgency",
    "RowError",
    "UnknownFormat",
    "normalize_county",
    "parse_agency_file",
]


class _Readable(Protocol):
    def read(self) -> bytes | str: ...


AgencySource = str | os.PathLike[str] | _Readable


@dataclass(frozen=True, slots=True)
class ParsedAgency:
    row_number: int  # as a spreadsheet shows it: the header is row 1, the first data row is row 2
    ori: str  # normalized ORI9 or legacy ORI7
    name: str
    agency_type: str  # a slug from onemind.lib.agency_types.AGENCY_TYPES
    state: str  # USPS code; the FBI's 'NB'/'GM' become 'NE'/'GU' (the ORI keeps its FBI prefix)
    county: str  # '' or one or more title-case names joined by '; '
    latitude: float | None
    longitude: float | None
    raw_type: str  # the type as written in the file, so an 'other' can be reviewed later


@dataclass(frozen=True, slots=True)
class RowError:
    row_number: int
    column: str  # the header as written in the file; '' when the whole row is at fault
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class AgencyFileFormat:
    name: str
    # field → header (lower case) for the fields ParsedAgency needs; optional ones may be absent from the
    # file.
    columns: dict[str, str]
    optional: frozenset[str] = frozenset()

    @property
    def required_headers(self) -> list[str]:
        return [header for field, header in self.columns.items() if field not in self.optional]


FBI_CDE = AgencyFileFormat(
    name="FBI Crime Data Explorer agency list",
    columns={
        "ori": "ori",
        "name": "agency_name",
        "type": "agency_type_name",
        "state": "state_abbr",
        "county": "county_name",
        "latitude": "latitude",
        "longitude": "longitude",
    },
)
PLAIN = AgencyFileFormat(
    name="Plain agency CSV",
    columns={
        "ori": "ori",
        "name": "name",
        "type": "type",
        "state": "state",
        "county": "county",
        "latitude": "latitude",
        "longitude": "longitude",
    },
    optional=frozenset({"latitude", "longitude"}),
)
# The FBI header is a superset of no other format's, so trying it first cannot misread a plain file.
FORMATS: tuple[AgencyFileFormat, ...] = (FBI_CDE, PLAIN)


class UnknownFormat(ValueError):
    """The header matches no known format; ``seen`` and ``expected`` let the page show both."""

    def __init__(self, seen: Sequence[str]) -> None:
        self.seen = list(seen)
        self.expected = {fmt.name: fmt.required_headers for fmt in FORMATS}
        described = "; ".join(f"{name}: {', '.join(headers)}" for name, headers in self.expected.items())
        shown = ", ".join(repr(h) for h in self.seen) or "no header row"
        super().__init__(f"Unrecognised agency file. Columns found: {shown}. Expected one of — {described}")


def parse_agency_file(source: AgencySource) -> Iterator[ParsedAgency | RowError]:
    """Yield one ParsedAgency or RowError per non-blank data row of an agency-directory file.

    ``source`` is a path or an open file (binary or text). The header is read and checked now, so
    UnknownFormat is raised by this call rather than by the first ``next()``; rows are then parsed lazily.
    """
    reader = csv.reader(io.StringIO(_read_text(source), newline=""))
    header = next(reader, [])
    _, positions = _detect_format(header)
    return _parse_rows(reader, positions, [cell.strip() for cell in header])


def _read_text(source: AgencySource) -> str:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fileobj:
            data: bytes | str = fileobj.read()
    else:
        data = source.read()
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    return _decode(data)


def _decode(data: bytes) -> str:
    # utf-8-sig also reads UTF-8 without a BOM. Anything that is not UTF-8 is almost surely an Excel "CSV"
    # saved as Windows-1252; its five unassigned bytes become U+FFFD instead of failing the whole file.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _detect_format(header: Sequence[str]) -> tuple[AgencyFileFormat, dict[str, int]]:
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        index.setdefault(cell.strip().lower(), position)
    for fmt in FORMATS:
        if all(h in index for h in fmt.required_headers):
            return fmt, {field: index[h] for field, h in fmt.columns.items() if h in index}
    raise UnknownFormat([cell.strip() for cell in header])


def _parse_rows(
    reader: Iterable[list[str]], positions: dict[str, int], headers: list[str]
) -> Iterator[ParsedAgency | RowError]:
    row_number = 1
    try:
        for cells in reader:
            row_number += 1
            if not any(cell.strip() for cell in cells):
                continue  # blank lines (often at the end of hand-edited files) are not rows to report
            yield _parse_row(row_number, cells, positions, headers)
    except csv.Error as exc:
        # Only a pathological file gets here (e.g. an unclosed quote swallowing the rest into one huge field);
        # the reader cannot resume, so report where it stopped instead of failing the whole import.
        yield RowError(row_number + 1, "", "", f"The file cannot be read from this row on: {exc}")


def _parse_row(
    row_number: int, cells: list[str], positions: dict[str, int], headers: list[str]
) -> ParsedAgency | RowError:
    width = len(headers)
    # Spreadsheet exports sometimes pad rows with empty cells: only extra cells that hold something count.
    if len(cells) < width or any(cell.strip() for cell in cells[width:]):
        preview = ",".join(cells)
        return RowError(row_number, "", preview[:200], f"This row has {len(cells)} fields; the header has {width}")

    def cell(field: str) -> str:
        return cells[positions[field]] if field in positions else ""

    def error(field: str, reason: str) -> RowError:
        return RowError(row_number, headers[positions[field]], cell(field), reason)

    try:
        ori = normalize_ori(cell("ori"))
    except InvalidORI as exc:
        return error("ori", str(exc))
    if not ori:
        return error("ori", "ORI is blank")
    name = " ".join(cell("name").split())
    if not name:
        return error("name", "Agency name is blank")
    state = postal_state(cell("state"))
    if not state:
        raw_state = cell("state").strip()
        reason = f"'{raw_state}' is not a US state or territory" if raw_state else "State is blank"
        return error("state", reason)
    latitude, longitude = _coordinates(cell("latitude"), cell("longitude"))
    raw_type = cell("type").strip()
    return ParsedAgency(
        row_number=row_number,
        ori=ori,
        name=name,
        agency_type=agency_type_for(raw_type),
        state=state,
        county=normalize_county(cell("county")),
        latitude=latitude,
        longitude=longitude,
        raw_type=raw_type,
    )


def _coordinates(latitude: str, longitude: str) -> tuple[float | None, float | None]:
    # Coordinates only place a pin on a map: a bad one is dropped, never an error. Half a pair, or (0, 0) —
    # the usual "no location" filler — places nothing, so both go.
    lat, lon = _number_within(latitude, 90.0), _number_within(longitude, 180.0)
    if lat is None or lon is None or (lat == 0.0 and lon == 0.0):
        return None, None
    return lat, lon


def _number_within(text: str, limit: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


_COUNTY_SEPARATOR = re.compile(r"[;,]")
_LOWER_WORDS = frozenset({"and", "of", "the", "qui"})  # 'Lewis and Clark', 'Lake of the Woods', 'Lac qui Parle'


def normalize_county(text: str) -> str:
    """'KENT; SUSSEX' or 'Kent, Sussex' → 'Kent; Sussex'. Mixed-case names ('DeKalb') are kept as written."""
    names: list[str] = []
    for part in _COUNTY_SEPARATOR.split(text):
        county = " ".join(part.split())
        if county.isupper() or county.islower():
            county = _title_case(county)
        if county and county not in names:
            names.append(county)
    return "; ".join(names)


def _title_case(text: str) -> str:
    # str.title() would give "Prince George'S" and "Mclennan".
    words = text.lower().split(" ")
    return " ".join(
        word if index and word in _LOWER_WORDS else "-".join(_capitalize(piece) for piece in word.split("-"))
        for index, word in enumerate(words)
    )


def _capitalize(word: str) -> str:
    for prefix in ("mc", "o'"):
        if word.startswith(prefix) and len(word) > len(prefix):
            return prefix.capitalize() + word[len(prefix) :].capitalize()
    return word.capitalize()
