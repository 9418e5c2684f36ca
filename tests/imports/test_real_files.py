"""The real files of ../shared/data, imported as agencies send them.

Every expected number below was counted independently from the file with Python's csv module (the rule used is
written beside each number), not read back from the product: the product must agree with the file.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
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


def reasons(batch: ImportBatch, action: str = "error") -> list[str]:
    with scopes_disabled():
        return [e[2] for c in ImportChange.objects.filter(batch=batch, action=action) for e in c.errors]


def count(batch: ImportBatch, text: str, action: str = "error") -> int:
    """How many row messages of the batch (errors by default) contain `text`."""
    return sum(text in reason for reason in reasons(batch, action))


def matched_by(batch: ImportBatch) -> dict[str, int]:
    with scopes_disabled():
        found = ImportChange.objects.filter(batch=batch).exclude(matched_by="").values_list("matched_by", flat=True)
        return dict(collections.Counter(found))


def sworn_denominator(agency: Agency, on: dt.date | None = None) -> int:
    """Strategy 3's sworn denominator as `onemind compliance --format json` prints it."""
    out = _capture("compliance", "--agency", agency.slug, "--format", "json", *(["--on", str(on)] if on else []))
    return int(json.loads(out)["strategies"][2]["sworn"]["denominator"])


def _capture(*args: str) -> str:
    import io

    buffer = io.StringIO()
    call_command(*args, stdout=buffer)
    return buffer.getvalue()


def chicago_roster(cast: Cast) -> ImportBatch:
    path = shared_file(CHICAGO)
    batch = upload(cast.agency, cast.coordinator, path.read_bytes(), name=path.name)
    return apply(batch, cast.coordinator, skip_errors=True)


def test_the_chicago_roster_creates_every_identifiable_person(cast: Cast) -> None:
    """Independent count (csv.DictReader over the file, 13,530 data rows):
    - people = rows with LAST_NME and FIRST_NME filled, minus the 'Source: …' footer = 12,875, of which
      SWORN_OFFICER_I == 'Y' 11,380. Key per row: (SWORN_OFFICER_I, STAR_NO, LAST_NME, FIRST_NME) when STAR_NO is
      filled, else (LAST_NME, FIRST_NME, APPOINTED_DATE): all 12,875 keys are distinct (star 50294 is held by two
      crossing guards with different names: two people). 1,056 of them have no star (matched by name + hire date).
    - rows with every cell empty = 2 (skipped); rows with no name and no star (redacted) = 652; footer = 1.
    """
    batch = chicago_roster(cast)
    assert batch.counts["create"] == 12875
    assert batch.counts["skipped"] == 2 and count(batch, "The row is empty; it is skipped.", "skipped") == 2
    assert batch.counts["error"] == 653
    assert count(batch, "No name and no employee or badge number") == 652
    assert count(batch, "Only this cell is filled: it looks like a note or footer") == 1
    with scope(agency=cast.agency):
        people = Person.objects.filter(agency=cast.agency)
        assert people.count() == 12875
        assert people.filter(sworn=True).count() == 11380
        assert people.filter(badge_number="").count() == 1056
        assert people.filter(badge_number="50294").count() == 2
    assert sworn_denominator(cast.agency) == 11380
    again = upload(cast.agency, cast.coordinator, shared_file(CHICAGO).read_bytes(), name="again.csv")
    assert (again.counts["create"], again.counts["update"], again.counts["unchanged"]) == (0, 0, 12875)
    assert "People found by: badge number 11,819, name and hire date 1,056." in again.notes


def test_the_chicago_cit_list_becomes_cit_records_matched_by_star_then_name_and_appointment(cast: Cast) -> None:
    """Independent count over the CIT file (2,236 rows) against the roster's named rows:
    a row is a person when exactly one roster person has its STAR/BADGE and the same surname (compared without
    case, punctuation or a JR/SR/II… suffix), else when exactly one has the same last name, first name and
    APPOINTED_DATE == DATE OF APPOINTMENT. Result: 2,139 by star, 15 by name + appointment date, 82 nobody;
    2,154 distinct (person, SESSION END DATE) records.
    """
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
    assert batch.counts["create"] == 2154 and batch.counts["error"] == 82
    assert matched_by(batch) == {"badge number": 2139, "name and hire date": 15}
    assert "People found by: badge number 2,139, name and hire date 15." in batch.notes
    apply(batch, cast.coordinator, skip_errors=True)
    with scope(agency=cast.agency):
        records = TrainingRecord.objects.filter(agency=cast.agency, course_type__code="CIT-40")
        assert records.count() == 2154
        assert records.filter(completed_on__year=2004).exists()  # the 16:00:00 time was dropped, the date kept


