"""The import pages through HTTP: the whole flow for a coordinator, and who may do what."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from django_tasks_db.models import DBTaskResult

from onemind.imports import services
from onemind.imports.models import ImportBatch
from onemind.roster.models import Person
from tests.conftest import Cast
from tests.imports.conftest import ROSTER_HEADER, csv_bytes, roster_rows, upload

pytestmark = pytest.mark.django_db


def url(cast: Cast, name: str, batch: ImportBatch | None = None) -> str:
    kwargs: dict[str, Any] = {"agency_slug": cast.agency.slug}
    if batch is not None:
        kwargs["batch_id"] = batch.public_id
    return reverse(f"imports:{name}", kwargs=kwargs)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection: PostgreSQL needs real commits
def test_a_coordinator_uploads_maps_previews_applies_and_undoes(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    client = cast.client_for("coordinator")
    rows = roster_rows(12)
    rows[3][7] = "1900-01-01"
    file = SimpleUploadedFile("roster.csv", csv_bytes([ROSTER_HEADER, *rows]), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(cast, "upload"), {"kind": "auto", "file": file})
    assert response.status_code == 302
    with scopes_disabled():
        batch = ImportBatch.objects.get(agency=cast.agency)
    assert response["Location"] == url(cast, "mapping", batch)
    waiting = client.get(response["Location"], follow=True).content.decode()
    assert "The file is being read" in waiting and "onemind worker" not in waiting
    call_command("db_worker", "--batch", "--no-startup-delay")
    page = client.get(response["Location"])
    assert page.status_code == 200 and "First value: Lastname1" in page.content.decode()
    assert "Read as: Full roster" in page.content.decode()
    form = {f"col_{i}": field for i, field in enumerate(ROSTER_HEADER)} | {"sworn_default": "ranks"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(cast, "mapping", batch), form)
    assert response["Location"] == url(cast, "detail", batch)
    call_command("db_worker", "--batch", "--no-startup-delay")
    page = client.get(url(cast, "detail", batch)).content.decode()
    assert "What this import would do" in page and "Skip the 1 row listed with errors" in page
    assert "Hire date 1900-01-01 is a placeholder date" in page
    errors = client.get(url(cast, "errors", batch))
    assert list(csv.reader(io.StringIO(errors.content.decode()))) == [
        ["row", "column", "value", "reason"],
        ["5", "hire_date", "1900-01-01", "Hire date 1900-01-01 is a placeholder date, not a real one."],
    ]
    refused = client.post(url(cast, "apply", batch), follow=True)
    assert "Confirm that they are skipped" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(cast, "apply", batch), {"skip_errors": "on"})
    progress = client.get(url(cast, "detail", batch)).content.decode()
    assert 'role="progressbar"' in progress and 'hx-trigger="every 1s"' in progress
    call_command("db_worker", "--batch", "--no-startup-delay")
    batch.refresh_from_db()
    assert DBTaskResult.objects.get(id=batch.task_id).status == "SUCCESSFUL"
    done = client.get(url(cast, "progress", batch), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    with scope(agency=cast.agency):
        assert Person.objects.filter(agency=cast.agency).count() == 11
    client.post(url(cast, "undo", batch))
    with scope(agency=cast.agency):
        assert Person.objects.filter(agency=cast.agency).count() == 0
    assert "Undone" in client.get(url(cast, "detail", batch)).content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_unusable_file_is_refused_with_a_plain_message_and_kept_nowhere(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    file = SimpleUploadedFile("roster.pdf.csv", b"%PDF-1.7\n...", content_type="text/csv")
    client = cast.client_for("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(cast, "upload"), {"kind": "roster", "file": file})
    call_command("db_worker", "--batch", "--no-startup-delay")
    with scopes_disabled():
        batch = ImportBatch.objects.get(agency=cast.agency)
    assert batch.status == "failed" and batch.message.startswith("This is a PDF document, not a spreadsheet.")
    page = client.get(response["Location"], follow=True).content.decode()
    assert "This is a PDF document" in page and "Error" not in page.split("This is a PDF")[0][-200:]
    assert not services.batch_path(batch).exists()  # no orphan file


def test_a_viewer_sees_imports_but_may_not_upload_apply_or_undo(cast: Cast) -> None:
    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(2)]))
    client = cast.client_for("viewer")
    assert client.get(url(cast, "index")).status_code == 200
    assert client.get(url(cast, "detail", batch)).status_code == 200
    assert client.get(url(cast, "upload")).status_code == 403
    assert client.get(url(cast, "mapping", batch)).status_code == 403
    assert client.post(url(cast, "apply", batch), {"skip_errors": "on"}).status_code == 403
    assert client.post(url(cast, "undo", batch)).status_code == 403
    batch.refresh_from_db()
    assert batch.status == "previewed"


def test_an_outsider_gets_404_and_anonymous_is_sent_to_sign_in(cast: Cast) -> None:
    batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(2)]))
    outsider = cast.client_for("outsider")
    for name in ("detail", "errors", "progress"):
        assert outsider.get(url(cast, name, batch)).status_code == 404
    assert outsider.post(url(cast, "apply", batch), {"skip_errors": "on"}).status_code == 404
    foreign = reverse("imports:detail", kwargs={"agency_slug": cast.other_agency.slug, "batch_id": batch.public_id})
    assert cast.client_for("outsider").get(foreign).status_code == 404  # not in the outsider's agency either
    anonymous = cast.client_for("anonymous").get(url(cast, "detail", batch))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))


def test_the_preview_pages_query_count_does_not_grow_with_the_file(cast: Cast) -> None:
    client = cast.client_for("coordinator")
    counts = []
    for size in (5, 400):
        batch = upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(size, start=size * 10)]))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(cast, "detail", batch)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_undoing_a_large_import_asks_for_confirmation_first(cast: Cast, monkeypatch: Any) -> None:
    from tests.imports.conftest import apply

    monkeypatch.setattr(services, "UNDO_CONFIRM_CHANGES", 3)
    batch = apply(upload(cast.agency, cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(4)])), cast.coordinator)
    client = cast.client_for("coordinator")
    page = client.get(url(cast, "detail", batch)).content.decode()
    assert 'name="confirm_undo"' in page and "Reverse all 4 changes" in page
    refused = client.post(url(cast, "undo", batch), follow=True).content.decode()
    assert "Tick the box to confirm" in refused
    batch.refresh_from_db()
    assert batch.status == "applied"
    client.post(url(cast, "undo", batch), {"confirm_undo": "on"})
    batch.refresh_from_db()
    assert batch.status == "undone"
