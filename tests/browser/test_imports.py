"""A coordinator imports a generated 2,000-person roster in Chromium: upload, columns, preview, apply, undo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled
from django_tasks_db.models import DBTaskResult

from onemind.imports import services
from onemind.imports.bench import synthetic_roster
from onemind.imports.models import ImportBatch
from onemind.roster.models import Person
from tests.browser.conftest import assert_accessible, login
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_files(settings: Any, tmp_path: Path) -> None:
    settings.PRIVATE_FILES_DIR = tmp_path / "private"


def test_a_coordinator_imports_a_roster_sees_progress_and_undoes_it(
    cast: Cast, page: Any, live_server: Any, screenshot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    roster = tmp_path / "springfield_roster.csv"
    lines = synthetic_roster(2000).decode().split("\r\n")
    fields = lines[7].split(",")
    fields[9] = "1900-01-01"  # one placeholder hire date: the preview must list it as an error
    lines[7] = ",".join(fields)
    roster.write_text("\r\n".join(lines))

    login(page, live_server, cast.coordinator.email, PASSWORD)
    page.goto(f"{live_server.url}/agencies/{cast.agency.slug}/imports/")
    page.get_by_role("link", name="Import a file").click()
    page.get_by_label("Roster").check()
    page.locator("input[type=file]").set_input_files(str(roster))
    assert_accessible(page)
    screenshot("imports_1_upload")
    page.get_by_role("button", name="Upload and choose columns").click()
    # The worker reads the file (never the web request); the page polls and moves on by itself.
    call_command("db_worker", "--batch", "--no-startup-delay")
    page.get_by_role("heading", name="Choose the columns").wait_for(timeout=15000)
    assert page.get_by_label("Column “hire_date”").input_value() == "hire_date"
    assert_accessible(page)
    screenshot("imports_2_columns")
    page.get_by_role("button", name="Preview the import").click()
    call_command("db_worker", "--batch", "--no-startup-delay")
    page.get_by_text("What this import would do").wait_for(timeout=15000)
    assert page.locator(".om-figure__value").first.inner_text() == "1999"
    page.get_by_role("link", name="Errors", exact=True).click()
    assert page.get_by_text("Hire date 1900-01-01 is a placeholder date").is_visible()
    assert_accessible(page)
    screenshot("imports_3_preview_errors")

    page.get_by_text("Skip the 1 row listed with errors").click()
    assert page.get_by_label("Skip the 1 row listed with errors").is_checked()
    page.get_by_role("button", name="Apply the import").click()
    bar = page.get_by_role("progressbar", name="Import progress")
    assert bar.is_visible()
    assert_accessible(page)
    screenshot("imports_4_progress")

    call_command("db_worker", "--batch", "--no-startup-delay")
    with scopes_disabled():
        batch = ImportBatch.objects.get(agency=cast.agency)
        assert DBTaskResult.objects.get(id=batch.task_id).status == "SUCCESSFUL"
    page.get_by_role("button", name="Undo this import").wait_for(timeout=15000)  # the poll reloads the page
    assert page.get_by_text("Applied", exact=True).first.is_visible()
    with scopes_disabled():
        assert Person.objects.filter(agency=cast.agency).count() == 1999
    assert_accessible(page)
    screenshot("imports_5_applied")

    # Undoing 1,999 changes runs in the request; a larger undo goes to the worker with a progress bar like apply.
    monkeypatch.setattr(services, "INLINE_UNDO_CHANGES", 1000)
    page.get_by_text("Reverse all 1999 changes of this import").click()  # a large undo is confirmed first
    assert page.get_by_label("Reverse all 1999 changes of this import").is_checked()
    page.get_by_role("button", name="Undo this import").click()
    assert page.get_by_text("The import is being undone").is_visible()
    assert page.get_by_role("progressbar", name="Import progress").is_visible()
    assert_accessible(page)
    screenshot("imports_6_undo_progress")
    call_command("db_worker", "--batch", "--no-startup-delay")
    page.get_by_text("Undone", exact=True).first.wait_for(timeout=15000)  # the poll reloads the page
    with scopes_disabled():
        assert Person.objects.filter(agency=cast.agency).count() == 0
    assert_accessible(page)
    screenshot("imports_7_undone")
