"""Reading an uploaded roster or training file into a plain table of strings, refusing files we cannot trust.

CSV in any common dialect (, ; tab |), UTF-8 with or without BOM, Windows-1252 fallback, mixed line endings; XLSX
through openpyxl in read-only mode (defusedxml installed, so XML bombs are refused) after the zip members' sizes have
been checked. Cells are never evaluated: an XLSX formula arrives as its text, like any other value. The type is
judged by the bytes, never the name: an XLSX named .csv is read as XLSX, a PDF named .csv is refused.

Rows are streamed: only the columns the import uses (``keep``) and the rows its filter keeps (``where``) are held
in memory, so a 52,000-row × 120-column file costs what its mapped columns cost.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterable, Iterator, Sequence
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
    # Rows the filter left out (a multi-agency file cut to one agency), and how many data rows the file has.
    filtered_out: int = 0
    rows_in_file: int = 0


@dataclass
class Profile:
    """What the worker learns from a first pass: headers, sample values and how full each column is."""

    headers: list[str]
    samples: dict[str, list[str]]
    filled: dict[str, int]
    rows: int
    notes: list[str]


# Signatures of files people upload by mistake, named .csv or .xlsx.
_NOT_TABULAR = (
    (b"%PDF", "This is a PDF document, not a spreadsheet. Upload a CSV or an XLSX workbook."),
    (b"\xd0\xcf\x11\xe0", "This is an old Excel (.xls) or Word file. Save it as XLSX or CSV and upload that."),
    (b"\x89PNG", "This is an image, not a spreadsheet. Upload a CSV or an XLSX workbook."),
    (b"\xff\xd8\xff", "This is an image, not a spreadsheet. Upload a CSV or an XLSX workbook."),
    (b"GIF8", "This is an image, not a spreadsheet. Upload a CSV or an XLSX workbook."),
    (b"\x1f\x8b", "This is a compressed (.gz) file. Unpack it and upload the CSV inside."),
)


def _kind_of(path: Path, name: str) -> str:
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
    for magic, message in _NOT_TABULAR:
        if head.startswith(magic):
            raise FileRejected(message)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise FileRejected("The workbook is damaged or not an XLSX file.")
    return "csv"


def raw_rows(path: Path, name: str | None = None) -> Iterator[list[str]]:
    """Every row of the file as strings, header first, streamed (CSV or the first sheet of an XLSX)."""
    name = name or path.name
    if _kind_of(path, name) == "xlsx":
        return _read_xlsx(path)
    return _read_csv(path)


def read_table(
    path: Path,
    name: str | None = None,
    *,
    keep: Iterable[str] | None = None,
    where: Sequence[tuple[str, str]] = (),
) -> Table:
    """Read a CSV or XLSX file into a Table, or raise FileRejected with a message a coordinator can act on.

    ``keep``: the headers whose cells are kept (all when None); ``where``: (header, value) pairs a row must all
    match (ignoring case and surrounding spaces) to be kept.
    """
    return _to_table(raw_rows(path, name), keep=None if keep is None else set(keep), where=where)


def profile(path: Path, name: str | None = None, *, samples: int = 20) -> Profile:
    """Headers, the first non-empty values of each column and each column's count of filled cells."""
    rows = raw_rows(path, name)
    header = _header(rows)
    values: dict[str, list[str]] = {h: [] for h in header.names if h}
    filled: dict[str, int] = dict.fromkeys(values, 0)
    count = 0
    for raw in rows:
        if not any(c.strip() for c in raw):
            continue
        count += 1
        for index, cell in enumerate(raw[: header.width]):
            cell = cell.strip()
            h = header.names[index]
            if cell and h:
                filled[h] += 1
                if len(values[h]) < samples:
                    values[h].append(cell[:60])
    if not count:
        raise FileRejected("The file has a header row but no data rows.")
    return Profile([h for h in header.names if h], values, filled, count, header.notes)


