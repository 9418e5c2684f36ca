from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from onemind.directory.parsing import (
    ParsedAgency,
    RowError,
    UnknownFormat,
    normalize_county,
    parse_agency_file,
)
from onemind.lib.agency_types import AGENCY_TYPE_SLUGS, AGENCY_TYPES, agency_type_for

FBI_HEADER = (
    ",agency_name,agency_type_name,county_name,division_name,latitude,longitude,nibrs,ori,"
    "region_desc,region_name,state_abbr,state_name"
)
FBI_ROW = (
    "4,Milford Police Department,City,KENT; SUSSEX,South Atlantic,38.91612,-75.42161,1.0,DE0030500,"
    "Region III,South,DE,Delaware"
)
REAL_FILE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "agencies" / "fbi_cde_agencies_2018.csv"


def parse(data: bytes | str) -> list[ParsedAgency | RowError]:
    stream: io.BytesIO | io.StringIO = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
    return list(parse_agency_file(stream))


def only_agency(data: bytes | str) -> ParsedAgency:
    [item] = parse(data)
    assert isinstance(item, ParsedAgency), item
    return item


def only_error(data: bytes | str) -> RowError:
    [item] = parse(data)
    assert isinstance(item, RowError), item
    return item


def test_it_reads_the_fbi_format_despite_its_empty_first_header_cell() -> None:
    agency = only_agency(f"{FBI_HEADER}\n{FBI_ROW}\n")
    assert agency == ParsedAgency(
        row_number=2,
        ori="DE0030500",
        name="Milford Police Department",
        agency_type="city",
        state="DE",
        county="Kent; Sussex",
        latitude=38.91612,
        longitude=-75.42161,
        raw_type="City",
    )


def test_it_reads_a_plain_csv_with_case_insensitive_headers() -> None:
    agency = only_agency(b"ORI,Name,Type,State,County\nil0160000,Chicago  Police Department ,Municipal,il,COOK\n")
    assert (agency.ori, agency.name, agency.agency_type, agency.state, agency.county) == (
        "IL0160000",
        "Chicago Police Department",
        "city",
        "IL",
        "Cook",
    )
    assert agency.latitude is None and agency.longitude is None


def test_it_reads_optional_coordinates_in_a_plain_csv() -> None:
    agency = only_agency(
        "ori,name,type,state,county,latitude,longitude\nIL01600,Chicago PD,City,IL,Cook,41.88,-87.63\n"
    )
    assert (agency.ori, agency.latitude, agency.longitude) == ("IL01600", 41.88, -87.63)


def test_it_drops_out_of_range_or_unreadable_coordinates_without_an_error() -> None:
    header = "ori,name,type,state,county,latitude,longitude\n"
    rows = [
        "IL0160000,A,City,IL,Cook,91,-87.6",
        "IL0160001,B,City,IL,Cook,41.8,-181",
        "IL0160002,C,City,IL,Cook,north,-87.6",
        "IL0160003,D,City,IL,Cook,0,0",
        "IL0160004,E,City,IL,Cook,nan,-87.6",
    ]
    items = parse(header + "\n".join(rows))
    assert all(isinstance(item, ParsedAgency) for item in items)
    assert [(item.latitude, item.longitude) for item in items if isinstance(item, ParsedAgency)] == [(None, None)] * 5


def test_it_decodes_utf8_with_a_byte_order_mark() -> None:
    agency = only_agency("\ufeffori,name,type,state,county\nPR0010000,Policía de Puerto Rico,State,PR,\n".encode())
    assert agency.name == "Policía de Puerto Rico"


def test_it_falls_back_to_windows_1252() -> None:
    data = b"ori,name,type,state,county\nLA0170000,Saint-Val\xe9ry Police,City,LA,ST MARY\n"
    assert only_agency(data).name == "Saint-Valéry Police"


def test_it_accepts_text_streams_as_well_as_bytes() -> None:
    assert only_agency("ori,name,type,state,county\nIL0160000,Chicago PD,City,IL,Cook\n").ori == "IL0160000"


