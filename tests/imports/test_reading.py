"""Reading uploaded files: dialects and encodings accepted, unusable files refused with a clear message."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from onemind.imports.reading import MAX_FILE_BYTES, FileRejected, read_table


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_it_reads_each_common_delimiter(tmp_path: Path, delimiter: str) -> None:
    data = delimiter.join(["last_name", "first_name", "badge"]) + "\r\n" + delimiter.join(["Ames", "Jo", "12"])
    table = read_table(write(tmp_path, "r.csv", data.encode()))
    assert table.headers == ["last_name", "first_name", "badge"]
    assert table.rows == [["Ames", "Jo", "12"]]


def test_it_reads_utf8_with_bom_and_mixed_line_endings(tmp_path: Path) -> None:
    data = "\ufefflast_name,first_name\r\nÅberg,Li\nNuñez,Sam\rOrtiz,Al\r\n".encode()
    table = read_table(write(tmp_path, "r.csv", data))
    assert table.headers == ["last_name", "first_name"]
    assert [r[0] for r in table.rows] == ["Åberg", "Nuñez", "Ortiz"]
    assert table.row_numbers == [2, 3, 4]


def test_it_falls_back_to_windows_1252(tmp_path: Path) -> None:
    data = "last_name,first_name\r\nMüller,José\r\n".encode("cp1252")
    table = read_table(write(tmp_path, "r.csv", data))
    assert table.rows == [["Müller", "José"]]


def test_it_refuses_an_empty_file(tmp_path: Path) -> None:
    with pytest.raises(FileRejected, match="empty"):
        read_table(write(tmp_path, "r.csv", b""))
    with pytest.raises(FileRejected, match="empty"):
        read_table(write(tmp_path, "r.csv", b"\r\n\r\n  \r\n"))


def test_it_refuses_a_header_without_rows(tmp_path: Path) -> None:
    with pytest.raises(FileRejected, match="header row but no data rows"):
        read_table(write(tmp_path, "r.csv", b"last_name,first_name\r\n,\r\n"))


def test_it_refuses_a_binary_file_named_csv(tmp_path: Path) -> None:
    with pytest.raises(FileRejected, match="not a text file"):
        read_table(write(tmp_path, "roster.csv", bytes(range(256)) * 40))


def test_it_refuses_a_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as fh:
        fh.write(b"last_name\n")
        fh.seek(MAX_FILE_BYTES + 1)
        fh.write(b"x\n")
    with pytest.raises(FileRejected, match="the limit is 25 MB"):
        read_table(path)


def test_it_reports_the_column_number_of_an_empty_header_cell(tmp_path: Path) -> None:
    with pytest.raises(FileRejected, match="Column 3 has an empty header"):
        read_table(write(tmp_path, "r.csv", b"last_name,first_name,,badge\r\nA,B,C,1\r\n"))


def test_it_ignores_an_unnamed_first_column_like_a_pandas_index_with_a_note(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "r.csv", b",last_name,badge\r\n0,Ames,1\r\n1,Bell,2\r\n"))
    assert table.ignored_columns == [0]
    assert "Column 1 has no name" in table.notes[0]


def test_it_refuses_duplicate_headers(tmp_path: Path) -> None:
    with pytest.raises(FileRejected, match="appears twice"):
        read_table(write(tmp_path, "r.csv", b"Badge,last_name,badge\r\n1,A,2\r\n"))


def test_it_keeps_empty_rows_in_the_numbering_and_lists_them(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "r.csv", b"last_name,badge\r\nA,1\r\n,\r\nB,2\r\n"))
    assert table.row_numbers == [2, 4]
    assert table.blank_rows == [3]


def test_it_reads_the_first_sheet_of_a_workbook_and_never_evaluates_formulas(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["last_name", "badge", "hire_date"])
    sheet.append(["=1+1", 12.0, None])
    sheet.append(["Ames", 13, "2020-01-02"])
    path = tmp_path / "r.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.rows[0][:2] == ["=1+1", "12"]
    assert table.rows[1] == ["Ames", "13", "2020-01-02"]


def test_it_refuses_an_xlsx_zip_bomb_before_opening_it(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (20 * 1024 * 1024))
    with pytest.raises(FileRejected, match="zip bomb"):
        read_table(write(tmp_path, "bomb.xlsx", buffer.getvalue()))


def test_it_refuses_a_damaged_workbook(tmp_path: Path) -> None:
    with pytest.raises(FileRejected, match="damaged"):
        read_table(write(tmp_path, "r.xlsx", b"PK\x03\x04 not really a zip"))
