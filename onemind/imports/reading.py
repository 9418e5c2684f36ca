"""Reading an uploaded roster or training file into a plain table of strings, refusing files we cannot trust.

CSV in any common dialect (, ; tab |), UTF-8 with or without BOM, Windows-1252 fallback, mixed line endings; XLSX
through openpyxl in read-only mode (defusedxml installed, so XML bombs are refused) after the zip members' sizes have
been checked. Cells are never evaluated: an XLSX formula arrives as its text, like any other value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# Setting-like limits, kept here so the importer and its tests read the same numbers.
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_XLSX_RATIO = 100
MAX_ROWS = 200_000
DELIMITERS = ",;\t|"


class FileRejected(ValueError):
    """The whole file is refused; the message is shown to the user as is."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    # The spreadsheet row number of each data row (the header is row 1).
    row_numbers: list[int]
    notes: list[str] = field(default_factory=list)
    # Index of an unnamed first column (pandas index) that is ignored, if any.
    ignored_columns: list[int] = field(default_factory=list)
    # Row numbers of empty rows (skipped, and listed in the preview) and of rows with more cells than headers.
    blank_rows: list[int] = field(default_factory=list)
    wide_rows: set[int] = field(default_factory=set)


def read_table(path: Path, name: str | None = None) -> Table:
    """Read a CSV or XLSX file into a Table, or raise FileRejected with a message a coordinator can act on."""
    name = name or path.name
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FileRejected(
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_FILE_BYTES // 1024 // 1024} MB. "
            "Split it into smaller files."
        )
    if size == 0:
        raise FileRejected("The file is empty.")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04") or name.lower().endswith((".xlsx", ".xlsm")):
        raw_rows = _read_xlsx(path)
    else:
        raw_rows = _read_csv(path.read_bytes())
    return _to_table(raw_rows)


def _decode(data: bytes) -> tuple[str, str]:
    if b"\x00" in data[:65536] or b"\x00" in data[-65536:]:
        raise FileRejected("This is not a text file (it contains NUL bytes). Upload a CSV or an XLSX workbook.")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "The file is neither UTF-8 nor Windows-1252 text. Save it as CSV (UTF-8) or XLSX and try again."
        ) from exc
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > 10:
        raise FileRejected("This does not look like a text file. Upload a CSV or an XLSX workbook.")
    return text, "Windows-1252"


def _read_csv(data: bytes) -> list[list[str]]:
    text, _encoding = _decode(data)
    # Mixed line endings: csv handles \r\n and \n; a lone \r (old Mac) is normalised first.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise FileRejected("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), doublequote=True, quotechar='"')
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) > MAX_ROWS + 1:
            raise FileRejected(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
    return rows


def _delimiter(text: str) -> str:
    """The separator of the header line: csv.Sniffer guesses it; a count of candidates settles a failed guess.

    Only the delimiter is taken from the sniffer; quoting stays the spreadsheet standard (\"\" inside quotes).
    """
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header + "\n", DELIMITERS).delimiter
    except csv.Error:
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > 1024 * 1024 and ratio > MAX_XLSX_RATIO:
                    raise FileRejected(
                        "The workbook expands to far more than its size (a 'zip bomb'); it was not opened."
                    )
            if total > MAX_XLSX_UNCOMPRESSED_BYTES:
                raise FileRejected(
                    f"The workbook expands to {total / 1024 / 1024:.0f} MB; the limit is "
                    f"{MAX_XLSX_UNCOMPRESSED_BYTES // 1024 // 1024} MB. Save it as CSV instead."
                )
    except zipfile.BadZipFile as exc:
        raise FileRejected("The workbook is damaged or not an XLSX file.") from exc


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path) -> list[list[str]]:
    _check_zip(path)
    import openpyxl

    try:
        # data_only=False: a formula cell yields its text (e.g. "=1+1"), never a computed value.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise FileRejected(f"The workbook could not be opened ({type(exc).__name__}).") from exc
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                raise FileRejected(f"The sheet has more than {MAX_ROWS:,} rows. Split it into smaller files.")
    finally:
        workbook.close()
    return rows


def _to_table(raw_rows: list[list[str]]) -> Table:
    if not raw_rows or not any(cell.strip() for cell in raw_rows[0]):
        raise FileRejected("The file is empty (no header row on the first line).")
    headers = [h.strip() for h in raw_rows[0]]
    # Trailing empty header cells with empty columns below (spreadsheet padding) are dropped.
    while headers and not headers[-1]:
        headers.pop()
    notes: list[str] = []
    ignored: list[int] = []
    for index, header in enumerate(headers):
        if header:
            continue
        if index == 0:
            ignored.append(0)
            notes.append("Column 1 has no name (a row index, as pandas writes): it is ignored.")
        else:
            raise FileRejected(f"Column {index + 1} has an empty header. Give every column a name and try again.")
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        key = header.casefold()
        if key in seen:
            raise FileRejected(
                f"The header '{header}' appears twice (columns {seen[key] + 1} and {index + 1}). "
                "Rename or remove one of them."
            )
        seen[key] = index
    width = len(headers)
    table = Table(headers=headers, rows=[], row_numbers=[], notes=notes, ignored_columns=ignored)
    for number, raw in enumerate(raw_rows[1:], start=2):
        cells = [c.strip() for c in raw[:width]] + [""] * (width - len(raw))
        extra = any(c.strip() for c in raw[width:])
        if not any(cells) and not extra:
            table.blank_rows.append(number)
            continue
        if extra:
            table.wide_rows.add(number)
        table.rows.append(cells)
        table.row_numbers.append(number)
    # Spreadsheets often end with empty rows; those after the last data row are not worth a message each.
    last = table.row_numbers[-1] if table.row_numbers else 0
    trailing = [n for n in table.blank_rows if n > last]
    if trailing and len(trailing) > 5:
        table.blank_rows = [n for n in table.blank_rows if n <= last]
        table.notes.append(f"{len(trailing)} empty rows after row {last} are ignored.")
    if not table.rows:
        raise FileRejected("The file has a header row but no data rows.")
    return table