def test_it_reads_a_path(tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    path.write_bytes(f"{FBI_HEADER}\r\n{FBI_ROW}\r\n".encode())
    [agency] = parse_agency_file(path)
    assert isinstance(agency, ParsedAgency) and agency.ori == "DE0030500"


def test_it_handles_crlf_line_endings() -> None:
    items = parse(b"ori,name,type,state,county\r\nIL0160000,A,City,IL,Cook\r\nIL0160001,B,City,IL,Cook\r\n")
    assert [(item.row_number, item.name) for item in items if isinstance(item, ParsedAgency)] == [
        (2, "A"),
        (3, "B"),
    ]


def test_it_handles_mixed_line_endings() -> None:
    data = (
        b"ori,name,type,state,county\r\nIL0160000,A,City,IL,Cook\nIL0160001,B,City,IL,Cook\rIL0160002,C,City,IL,x\r\n"
    )
    items = parse(data)
    assert [(item.row_number, item.name) for item in items if isinstance(item, ParsedAgency)] == [
        (2, "A"),
        (3, "B"),
        (4, "C"),
    ]


def test_row_numbers_count_blank_lines_like_a_spreadsheet_but_skip_them() -> None:
    items = parse("ori,name,type,state,county\n\nIL0160000,A,City,IL,Cook\n,,,,\n")
    assert [item.row_number for item in items] == [3]


def test_a_quoted_line_break_stays_inside_one_row() -> None:
    items = parse('ori,name,type,state,county\nIL0160000,"Chicago\nPolice",City,IL,Cook\nIL0160001,B,City,IL,Cook\n')
    assert [(item.row_number, item.name) for item in items if isinstance(item, ParsedAgency)] == [
        (2, "Chicago Police"),
        (3, "B"),
    ]


def test_it_reports_a_row_with_too_few_fields() -> None:
    error = only_error("ori,name,type,state,county\nIL0160000,Chicago PD,City\n")
    assert error == RowError(2, "", "IL0160000,Chicago PD,City", "This row has 3 fields; the header has 5")


def test_it_reports_a_row_with_too_many_fields() -> None:
    error = only_error("ori,name,type,state,county\nIL0160000,Chicago PD,City,IL,Cook,extra\n")
    assert error.reason == "This row has 6 fields; the header has 5"


def test_it_forgives_empty_padding_cells_at_the_end_of_a_row() -> None:
    assert only_agency("ori,name,type,state,county\nIL0160000,Chicago PD,City,IL,Cook,,\n").ori == "IL0160000"


def test_a_file_the_csv_reader_gives_up_on_ends_with_one_error_instead_of_raising() -> None:
    # An unclosed quote swallows the rest of the file into one field longer than the csv module's limit.
    items = parse('ori,name,type,state,county\nIL0160000,A,City,IL,Cook\nIL0160001,"' + "x" * 200_000)
    assert isinstance(items[0], ParsedAgency)
    assert isinstance(items[1], RowError) and items[1].row_number == 3
    assert "cannot be read" in items[1].reason


def test_it_reports_a_blank_ori_by_its_column() -> None:
    error = only_error("ORI,name,type,state,county\n  ,Chicago PD,City,IL,Cook\n")
    assert error == RowError(2, "ORI", "  ", "ORI is blank")


def test_it_reports_a_placeholder_ori() -> None:
    error = only_error(f"{FBI_HEADER}\n{FBI_ROW.replace('DE0030500', '0000000')}\n")
    assert (error.column, error.value) == ("ori", "0000000")
    assert "placeholder" in error.reason


def test_it_reports_a_malformed_ori_with_the_normalizers_message() -> None:
    error = only_error("ori,name,type,state,county\nXX12,Chicago PD,City,IL,Cook\n")
    assert error.reason == "ORI 'XX12' is 4 characters; expected 9 (e.g. IL0160000) or legacy 7 (IL01600)"


def test_it_reports_a_blank_name() -> None:
    error = only_error(f"{FBI_HEADER}\n{FBI_ROW.replace('Milford Police Department', '   ')}\n")
    assert (error.column, error.reason) == ("agency_name", "Agency name is blank")


def test_it_reports_an_unknown_state() -> None:
    error = only_error("ori,name,type,state,county\nIL0160000,Chicago PD,City,Ontario,Cook\n")
    assert error == RowError(2, "state", "Ontario", "'Ontario' is not a US state or territory")


def test_it_reports_a_blank_state() -> None:
    assert only_error("ori,name,type,state,county\nIL0160000,Chicago PD,City,,Cook\n").reason == "State is blank"


def test_it_reports_only_the_first_problem_so_each_row_yields_one_item() -> None:
    error = only_error("ori,name,type,state,county\n,,City,,Cook\n")
    assert error.column == "ori"


def test_it_turns_fbi_state_codes_into_postal_codes_but_keeps_the_ori() -> None:
    row = FBI_ROW.replace("DE0030500", "NB0010000").replace(",DE,Delaware", ",NB,Nebraska")
    agency = only_agency(f"{FBI_HEADER}\n{row}\n")
    assert (agency.ori, agency.state) == ("NB0010000", "NE")


def test_it_keeps_going_after_a_bad_row() -> None:
    items = parse(
        "ori,name,type,state,county\nIL0160000,A,City,IL,Cook\nBAD,B,City,IL,Cook\nIL0160002,C,City,IL,Cook\n"
    )
    assert [type(item).__name__ for item in items] == ["ParsedAgency", "RowError", "ParsedAgency"]


def test_an_unknown_header_lists_what_was_seen_and_what_is_expected() -> None:
    with pytest.raises(UnknownFormat) as excinfo:
        parse_agency_file(io.StringIO("County,Agency,Agency Type\nAtlantic,Absecon City PD,Municipal\n"))
    assert excinfo.value.seen == ["County", "Agency", "Agency Type"]
    assert excinfo.value.expected["Plain agency CSV"] == ["ori", "name", "type", "state", "county"]
    assert "agency_name" in excinfo.value.expected["FBI Crime Data Explorer agency list"]
    assert "'Agency Type'" in str(excinfo.value)


def test_an_empty_file_is_an_unknown_format() -> None:
    with pytest.raises(UnknownFormat) as excinfo:
        parse_agency_file(io.BytesIO(b""))
    assert excinfo.value.seen == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("KENT; SUSSEX", "Kent; Sussex"),
        ("kent, sussex", "Kent; Sussex"),
        ("COMAL;GUADALUPE ;  BEXAR", "Comal; Guadalupe; Bexar"),
        ("PRINCE GEORGE'S", "Prince George's"),
        ("MCLENNAN", "McLennan"),
        ("O'BRIEN", "O'Brien"),
        ("MIAMI-DADE", "Miami-Dade"),
        ("LEWIS AND CLARK", "Lewis and Clark"),
        ("DeKalb", "DeKalb"),
        ("COOK; COOK", "Cook"),
        ("", ""),
        (" ; ", ""),
    ],
)
def test_counties_are_title_cased_and_joined_by_semicolons(raw: str, expected: str) -> None:
    assert normalize_county(raw) == expected