def test_the_chicago_separations_file_only_separates_and_the_sworn_count_goes_down(cast: Cast) -> None:
    """Independent count over the separations file (6,516 rows), in file order, against the roster's named rows:
    stars = star1…star7 without '.0'; sworn = officer_flag == 'Y'. The person is the one roster person of that sworn
    status holding one of the stars with the same surname (suffix_name appended; narrowed by first name, then
    appointment date), else the one with the same last name, first name and appointed_date. A person already taken
    by an earlier row is an error. Outcome: no resignation_date → error (320); taken twice → error (12);
    resignation_date before the roster's APPOINTED_DATE → error (2); a star held by someone else of that status and
    nobody by name → skipped (914); nobody at all → skipped (954); otherwise a separation (4,314, of whom 4,312 sworn).
    """
    chicago_roster(cast)
    assert sworn_denominator(cast.agency) == 11380
    path = shared_file(SEPARATIONS)
    batch = upload(cast.agency, cast.coordinator, path.read_bytes(), name=path.name, kind="update")
    assert batch.kind == "update"
    assert batch.mapping["unit"] == "" and batch.mapping["unit_description"] == ""  # codes, not unit names
    assert batch.mapping["star1"] == "badge_number" and batch.mapping["star7"] == "badge_history"
    assert batch.mapping["suffix_name"] == "name_suffix"
    assert batch.counts["separation"] == 4314 and batch.counts["create"] == 0
    assert batch.counts["skipped"] == 914 + 954
    assert count(batch, "Not on the roster (Badge number", "skipped") == 914
    assert batch.counts["error"] == 320 + 12 + 2
    assert count(batch, "This separation row has no separation date.") == 320
    assert count(batch, "This row matches the same person as row") == 12 + 1  # one row also lacks its date
    assert count(batch, "is before the hire date") == 2
    apply(batch, cast.coordinator, skip_errors=True)
    with scope(agency=cast.agency):
        assert Person.objects.filter(agency=cast.agency).count() == 12875  # nobody created
        assert Person.objects.filter(agency=cast.agency, status="separated").count() == 4314
    assert sworn_denominator(cast.agency) == 11380 - 4312


@pytest.mark.parametrize(
    ("county", "agency", "officers"),
    [
        # Independent count: csv.DictReader rows with County.strip() == county and Agency.strip() == agency.
        ("Essex", "Newark PD", 1034),  # large
        ("Gloucester", "Washington Twp PD", 87),  # mid; the same name is in Bergen (21) and Morris (32)
        ("Hunterdon", "Frenchtown Boro PD", 3),  # small
    ],
)
def test_the_nj_officer_file_filtered_to_one_agency_gives_its_sworn_denominator(
    cast: Cast, county: str, agency: str, officers: int
) -> None:
    path = shared_file(NJ)
    options = {"filters": [["County", county], ["Agency", agency]], "sworn_default": "all"}
    batch = upload(cast.agency, cast.coordinator, path.read_bytes(), name=path.name, mapping={}, options=options)
    assert batch.counts["create"] == officers and batch.counts["error"] == 0
    assert batch.counts["filtered_out"] == 30617 - officers
    assert any(f"{officers:,} of 30,617 rows kept" in note for note in batch.notes)
    apply(batch, cast.coordinator)
    assert sworn_denominator(cast.agency) == officers
    again = upload(cast.agency, cast.coordinator, path.read_bytes(), name=path.name, mapping={}, options=options)
    assert (again.counts["create"], again.counts["unchanged"]) == (0, officers)


def test_the_command_line_splits_the_nj_file_by_county_and_agency_never_by_name_alone(cast: Cast, capsys: Any) -> None:
    path = shared_file(NJ)
    with scopes_disabled():
        towns = {
            county: Agency.objects.create(name="Washington Twp PD", county=county, state="NJ", agency_type="municipal")
            for county in ("Bergen", "Gloucester", "Morris")
        }
    with pytest.raises(SystemExit) as refused:
        call_command("import_roster", str(path), "--split-by", "Agency", "--state", "NJ")
    assert refused.value.code == 2
    assert "by name alone" in capsys.readouterr().err
    with pytest.raises(SystemExit) as partial:  # the other 527 agencies are not in the directory
        call_command(
            "import_roster",
            str(path),
            "--split-by",
            "County,Agency",
            "--state",
            "NJ",
            "--apply",
            "--sworn-default",
            "all",
        )
    assert partial.value.code == 1
    output = capsys.readouterr().out
    assert output.count("skipped, no agency fits this key") == 530 - 3
    # Independent count: rows per (County.strip(), Agency.strip()) for Agency == 'Washington Twp PD'.
    for county, officers in (("Bergen", 21), ("Gloucester", 87), ("Morris", 32)):
        assert sworn_denominator(towns[county]) == officers
