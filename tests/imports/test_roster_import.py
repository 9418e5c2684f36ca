"""Roster import through the service functions: preview, apply in one transaction, idempotency and undo."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from onemind.audit.models import AuditEntry
from onemind.imports import services
from onemind.imports.forms import MappingForm
from onemind.imports.mapping import mapping_errors, suggest_mapping
from onemind.imports.models import ImportBatch, ImportChange
from onemind.roster.models import Person, PersonEvent
from tests.conftest import Cast
from tests.imports.conftest import ROSTER_HEADER, apply, csv_bytes, roster_rows, roster_snapshot, upload

pytestmark = pytest.mark.django_db


def changes(batch: ImportBatch, action: str) -> list[ImportChange]:
    with scopes_disabled():
        return list(ImportChange.objects.filter(batch=batch, action=action).order_by("row_number", "id"))


def reasons(batch: ImportBatch) -> dict[int | None, str]:
    return {c.row_number: " | ".join(e[2] for e in c.errors) for c in changes(batch, "error")}


def people(cast: Cast) -> list[Person]:
    with scope(agency=cast.agency):
        return list(Person.objects.filter(agency=cast.agency).order_by("employee_number"))


def test_it_suggests_columns_from_headers_and_synonyms() -> None:
    headers = ["LAST_NME", "FIRST_NME", "EMPLOYEE POSITION", "UNIT DESCRIPTION", "APPOINTED DATE", "Star #", "x"]
    assert suggest_mapping("roster", headers) == {
        "LAST_NME": "last_name",
        "FIRST_NME": "first_name",
        "EMPLOYEE POSITION": "rank",
        "UNIT DESCRIPTION": "unit",
        "APPOINTED DATE": "hire_date",
        "Star #": "badge_number",
        "x": "",
    }
    assert suggest_mapping("roster", ["Full Name", "Badge", "Date of Hire", "Title"])["Full Name"] == "full_name"


def test_a_column_mapped_twice_is_an_error(cast: Cast) -> None:
    assert "chosen for two columns" in mapping_errors("roster", {"Star": "badge_number", "Badge": "badge_number"})[0]
    batch = upload(cast.agency, cast.coordinator, csv_bytes([["Star", "Badge", "last"], ["1", "2", "A"]]))
    form = MappingForm({"col_0": "badge_number", "col_1": "badge_number", "col_2": "last_name"}, batch=batch)
    assert not form.is_valid()
    assert "chosen for two columns" in str(form.non_field_errors())


def test_it_previews_creates_then_applies_and_the_same_file_twice_changes_nothing(cast: Cast) -> None:
    data = csv_bytes([ROSTER_HEADER, *roster_rows(5)])
    batch = upload(cast.agency, cast.coordinator, data)
    assert batch.status == "previewed"
    assert batch.counts == {"create": 5, "update": 0, "unchanged": 0, "separation": 0, "skipped": 0, "error": 0}
    assert people(cast) == []  # a preview writes nothing
    apply(batch, cast.coordinator)
    assert [p.employee_number for p in people(cast)] == [f"E{n:05d}" for n in range(1, 6)]
    with scopes_disabled():
        assert PersonEvent.objects.filter(import_batch_id=batch.pk, kind="hired").count() == 5
    again = upload(cast.agency, cast.coordinator, data)
    assert again.counts["create"] == 0 and again.counts["update"] == 0 and again.counts["unchanged"] == 5
    with pytest.raises(services.ImportRefused, match="Nothing to apply"):
        apply(again, cast.coordinator)


def test_it_lists_each_changed_field_with_old_and_new_values_and_writes_history(cast: Cast) -> None:
    apply(upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(3)])), cast.coordinator)
    rows = roster_rows(3)
    rows[1][6] = "Traffic"
    rows[2][4] = "N"
    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *rows]))
    assert batch.counts["update"] == 2 and batch.counts["unchanged"] == 1
    updates = changes(batch, "update")
    assert updates[0].row_number == 3 and updates[0].changes == {"unit": ["Patrol", "Traffic"]}
    assert updates[1].changes == {"sworn": [True, False]}
    apply(batch, cast.coordinator)
    with scopes_disabled():
        kinds = sorted(PersonEvent.objects.filter(import_batch_id=batch.pk).values_list("kind", flat=True))
    assert kinds == ["sworn_changed", "transferred"]


def test_duplicate_employee_numbers_in_one_file_are_errors_naming_the_first_row(cast: Cast) -> None:
    rows = roster_rows(3)
    rows[2][0] = rows[0][0]
    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *rows]))
    assert reasons(batch) == {4: "Employee number E00001 already appears on row 2."}


def test_a_badge_shared_by_two_names_or_by_a_sworn_and_a_civilian_is_two_people(cast: Cast) -> None:
    header = ["badge", "last_name", "first_name", "sworn"]
    rows = [["7", "Ames", "Jo", "Y"], ["8", "Bell", "Al", "Y"], ["7", "Cruz", "Lu", "Y"], ["8", "Bell", "Al", "N"]]
    batch = upload(cast.agency, cast.coordinator, csv_bytes([header, *rows, ["7", "AMES", "JO", "Y"]]))
    assert batch.counts["create"] == 4
    assert reasons(batch) == {6: "Same person as row 2."}
    apply(batch, cast.coordinator, skip_errors=True)
    again = upload(cast.agency, cast.coordinator, csv_bytes([header, *rows]))
    assert again.counts["unchanged"] == 4
    assert {c.matched_by for c in changes(again, "unchanged")} <= {"badge number"}


def test_future_and_placeholder_dates_and_separation_before_hire_are_row_errors(cast: Cast) -> None:
    future = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    data = csv_bytes(
        [
            ["employee_number", "last_name", "sworn", "hire_date", "separation_date"],
            ["1", "Ames", "Y", future, ""],
            ["2", "Bell", "Y", "1900-01-01", ""],
            ["3", "Cruz", "Y", "2010-05-01", "2009-01-01"],
            ["4", "Diaz", "Y", "01/02/1901", ""],
            ["5", "Egan", "Y", "2010-05-01", ""],
        ]
    )
    found = reasons(upload(cast.agency, cast.coordinator, data))
    assert found[2] == f"Hire date {future} is more than 366 days in the future."
    assert found[3] == "Hire date 1900-01-01 is a placeholder date, not a real one."
    assert found[4] == "Separation date 2009-01-01 is before the hire date 2010-05-01."
    assert "looks like a placeholder date" in found[5]
    assert 6 not in found


def test_formula_like_cells_are_stored_as_plain_text(cast: Cast) -> None:
    data = csv_bytes(
        [
            ["employee_number", "last_name", "first_name", "sworn", "unit"],
            ["1", '=HYPERLINK("http://x")', "+1", "Y", "@SUM(A1)"],
            ["2", "-Dash", "Al", "Y", "=1+1"],
        ]
    )
    apply(upload(cast.agency, cast.coordinator, data), cast.coordinator)
    stored = [(p.last_name, p.first_name, p.unit) for p in people(cast)]
    assert stored == [('=HYPERLINK("http://x")', "+1", "@SUM(A1)"), ("-Dash", "Al", "=1+1")]


def test_sworn_is_read_from_a_column_or_derived_from_the_rank_list(cast: Cast) -> None:
    data = csv_bytes(
        [
            ["employee_number", "last_name", "rank", "sworn"],
            ["1", "Ames", "CROSSING GUARD", "civilian"],
            ["2", "Bell", "PO/FIELD TRNING OFF", ""],
            ["3", "Cruz", "CROSSING GUARD", ""],
            ["4", "Diaz", "SERGEANT OF POLICE", "maybe"],
        ]
    )
    options = {"sworn_default": "ranks", "sworn_ranks": ["PO*", "Sergeant*"]}
    batch = upload(cast.agency, cast.coordinator, data, mapping={}, options=options)
    assert reasons(batch) == {5: "Sworn is not one of yes/no, Y/N, true/false, 1/0, sworn/civilian."}
    sworn = {c.label.split()[0].rstrip(","): c.changes["sworn"][1] for c in changes(batch, "create")}
    assert sworn == {"Ames": False, "Bell": True, "Cruz": False}


def test_a_single_name_column_in_last_first_form_is_split_and_anything_else_is_an_error(cast: Cast) -> None:
    data = csv_bytes([["Badge", "Full Name", "Sworn"], ["1", "AMES, JO", "Y"], ["2", "JO AMES", "Y"]])
    batch = upload(cast.agency, cast.coordinator, data)
    create = changes(batch, "create")[0]
    assert create.changes["last_name"] == [None, "AMES"] and create.changes["first_name"] == [None, "JO"]
    assert "is not in “LAST, FIRST” form" in reasons(batch)[3]


def test_a_footer_row_and_empty_rows_get_their_own_messages(cast: Cast) -> None:
    data = csv_bytes(
        [["badge", "last_name", "first_name", "sworn"], ["1", "Ames", "Jo", "Y"], [], ["", "Source: a report", "", ""]]
    )
    batch = upload(cast.agency, cast.coordinator, data)
    skipped = {c.row_number: c.errors[0][2] for c in changes(batch, "skipped")}
    assert skipped == {3: "The row is empty; it is skipped."} and batch.counts["skipped"] == 1
    found = reasons(batch)
    assert found == {
        4: "Only this cell is filled: it looks like a note or footer, not a row.",
    }


def test_apply_needs_confirmation_to_skip_error_rows_and_then_writes_only_the_others(cast: Cast) -> None:
    rows = roster_rows(3)
    rows[1][7] = "1900-01-01"
    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *rows]))
    with pytest.raises(services.ImportRefused, match="lists 1 rows with errors"):
        apply(batch, cast.coordinator)
    assert people(cast) == []
    apply(batch, cast.coordinator, skip_errors=True)
    assert [p.employee_number for p in people(cast)] == ["E00001", "E00003"]


def test_apply_fails_and_writes_nothing_when_the_roster_changed_while_it_waited(cast: Cast) -> None:
    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(3)]))
    with scope(agency=cast.agency):
        services.request_apply(actor=cast.coordinator, batch=batch, skip_errors=False, separate_missing=False)
        Person.objects.create(agency=cast.agency, last_name="Lastname2", employee_number="E00002")
        before = roster_snapshot(cast.agency)
        batch.refresh_from_db()
        with pytest.raises(services.ImportRefused, match="changed since the preview"):
            services.apply_batch(batch)
    assert roster_snapshot(cast.agency) == before
    batch.refresh_from_db()
    assert batch.status == "failed" and "Preview the file again" in batch.message


def test_a_preview_made_before_an_undo_is_checked_again_never_applied_as_nothing_to_apply(cast: Cast) -> None:
    data = csv_bytes([ROSTER_HEADER, *roster_rows(4)])
    first = apply(upload(cast.agency, cast.coordinator, data), cast.coordinator)
    stale = upload(cast.agency, cast.coordinator, data, name="again.csv")
    assert stale.counts["unchanged"] == 4 and not services.change_count(stale)
    with scope(agency=cast.agency):
        services.undo_batch(actor=cast.coordinator, batch=first)
        with pytest.raises(services.ImportRefused, match="records changed since this preview"):
            services.request_apply(
                actor=cast.coordinator, batch=stale, skip_errors=False, separate_missing=False, enqueue=False
            )
    stale.refresh_from_db()
    assert stale.status == "previewed" and stale.counts["create"] == 4  # checked again, now it would create
    apply(stale, cast.coordinator)
    assert len(people(cast)) == 4


def test_a_crash_halfway_through_apply_leaves_the_roster_unchanged(cast: Cast, monkeypatch: Any) -> None:
    apply(upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(1500)])), cast.coordinator)
    before = roster_snapshot(cast.agency)
    rows = roster_rows(1500, unit="Traffic") + roster_rows(1500, start=2001)
    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *rows]))

    def crash(done: int, total: int) -> None:
        if done >= total // 2:
            raise RuntimeError("power cut")

    monkeypatch.setattr(services, "checkpoint", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        apply(batch, cast.coordinator)
    assert roster_snapshot(cast.agency) == before
    with scopes_disabled():
        assert not PersonEvent.objects.filter(import_batch_id=batch.pk).exists()
    batch.refresh_from_db()
    assert batch.status == "failed" and "nothing was changed" in batch.message


def test_people_missing_from_the_file_are_separated_only_when_chosen_and_confirmed(cast: Cast) -> None:
    apply(upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(4)])), cast.coordinator)
    options = {"mark_missing": True, "separation_date": "2026-01-31", "separation_reason": "Left"}
    data = csv_bytes([ROSTER_HEADER, *roster_rows(3)])
    batch = upload(cast.agency, cast.coordinator, data, mapping={}, options=options)
    separation = changes(batch, "separation")
    assert len(separation) == 1 and separation[0].row_number is None and "E00004" in separation[0].label
    with pytest.raises(services.ImportRefused, match="Confirm that the people missing"):
        apply(batch, cast.coordinator)
    batch.refresh_from_db()
    apply(batch, cast.coordinator, separate_missing=True)
    gone = people(cast)[3]
    assert (gone.status, gone.separation_date, gone.separation_reason) == ("separated", dt.date(2026, 1, 31), "Left")
    assert upload(cast.agency, cast.coordinator, data, mapping={}, options=options).counts["separation"] == 0


def test_undo_restores_the_roster_exactly(cast: Cast) -> None:
    apply(upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(6)])), cast.coordinator)
    before = roster_snapshot(cast.agency)
    with scopes_disabled():
        events_before = PersonEvent.objects.count()
    rows = roster_rows(4, unit="Traffic") + roster_rows(3, start=10)
    rows[0][7] = "2014-01-01"
    options = {"mark_missing": True, "separation_date": "2026-01-31"}
    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *rows]), mapping={}, options=options)
    assert batch.counts == {"create": 3, "update": 4, "unchanged": 0, "separation": 2, "skipped": 0, "error": 0}
    apply(batch, cast.coordinator, separate_missing=True)
    assert roster_snapshot(cast.agency) != before
    with scope(agency=cast.agency):
        services.undo_batch(actor=cast.coordinator, batch=batch)
    assert roster_snapshot(cast.agency) == before
    with scopes_disabled():
        assert PersonEvent.objects.count() == events_before
    batch.refresh_from_db()
    assert batch.status == "undone"


def test_undo_is_refused_when_a_later_import_changed_the_same_people(cast: Cast) -> None:
    first = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(3)]))
    apply(first, cast.coordinator)
    apply(
        upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(3, unit="K9")])),
        cast.coordinator,
    )
    with scope(agency=cast.agency), pytest.raises(services.ImportRefused, match="Undo that import first"):
        services.undo_batch(actor=cast.coordinator, batch=first)
    assert {p.unit for p in people(cast)} == {"K9"}


def test_undo_is_refused_when_someone_edited_an_imported_person_since(cast: Cast) -> None:
    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(2)]))
    apply(batch, cast.coordinator)
    with scope(agency=cast.agency):
        Person.objects.filter(employee_number="E00001").update(unit="Hand edit", version=2)
        with pytest.raises(services.ImportRefused, match="edited or removed after this import"):
            services.undo_batch(actor=cast.coordinator, batch=batch)
    assert len(people(cast)) == 2


def test_one_audit_entry_per_applied_batch_with_counts(cast: Cast) -> None:
    batch = apply(upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(40)])), cast.coordinator)
    entries = AuditEntry.objects.filter(action="imports.roster_applied", object_id=str(batch.pk))
    assert entries.count() == 1
    assert entries.get().after["create"] == 40
    assert not AuditEntry.objects.filter(action="roster.person_created").exists()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection: PostgreSQL needs real commits
def test_the_apply_task_runs_in_the_worker_and_its_status_is_checked(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(30)]))
    with scope(agency=cast.agency), django_capture_on_commit_callbacks(execute=True):
        services.request_apply(actor=cast.coordinator, batch=batch, skip_errors=False, separate_missing=False)
    batch.refresh_from_db()
    assert batch.status == "apply_queued" and batch.task_id
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert DBTaskResult.objects.get(id=batch.task_id).status == "SUCCESSFUL"
    batch.refresh_from_db()
    assert batch.status == "applied" and len(people(cast)) == 30


@pytest.mark.django_db(transaction=True)  # the worker closes its connection: PostgreSQL needs real commits
def test_the_worker_reads_and_previews_the_file_never_the_request(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    with scope(agency=cast.agency):
        data = csv_bytes([ROSTER_HEADER, *roster_rows(25)])
        with django_capture_on_commit_callbacks(execute=True):
            batch = services.create_batch(
                actor=cast.coordinator, agency=cast.agency, kind="", name="r.csv", chunks=[data], read_now=False
            )
    assert batch.status == "read_queued" and batch.headers == []
    call_command("db_worker", "--batch", "--no-startup-delay")
    batch.refresh_from_db()
    assert (batch.status, batch.kind, batch.rows_total) == ("uploaded", "roster", 25)
    assert batch.samples["last_name"] == ["Lastname1", "Lastname2", "Lastname3"]
    with scope(agency=cast.agency), django_capture_on_commit_callbacks(execute=True):
        services.request_preview(actor=cast.coordinator, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "preview_queued"
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert DBTaskResult.objects.get(id=batch.task_id).status == "SUCCESSFUL"
    batch.refresh_from_db()
    assert batch.status == "previewed" and batch.counts["create"] == 25


def test_a_stale_applying_batch_is_marked_failed_on_the_next_look(cast: Cast) -> None:
    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(2)]))
    with scope(agency=cast.agency):
        ImportBatch.objects.filter(pk=batch.pk).update(
            status="applying", heartbeat_at=batch.created_at - services.STALE_AFTER * 2
        )
        batch.refresh_from_db()
        services.mark_stale(batch)
    batch.refresh_from_db()
    assert batch.status == "failed" and "Nothing was changed" in batch.message
    assert people(cast) == []


def test_apply_and_undo_tell_the_compliance_figures_that_the_roster_changed(cast: Cast) -> None:
    from onemind.tenancy.changes import agency_version

    def version() -> int:
        return agency_version(cast.agency)

    start = version()
    batch = apply(upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(3)])), cast.coordinator)
    applied = version()
    assert applied > start
    with scope(agency=cast.agency):
        services.undo_batch(actor=cast.coordinator, batch=batch)
    assert version() > applied


def test_the_chosen_mapping_is_remembered_for_the_agencys_next_file_with_the_same_headers(cast: Cast) -> None:
    data = csv_bytes([["Payroll", "Surname", "Officer?"], ["7", "Ames", "Y"]])
    upload(cast.agency, cast.coordinator, data, mapping={"Payroll": "employee_number", "Officer?": "sworn"}, options={})
    with scope(agency=cast.agency):
        again = services.create_batch(
            actor=cast.coordinator, agency=cast.agency, kind="roster", name="next.csv", chunks=[data]
        )
    assert again.mapping == {"Payroll": "employee_number", "Surname": "last_name", "Officer?": "sworn"}
    with scope(agency=cast.other_agency):
        foreign = services.create_batch(
            actor=cast.outsider, agency=cast.other_agency, kind="roster", name="x.csv", chunks=[data]
        )
    assert foreign.mapping["Payroll"] == ""  # presets are per agency