@pytest.mark.parametrize(
    ("raw", "slug"),
    [
        # The seven spellings in the 2018 FBI CDE list.
        ("City", "city"),
        ("County", "county"),
        ("State Police", "state"),
        ("Other State Agency", "other"),
        ("University or College", "university"),
        ("Other", "other"),
        ("Tribal", "tribal"),
        # Common spellings in hand-made files.
        ("Municipal", "city"),
        ("Multiple Municipalities", "city"),
        ("Sheriff", "county"),
        ("Sheriff's Office", "county"),
        ("  highway   patrol ", "state"),
        ("UNIVERSITY", "university"),
        ("Federal", "federal"),
        ("School District", "other"),
        ("Transit", "other"),
        ("County police/sheriff", "county"),
    ],
)
def test_agency_type_spellings_map_to_slugs(raw: str, slug: str) -> None:
    assert agency_type_for(raw) == slug


def test_every_slug_and_label_maps_to_itself() -> None:
    for slug, label in AGENCY_TYPES:
        assert agency_type_for(slug) == agency_type_for(label) == slug


def test_an_unknown_type_is_other_and_keeps_its_raw_text() -> None:
    agency = only_agency("ori,name,type,state,county\nIL0160000,Chicago PD,Park Rangers Dept.,IL,Cook\n")
    assert (agency.agency_type, agency.raw_type) == ("other", "Park Rangers Dept.")
    assert agency_type_for("") == agency_type_for(None) == "other"


@pytest.mark.realdata
def test_it_parses_the_whole_fbi_agency_list_quickly_and_cleanly() -> None:
    if not REAL_FILE.exists():
        pytest.skip(f"../shared/data is absent: {REAL_FILE} not found")
    started = time.perf_counter()
    items = list(parse_agency_file(REAL_FILE))
    elapsed = time.perf_counter() - started

    errors = [item for item in items if isinstance(item, RowError)]
    agencies = [item for item in items if isinstance(item, ParsedAgency)]
    print(f"{len(agencies)} agencies, {len(errors)} errors in {elapsed:.2f}s")
    assert len(items) == 18_702
    # The README's profile says every ORI is a well-formed ORI9 and every row has 13 fields, and every name
    # and state_abbr is filled in, so nothing should be rejected.
    assert errors == []
    assert elapsed < 5
    assert {agency.agency_type for agency in agencies} == AGENCY_TYPE_SLUGS - {"federal"}
    assert sum(1 for agency in agencies if agency.latitude is None) == 556
    assert sum(1 for agency in agencies if ";" in agency.county) == 617
    assert agencies[-1].row_number == 18_703
