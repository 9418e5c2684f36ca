"""Background exports: queued → written by the worker with progress → downloaded by the requester only → expired."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from onemind.campaign.exports import STANDINGS
from onemind.campaign.standings import seed_campaign_figures
from onemind.exports import services
from onemind.exports.models import ExportJob
from onemind.exports.registry import Exporter, register
from onemind.tenancy.models import Agency
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(cast: Cast) -> Cast:
    Agency.objects.filter(pk=cast.agency.pk).update(name="@SUM(A1:A9) Springfield")
    seed_campaign_figures(months=1)
    return cast


def _start(cast: Cast, fmt: str = "csv", **params: str) -> ExportJob:
    return services.start_export(actor=cast.staff, kind=STANDINGS, params=params, fmt=fmt)


def test_the_dashboard_button_queues_a_job_and_shows_its_progress_page(
    figures: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    client = figures.client_for("staff")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("campaign:dashboard_standings_export"), {"fmt": "xlsx", "state": "IL"})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("exports:detail", args=[job.public_id])
    assert len(callbacks) == 1 and job.status == "queued" and job.params == {"state": "IL"}
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and "waiting for the background worker" in page


def test_a_bad_format_or_filter_is_a_400(figures: Cast) -> None:
    client = figures.client_for("staff")
    assert client.post(reverse("campaign:dashboard_standings_export"), {"fmt": "pdf"}).status_code == 400
    assert client.post(reverse("campaign:dashboard_standings_export"), {"fmt": "csv", "state": "QQ"}).status_code == 400
    assert not ExportJob.objects.exists()


def test_the_worker_writes_the_file_and_only_the_requester_downloads_it(figures: Cast) -> None:
    job = services.run_export(_start(figures))
    assert job.status == "done" and job.rows_total == 2 and job.rows_done == 2 and job.percent == 100
    client = figures.client_for("staff")
    progress = client.get(reverse("exports:progress", args=[job.public_id])).content.decode()
    assert "hx-trigger" not in progress and "Download" in progress
    response = client.get(reverse("exports:download", args=[job.public_id]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Agency" and len(rows) == 3
    names = [row[0] for row in rows[1:]]
    assert "'@SUM(A1:A9) Springfield" in names  # formula neutralized
    from django.contrib.auth import get_user_model

    other_staff = get_user_model().objects.create_user(
        email="s2@example.org", password=None, is_campaign_staff=True, email_verified_at=timezone.now()
    )
    other = figures.client_for("anonymous")
    other.force_login(other_staff)
    for name in ("exports:detail", "exports:progress", "exports:download"):
        assert other.get(reverse(name, args=[job.public_id])).status_code == 404
        assert figures.client_for("admin").get(reverse(name, args=[job.public_id])).status_code == 404


def test_an_xlsx_export_opens_in_openpyxl_and_honours_the_filters(figures: Cast) -> None:
    Agency.objects.filter(pk=figures.other_agency.pk).update(state="WY")
    seed_campaign_figures(months=1)
    job = services.run_export(_start(figures, "xlsx", state="IL"))
    sheet = openpyxl.load_workbook(services.job_path(job)).active
    assert sheet.max_row == 2
    assert sheet.cell(row=2, column=1).value == "'@SUM(A1:A9) Springfield"
    assert sheet.cell(row=2, column=3).value == "IL"


@pytest.mark.django_db(transaction=True)  # the worker closes its connection: PostgreSQL needs real commits
def test_the_worker_runs_the_queued_job(cast: Cast) -> None:
    seed_campaign_figures(months=1)
    job = _start(cast)
    call_command("db_worker", "--batch", "--no-startup-delay")
    job.refresh_from_db()
    assert job.status == "done" and services.job_path(job).exists()


def test_an_expired_export_is_gone_and_purged(figures: Cast) -> None:
    job = services.run_export(_start(figures))
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client = figures.client_for("staff")
    assert client.get(reverse("exports:download", args=[job.public_id])).status_code == 410
    path = services.job_path(job)
    assert services.purge_expired() == 1
    assert not path.exists() and not ExportJob.objects.exists()


def test_a_failing_export_is_reported_and_leaves_no_half_file(figures: Cast) -> None:
    def broken(params: dict[str, Any]) -> tuple[int, Any]:
        def rows() -> Any:
            yield ["one"]
            raise OSError("disk full")

        return 2, rows()

    register(Exporter("test.broken", "Broken", ["A"], broken, lambda user: True, "broken"))
    job = services.run_export(services.start_export(actor=figures.staff, kind="test.broken", params={}, fmt="csv"))
    assert job.status == "failed" and "OSError" in job.error
    assert list(services.storage_dir().iterdir()) == []
    page = figures.client_for("staff").get(reverse("exports:detail", args=[job.public_id])).content.decode()
    assert "The export stopped" in page
    assert figures.client_for("staff").get(reverse("exports:download", args=[job.public_id])).status_code == 410


def test_only_campaign_staff_may_start_a_standings_export(figures: Cast) -> None:
    with pytest.raises(PermissionError):
        services.start_export(actor=figures.admin, kind=STANDINGS, params={}, fmt="csv")
    assert (
        figures.client_for("admin").post(reverse("campaign:dashboard_standings_export"), {"fmt": "csv"}).status_code
        == 404
    )


def test_a_running_job_is_not_downloadable_yet(figures: Cast) -> None:
    job = _start(figures)
    assert figures.client_for("staff").get(reverse("exports:download", args=[job.public_id])).status_code == 409
