from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onemind.directory.services import import_agencies
from onemind.tenancy.models import Agency
from tests.conftest import Cast, shared_file

pytestmark = pytest.mark.django_db

PLAIN = """ori,name,type,state,county
IL0160000,Springfield Police Department,City,IL,Sangamon
il0170000 ,Shelbyville  Police Department,Municipal,IL,Shelby
,No ORI Police,City,IL,Nowhere
0000000,Placeholder PD,City,IL,Nowhere
XX1234567,Bad State PD,City,XX,Nowhere
WY01301,Riverton Police Department,City,WY,Fremont
IL0160000,Springfield Again,City,IL,Sangamon
"""


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "agencies.csv"
    path.write_text(text)
    return str(path)


def test_a_plain_csv_loads_and_reports_every_bad_row_with_its_row_and_column(tmp_path: Path) -> None:
    report = import_agencies(_write(tmp_path, PLAIN))
    assert report.created == 3
    assert [(e.row_number, e.column) for e in report.errors] == [(4, "ori"), (5, "ori"), (6, "ori"), (8, "ori")]
    assert "appears again; its first row is 2" in report.errors[-1].reason
    assert Agency.objects.get(ori="IL0170000").name == "Shelbyville Police Department"


def test_re_running_an_import_updates_and_never_duplicates(tmp_path: Path) -> None:
    path = _write(tmp_path, PLAIN)
    import_agencies(path)
    again = import_agencies(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Agency.objects.count() == 3
    renamed = import_agencies(_write(tmp_path, PLAIN.replace("Sangamon", "Sangamon County")))
    assert renamed.updated == 1 and Agency.objects.count() == 3


def test_a_legacy_seven_character_ori_links_to_the_agency_with_that_prefix(tmp_path: Path) -> None:
    import_agencies(_write(tmp_path, "ori,name,type,state,county\nWY0130100,Riverton PD,City,WY,Fremont\n"))
    report = import_agencies(_write(tmp_path, "ori,name,type,state,county\nWY01301,Riverton Police,City,WY,Fremont\n"))
    assert report.updated == 1 and report.created == 0
    assert Agency.objects.get().name == "Riverton Police" and Agency.objects.get().ori == "WY0130100"


def test_an_agency_that_signed_up_keeps_its_own_profile(cast: Cast, tmp_path: Path) -> None:
    Agency.objects.filter(pk=cast.agency.pk).update(source=Agency.Source.SIGNUP)
    report = import_agencies(_write(tmp_path, "ori,name,type,state,county\nIL0160000,Renamed,City,IL,X\n"))
    assert report.kept == 1
    assert Agency.objects.get(pk=cast.agency.pk).name == "Springfield Police Department"


def test_the_command_refuses_an_unknown_file_format_with_the_columns_it_expected(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Expected one of"):
        call_command("import_agencies", _write(tmp_path, "a,b,c\n1,2,3\n"))


def test_the_command_reports_a_missing_file() -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_agencies", "/nonexistent/agencies.csv")


@pytest.mark.realdata
def test_the_full_fbi_agency_list_loads_in_under_a_minute_and_reloads_without_duplicates(capsys) -> None:  # noqa: ANN001
    path = str(shared_file("agencies/fbi_cde_agencies_2018.csv"))
    started = time.perf_counter()
    call_command("import_agencies", path)
    elapsed = time.perf_counter() - started
    out = capsys.readouterr().out
    assert "18702 rows" in out and "18702 created" in out and "0 rejected" in out
    assert elapsed < 60, elapsed
    call_command("import_agencies", path)
    assert "18702 unchanged" in capsys.readouterr().out
    assert Agency.objects.count() == 18702
    assert Agency.objects.get(ori="HI0020000").agency_type == "city"