def _decode_check(path: Path) -> str:
    """The file's text encoding (UTF-8 or Windows-1252), after refusing binary content."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        first = fh.read(65536)
        fh.seek(max(0, size - 65536))
        last = fh.read()
    if b"\x00" in first or b"\x00" in last:
        raise FileRejected("This is not a text file (it contains NUL bytes). Upload a CSV or an XLSX workbook.")
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            while fh.read(1 << 20):
                pass
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        text = first.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "The file is neither UTF-8 nor Windows-1252 text. Save it as CSV (UTF-8) or XLSX and try again."
        ) from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > 10:
        raise FileRejected("This does not look like a text file. Upload a CSV or an XLSX workbook.")
    return "cp1252"


def _read_csv(path: Path) -> Iterator[list[str]]:
    encoding = _decode_check(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as fh:
        first_line = fh.readline()
        if not first_line.strip() and not fh.read(4096).strip():
            raise FileRejected("The file is empty.")
        fh.seek(0)
        # csv reads \r\n, \n and a lone \r (old Mac) as line ends alike.
        reader = csv.reader(fh, delimiter=_delimiter(first_line), doublequote=True, quotechar='"')
        try:
            for number, row in enumerate(reader):
                if number > MAX_ROWS:
                    raise FileRejected(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
                yield row
        except csv.Error as exc:
            raise FileRejected(f"Row {reader.line_num} could not be read as CSV: {exc}.") from exc


def _delimiter(header: str) -> str:
    """The separator of the header line: csv.Sniffer guesses it; a count of candidates settles a failed guess.

    Only the delimiter is taken from the sniffer; quoting stays the spreadsheet standard (\"\" inside quotes).
    """
    header = header.rstrip("\r\n").lstrip("\ufeff")
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
            if "xl/workbook.xml" not in archive.namelist():
                raise FileRejected("This zip file is not an XLSX workbook. Upload a CSV or an XLSX workbook.")
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


def _read_xlsx(path: Path) -> Iterator[list[str]]:
    _check_zip(path)
    import openpyxl

    handle = path.open("rb")  # a file object: openpyxl then judges the content, not the name (.csv)
    try:
        # data_only=False: a formula cell yields its text (e.g. "=1+1"), never a computed value.
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        handle.close()
        raise FileRejected("The workbook could not be opened: it is damaged or not an XLSX workbook.") from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True)):
            if number > MAX_ROWS:
                raise FileRejected(f"The sheet has more than {MAX_ROWS:,} rows. Split it into smaller files.")
            yield [_cell_text(v) for v in values]
    except FileRejected:
        raise
    except Exception as exc:  # a damaged sheet part
        raise FileRejected("The workbook's first sheet could not be read: it is damaged.") from exc
    finally:
        workbook.close()
        handle.close()


@dataclass
class _Header:
    names: list[str]
    width: int
    notes: list[str]
    ignored: list[int]


def _header(rows: Iterator[list[str]]) -> _Header:
    first = next(rows, None)
    if first is None or not any(cell.strip() for cell in first):
        raise FileRejected("The file is empty (no header row on the first line).")
    headers = [h.strip().lstrip("\ufeff") for h in first]
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
    return _Header(headers, len(headers), notes, ignored)


def filter_key(value: str) -> str:
    return " ".join(value.split()).casefold()


def _to_table(
    rows: Iterator[list[str]], *, keep: set[str] | None = None, where: Sequence[tuple[str, str]] = ()
) -> Table:
    header = _header(rows)
    headers, width = header.names, header.width
    index = {h: i for i, h in enumerate(headers) if h}
    for column, _value in where:
        if column not in index:
            raise FileRejected(f"The file has no column “{column}” to filter on.")
    tests = [(index[c], filter_key(v)) for c, v in where]
    if keep is None:
        kept = list(range(width))
    else:
        kept = [i for i, h in enumerate(headers) if h in keep or i in header.ignored]
    table = Table(
        headers=[headers[i] for i in kept],
        rows=[],
        row_numbers=[],
        notes=header.notes,
        ignored_columns=[kept.index(i) for i in header.ignored if i in kept],
    )
    whole = kept == list(range(width))
    for number, raw in enumerate(rows, start=2):
        extra = any(c.strip() for c in raw[width:])
        if not extra and not any(c.strip() for c in raw):
            table.blank_rows.append(number)
            continue
        table.rows_in_file += 1
        if tests and not all(i < len(raw) and filter_key(raw[i]) == want for i, want in tests):
            table.filtered_out += 1
            continue
        if extra:
            table.wide_rows.add(number)
        if whole:
            cells = [c.strip() for c in raw[:width]]
            if len(cells) < width:
                cells += [""] * (width - len(cells))
        else:
            cells = [raw[i].strip() if i < len(raw) else "" for i in kept]
        table.rows.append(cells)
        table.row_numbers.append(number)
    # Spreadsheets often end with empty rows; those after the last data row are not worth a message each.
    last = table.row_numbers[-1] if table.row_numbers else 0
    trailing = [n for n in table.blank_rows if n > last]
    if trailing and len(trailing) > 5:
        table.blank_rows = [n for n in table.blank_rows if n <= last]
        table.notes.append(f"{len(trailing)} empty rows after row {last} are ignored.")
    if not table.rows_in_file:
        raise FileRejected("The file has a header row but no data rows.")
    if tests:
        shown = " and ".join(f"{c} = {v}" for c, v in where)
        table.notes.append(
            f"Only the rows where {shown} are imported: {len(table.rows):,} of {table.rows_in_file:,} rows kept."
        )
    return table
