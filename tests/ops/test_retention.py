"""Retention (PRODUCT.md C14): separated personnel's identifying data is erased after the agency's period, while
past compliance figures and history stay exactly as they were."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.accounts.models import Invitation
from onemind.audit.models import AuditEntry
from onemind.compliance.selectors import agency_dashboard
from onemind.lib.uploads import store_private_upload
from onemind.notifications.models import Notification, Reminder
from onemind.ops.backup import create_backup
from onemind.ops.management.commands.worker import enqueue_retention_once_a_day
from onemind.ops.retention import ERASED, erase_expired, erase_person, retention_preview
from onemind.roster import services as roster_services
from onemind.roster.models import Exemption, Person, PersonEvent
from onemind.tenancy.models import Agency
from onemind.training.models import TrainingRecord
from tests.conftest import Cast
from tests.evidence_helpers import pdf_upload
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)
NAMES = ("Zebediah", "Quillfeather", "E-7788", "B-5544", "zq@example.org", "moved to Ohio")


@pytest.fixture(autouse=True)
def _on_1_march_2026() -> object:
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


def _separated(cast: Cast, on: dt.date, n: str = "", **fields: object) -> Person:
    """A person with every kind of identifying copy: audit snapshots, history, a certificate file, an exemption note,
    an officer invitation."""
    person = make_person(
        cast.agency,
        first_name="Zebediah",
        last_name="Quillfeather",
        employee_number=f"E-7788{n}",
        badge_number=f"B-5544{n}",
        email="zq@example.org",
        hire_date=dt.date(2010, 5, 1),
        **fields,
    )
    with scopes_disabled():
        roster_services.update_person(actor=cast.admin, person=person, unit="Patrol")
        make_training(
            person,
            "MHFA-PS",
            on=dt.date(2015, 6, 1),
            certificate_number="MHFA-0001",
            certificate_file=store_private_upload(pdf_upload()),
        )
        make_training(person, "CIT-40", on=dt.date(2016, 6, 1))
        Exemption.objects.create(
            agency=cast.agency,
            person=person,
            reason="medical",
            note="Zebediah's surgery",
            start=dt.date(2016, 1, 1),
            end=dt.date(2016, 3, 1),
            approved_by=cast.admin,
        )
        roster_services.separate_person(actor=cast.admin, person=person, on=on, reason="moved to Ohio")
        return Person.objects.get(pk=person.pk)


def _everything_about(person: Person) -> str:
    with scopes_disabled():
        fresh = Person.objects.get(pk=person.pk)
        parts = [
            json.dumps([fresh.first_name, fresh.last_name, fresh.employee_number, fresh.badge_number, fresh.email]),
            fresh.separation_reason,
            json.dumps(list(AuditEntry.objects.values_list("before", "after", "object_repr"))),
            json.dumps(list(PersonEvent.objects.filter(person=person).values_list("details", flat=True))),
            json.dumps(list(Exemption.objects.filter(person=person).values_list("note", flat=True))),
            json.dumps(
                list(TrainingRecord.objects.filter(person=person).values_list("certificate_number", "certificate_file"))
            ),
            json.dumps(list(Reminder.objects.values_list("context", flat=True))),
            json.dumps(list(Notification.objects.values_list("title", "body"))),
        ]
    return "\n".join(parts)


def test_an_erasure_removes_every_identifying_copy_and_keeps_the_dated_facts(
    cast: Cast, settings: object, django_capture_on_commit_callbacks: Any
) -> None:
    person = _separated(cast, dt.date(2018, 6, 30))
    with scopes_disabled():
        Invitation.objects.create(
            agency=cast.agency,
            email="zq@example.org",
            role="officer",
            token_hash="x" * 64,
            expires_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
            person=person,
        )
        stored_file = TrainingRecord.objects.get(person=person, course_type__code="MHFA-PS").certificate_file
        reminder = Reminder.objects.create(
            kind="mhfa_expired",
            recipient=cast.coordinator,
            agency=cast.agency,
            subject_key=f"person:{person.pk}",
            due_on=dt.date(2018, 6, 1),
            dedupe_key="retention-test",
            context={"person": "Zebediah Quillfeather", "date": "2018-06-01"},
        )
        Notification.objects.create(
            user=cast.coordinator,
            reminder=reminder,
            kind="mhfa_expired",
            title="MHFA expired: Zebediah Quillfeather",
            body="Zebediah Quillfeather's MHFA certificate expired.",
        )
    assert all(value in _everything_about(person) for value in NAMES)
    assert (Path(settings.PRIVATE_FILES_DIR) / stored_file).exists()  # type: ignore[attr-defined]

    with scopes_disabled():
        facts_before = _facts(person)
    with django_capture_on_commit_callbacks(execute=True):
        runs = erase_expired(actor=cast.admin, today=TODAY)

    assert [(run.agency, run.erased) for run in runs] == [(cast.agency, 1)]
    text = _everything_about(person)
    assert not any(value in text for value in NAMES), text
    with scopes_disabled():
        fresh = Person.objects.get(pk=person.pk)
        assert fresh.last_name == ERASED and fresh.erased_at is not None and fresh.user is None
        assert _facts(fresh) == facts_before
        assert not Invitation.objects.filter(person=person).exists()
        entry = AuditEntry.objects.get(action="roster.retention_erased")
        assert entry.agency == cast.agency and entry.after["erased"] == 1
    assert not (Path(settings.PRIVATE_FILES_DIR) / stored_file).exists()  # type: ignore[attr-defined]


def _facts(person: Person) -> tuple[object, ...]:
    records = sorted(
        TrainingRecord.objects.filter(person=person).values_list("course_type__code", "completed_on", "status")
    )
    exemptions = list(Exemption.objects.filter(person=person).values_list("reason", "start", "end"))
    events = list(PersonEvent.objects.filter(person=person).order_by("id").values_list("kind", "effective_on"))
    return (
        person.hire_date,
        person.separation_date,
        person.status,
        person.sworn,
        person.unit,
        person.designated_mhfa,
        person.designated_cit,
        records,
        exemptions,
        events,
    )


def _figures(agency: Agency, on: dt.date) -> tuple[object, ...]:
    board = agency_dashboard(agency, on, today=TODAY, show_names=False)
    return (board.result, tuple(board.history), repr(board.coverage))


def test_dashboard_figures_for_a_past_date_are_equal_before_and_after_erasure(cast: Cast) -> None:
    for year in (2017, 2018):
        _separated(cast, dt.date(year, 6, 30), n=str(year))
    make_training(make_person(cast.agency, hire_date=dt.date(2012, 1, 1)), "CIT-40", on=dt.date(2016, 2, 2))
    with scopes_disabled():
        before = {on: _figures(cast.agency, on) for on in (dt.date(2016, 12, 31), dt.date(2018, 1, 31), TODAY)}
        assert erase_expired(actor=None, today=TODAY)[0].erased == 2
        cache.clear()  # figures recomputed from the erased rows, not read back from before
        after = {on: _figures(cast.agency, on) for on in before}
    assert after == before


def test_nobody_is_erased_before_the_period_ends_or_when_the_agency_keeps_everything(cast: Cast) -> None:
    recent = _separated(cast, dt.date(2019, 3, 2))  # 7 years on 2026-03-02: one day left
    active = make_person(cast.agency, last_name="Stillhere")
    other = make_person(cast.other_agency, last_name="Keptforgood", hire_date=dt.date(1995, 1, 1))
    with scopes_disabled():
        roster_services.separate_person(actor=cast.admin, person=other, on=dt.date(2001, 1, 1), reason="retired")
        Agency.objects.filter(pk=cast.other_agency.pk).update(personnel_retention_years=None)
        assert erase_expired(today=TODAY) == []
        assert Person.objects.filter(erased_at__isnull=False).count() == 0
        assert not AuditEntry.objects.filter(action="roster.retention_erased").exists()
        assert [run.erased for run in erase_expired(today=dt.date(2026, 3, 2))] == [1]
        assert Person.objects.get(pk=recent.pk).erased_at is not None
        assert Person.objects.get(pk=active.pk).last_name == "Stillhere"
        assert Person.objects.get(pk=other.pk).last_name == "Keptforgood"


def test_a_person_is_claimed_once_so_a_second_run_or_worker_erases_nothing_twice(cast: Cast) -> None:
    person = _separated(cast, dt.date(2015, 1, 1))
    with scopes_disabled():
        assert erase_person(person.pk, now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)) is True
        assert erase_person(person.pk, now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)) is False
        assert erase_expired(today=TODAY) == []
        assert AuditEntry.objects.filter(action="roster.retention_erased").count() == 0


def test_the_worker_queues_the_retention_run_once_a_day() -> None:
    assert enqueue_retention_once_a_day() is True
    assert enqueue_retention_once_a_day() is False
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), tick=False):
        assert enqueue_retention_once_a_day() is True


def test_the_command_previews_with_dry_run_then_erases(cast: Cast) -> None:
    person = _separated(cast, dt.date(2017, 1, 1))
    out = io.StringIO()
    call_command("erase_expired", "--dry-run", stdout=out)
    assert "1 due" in out.getvalue() and "dry run, nothing changed" in out.getvalue()
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).erased_at is None
    out = io.StringIO()
    call_command("erase_expired", stdout=out)
    assert f"{cast.agency.slug}: 1 erased" in out.getvalue()
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).last_name == ERASED
    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("erase_expired", "--today", "9999-99-99")


def _url(cast: Cast) -> str:
    return reverse("ops:retention", args=[cast.agency.slug])


def test_the_retention_page_shows_counts_and_dates_but_no_names_to_the_administrator(
    cast: Cast, django_assert_max_num_queries: object
) -> None:
    _separated(cast, dt.date(2018, 1, 10))
    _separated(cast, dt.date(2019, 8, 15), n="2")
    client = cast.client_for("admin")
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        response = client.get(_url(cast))
    assert response.status_code == 200
    page = response.content.decode()
    assert "due now" in page and "2026-08-15" in page
    assert "Quillfeather" not in page and "Zebediah" not in page
    with scopes_disabled():
        preview = retention_preview(cast.agency, TODAY)
    assert (preview.years, preview.due_now, preview.upcoming) == (7, 1, [(dt.date(2026, 8, 15), 1)])


def test_only_the_administrator_sets_the_period_outsiders_404_read_only_403_anonymous_login(cast: Cast) -> None:
    url = _url(cast)
    for who in ("coordinator", "viewer"):
        assert cast.client_for(who).get(url).status_code == 403
        assert cast.client_for(who).post(url, {"years": "1"}).status_code == 403
    assert cast.client_for("outsider").get(url).status_code == 404
    assert cast.client_for("outsider").post(url, {"years": "1"}).status_code == 404
    anonymous = cast.client_for("anonymous").get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    cast.agency.refresh_from_db()
    assert cast.agency.personnel_retention_years == 7

    admin = cast.client_for("admin")
    assert admin.post(url, {"years": "10"}).status_code == 302
    cast.agency.refresh_from_db()
    assert cast.agency.personnel_retention_years == 10
    assert admin.post(url, {"years": ""}).status_code == 302
    cast.agency.refresh_from_db()
    assert cast.agency.personnel_retention_years is None
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="agency.retention_changed").count() == 2
    for bad in ("0", "-3", "abc", "1000", "7.5"):
        response = admin.post(url, {"years": bad})
        assert response.status_code == 200 and "usa-error-message" in response.content.decode()


def test_the_agency_export_says_what_was_erased(cast: Cast) -> None:
    _separated(cast, dt.date(2016, 1, 1))
    with scopes_disabled():
        erase_expired(today=TODAY)
    response = cast.client_for("admin").get(reverse("api_tokens:export", args=[cast.agency.slug]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["erasure"]["erased_people"] == 1 and manifest["erasure"]["last_erased_at"].startswith("2026-03")
    roster = archive.read("tables/roster.person.json").decode()
    assert "erased_at" in roster and "Quillfeather" not in roster


@pytest.mark.django_db(transaction=True)  # a backup opens its own snapshot transaction (PostgreSQL)
def test_a_backup_manifest_counts_the_erased(cast: Cast, tmp_path: Path) -> None:
    _separated(cast, dt.date(2016, 1, 1))
    with scopes_disabled():
        erase_expired(today=TODAY)
    backup = create_backup(tmp_path)
    assert json.loads((backup.path / "manifest.json").read_text())["erasure"]["erased_people"] == 1
