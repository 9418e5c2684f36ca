"""The real files of ../shared/data: every quirk their READMEs list becomes a per-row message, never a crash."""

from __future__ import annotations

import collections
from typing import Any

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from onemind.imports.models import ImportBatch, ImportChange
from onemind.roster.models import Person
from onemind.tenancy.models import Agency
from onemind.training.models import TrainingRecord
from tests.conftest import Cast, shared_file
from tests.imports.conftest import apply, upload

pytestmark = [pytest.mark.django_db, pytest.mark.realdata]

CHICAGO = "rosters/chicago_pd_active_duty_roster_2016-06-28.csv"
CIT = "crisis_cit/chicago_pd_cit_40hr_certified_active_sworn_2016-08-19.csv"
SEPARATIONS = "rosters/chicago_pd_separated_sworn_2015-2024_foia_p944287.csv"
NJ = "rosters/nj_oag_officers_2021.csv"


def all_reasons(batch: ImportBatch) -> list[str]:
    with scopes_disabled():
        return [e[2] for c in ImportChange.objects.filter(batch=batch, action="error") for e in c.errors]


def count(batch: ImportBatch, text: str) -> int:
    """How many row errors of the batch contain `text`."""
    return sum(text in reason for reason in all_reasons(batch))


def summary(batch: ImportBatch) -> list[tuple[str, int]]:
    cut = collections.Counter(
        r.split(" (")[0].split(" belongs")[0].split(" appears")[0][:70] for r in all_reasons(batch)
    )
    return cut.most_common(8)


def chicago_roster(cast: Cast) -> ImportBatch:
    path = shared_file(CHICAGO)
    batch = upload(cast.agency, cast.coordinator, path.read_bytes(), name=path.name)
    return apply(batch, cast.coordinator, skip_errors=True)


def test_the_chicago_roster_imports_with_a_message_for_each_quirk(cast: Cast) -> None:
    batch = chicago_roster(cast)
    counts = batch.counts
    print("chicago roster:", counts, summary(batch))
    assert counts["create"] + counts["error"] == 13530
    assert count(batch, "The row is empty; it is skipped.") == 2
    assert count(batch, "Only this cell is filled: it looks like a note or footer") == 1
    assert count(batch, "No name and no employee or badge number") >= 650  # the redacted rows
    assert count(batch, "No employee number or badge number: this row cannot be matched") > 1000
    assert count(batch, "cannot tell people apart") > 200  # reissued star numbers
    with scope(agency=cast.agency):
        people = Person.objects.filter(agency=cast.agency)
        assert people.count() == counts["create"]
        assert people.filter(sworn=False, rank="CROSSING GUARD").exists()
        assert people.filter(last_name="WIECHERT, JR.").count() <= 1  # a comma inside the surname is kept
    again = upload(cast.agency, cast.coordinator, shared_file(CHICAGO).read_bytes(), name="again.csv")
    assert (again.counts["create"], again.counts["update"]) == (0, 0)


def test_the_chicago_cit_file_becomes_cit_40_records_joined_on_star_number(cast: Cast) -> None:
    chicago_roster(cast)
    path = shared_file(CIT)
    batch = upload(
        cast.agency,
        cast.coordinator,
        path.read_bytes(),
        name=path.name,
        kind="training",
        mapping={},
        options={"course_code": "CIT-40"},
    )
    print("chicago CIT:", batch.counts, summary(batch))
    assert batch.counts["create"] + batch.counts["error"] == 2236
    assert batch.counts["create"] > 1500
    apply(batch, cast.coordinator, skip_errors=True)
    with scope(agency=cast.agency):
        records = TrainingRecord.objects.filter(agency=cast.agency, course_type__code="CIT-40")
        assert records.count() == batch.counts["create"]
        assert records.filter(completed_on__year=2004).exists()  # the 16:00:00 time was dropped, the date kept


def test_the_chicago_separations_file_separates_people_and_flags_separation_before_hire(cast: Cast) -> None:
    chicago_roster(cast)
    path = shared_file(SEPARATIONS)
    batch = upload(cast.agency, cast.coordinator, path.read_bytes(), name=path.name, mapping={}, options={})
    print("chicago separations:", batch.counts, summary(batch))
    assert batch.counts["separation"] > 500
    assert count(batch, "before the hire date") >= 1
    assert count(batch, "badge numbers are reissued, so the row is not matched") >= 1
    apply(batch, cast.coordinator, skip_errors=True)
    with scope(agency=cast.agency):
        assert Person.objects.filter(agency=cast.agency, status="separated").count() >= batch.counts["separation"]


def test_the_nj_officer_file_previews_with_a_message_on_every_row_and_splits_by_agency(cast: Cast, capsys: Any) -> None:
    path = shared_file(NJ)
    batch = upload(cast.agency, cast.coordinator, path.read_bytes(), name=path.name)
    print("nj officers:", batch.counts, summary(batch))
    assert batch.counts["error"] == 30617 and batch.counts["create"] == 0
    assert count(batch, "No name and no employee or badge number") == 30617
    with scopes_disabled():
        before = Agency.objects.count()
    call_command("import_roster", str(path), "--split-by-column", "Agency", "--create-agencies", "--state", "NJ")
    output = capsys.readouterr().out
    with scopes_disabled():
        created = Agency.objects.count() - before
    assert created > 400
    assert "total: {" in output and "'error': 30617" in output
