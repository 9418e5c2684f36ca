"""`onemind import-roster` and `onemind compliance` for scripts: every error row, JSON, exit status, no traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_scopes import scope

from onemind.roster.models import Person
from tests.conftest import Cast
from tests.imports.conftest import ROSTER_HEADER, csv_bytes, roster_rows

pytestmark = pytest.mark.django_db


def run(*args: str) -> int:
    """The command's exit status (0 when it returned normally)."""
    try:
        call_command(*args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def roster_file(tmp_path: Path, bad_rows: int = 2) -> Path:
    rows = roster_rows(5)
    for n in range(bad_rows):
        rows[n][7] = "2013-13-01"
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([ROSTER_HEADER, *rows]))
    return path


def test_it_prints_every_error_row_and_refuses_to_apply_without_skip_errors(
    cast: Cast, tmp_path: Path, capsys: Any
) -> None:
    path = roster_file(tmp_path)
    status = run("import_roster", str(path), "--agency", cast.agency.slug, "--apply")
    out, err = capsys.readouterr()
    assert status == 1
    assert "row 2, hire_date, '2013-13-01': Hire date has month 13; a month is 1 to 12" in out
    assert "row 3, hire_date, '2013-13-01'" in out
    assert "2 rows have errors" in err and "Traceback" not in out + err
    with scope(agency=cast.agency):
        assert not Person.objects.filter(agency=cast.agency).exists()
    assert run("import_roster", str(path), "--agency", cast.agency.slug, "--apply", "--skip-errors") == 0
    with scope(agency=cast.agency):
        assert Person.objects.filter(agency=cast.agency).count() == 3
    capsys.readouterr()
    assert run("import_roster", str(path), "--agency", cast.agency.slug, "--apply", "--skip-errors") == 1
    assert "Nothing to apply" in capsys.readouterr().err


def test_json_output_gives_the_per_row_plan(cast: Cast, tmp_path: Path, capsys: Any) -> None:
    path = roster_file(tmp_path, bad_rows=1)
    assert run("import_roster", str(path), "--agency", cast.agency.slug, "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    batch = report["batches"][0]
    assert batch["status"] == "previewed" and batch["counts"]["create"] == 4
    rows = {r["row"]: r for r in batch["rows"]}
    assert rows[2]["action"] == "error"
    assert rows[2]["errors"][0]["column"] == "hire_date" and rows[2]["errors"][0]["value"] == "2013-13-01"
    assert rows[3]["action"] == "create" and rows[3]["changes"]["last_name"] == [None, "Lastname2"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "no-such-agency"], "No agency with the slug"),
        (["--agency", "{agency}", "--where", "County"], "write COLUMN=VALUE"),
        (["--split-by", "last_name"], "by name alone"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    cast: Cast, tmp_path: Path, capsys: Any, args: list[str], message: str
) -> None:
    path = roster_file(tmp_path)
    args = [a.replace("{agency}", cast.agency.slug) for a in args]
    assert run("import_roster", str(path), *args) == 2
    out, err = capsys.readouterr()
    assert message in err and "Traceback" not in out + err


def test_a_bad_file_exits_2_with_the_reason(cast: Cast, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"%PDF-1.4 not a roster")
    assert run("import_roster", str(path), "--agency", cast.agency.slug) == 2
    assert "This is a PDF document" in capsys.readouterr().err


def test_compliance_prints_the_engines_result_as_text_or_json(cast: Cast, tmp_path: Path, capsys: Any) -> None:
    path = roster_file(tmp_path, bad_rows=0)
    run("import_roster", str(path), "--agency", cast.agency.slug, "--apply")
    capsys.readouterr()
    assert run("compliance", "--agency", cast.agency.slug, "--on", "2026-03-01", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["on"] == "2026-03-01" and [s["number"] for s in data["strategies"]] == [1, 2, 3, 4]
    assert data["strategies"][2]["sworn"]["denominator"] == 5
    assert run("compliance", "--agency", cast.agency.slug, "--on", "2026-03-01") == 0
    assert "strategy 3: unmet 0/5" in capsys.readouterr().out
    assert run("compliance", "--agency", cast.agency.slug, "--on", "2026-02-30") == 2
    assert "is not a date" in capsys.readouterr().err
    assert run("compliance", "--agency", "nope") == 2
