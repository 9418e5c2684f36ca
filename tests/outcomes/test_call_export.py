"""Seattle's crisis-contact export → monthly figures equal to an independent count; no call is ever stored."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.outcomes.models import ExportMapping, OutcomeImport, OutcomeMonth
from tests.conftest import Cast, shared_file
from tests.outcomes.helpers import make_month

SEATTLE = "crisis_cit/seattle_pd_crisis_contacts_api_sample_2020-11-14.csv"


def independent_count(path: Path, arrested: str = "Subject Arrested") -> dict[str, dict[str, int]]:
    """Counted here without the product's code. The rule: one contact per distinct template_id (ids stripped);
    its month is the earliest occured_date_time that is not a 1900-01-01 placeholder, else the earliest
    reported_date that is not; a figure counts the contacts with 'Y' (or the disposition) on any of their rows."""
    dates: dict[str, list[str]] = defaultdict(list)
    fallback: dict[str, list[str]] = defaultdict(list)
    flags: dict[str, set[str]] = defaultdict(set)
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = row["template_id"].strip()
            if not row["occured_date_time"].startswith("1900"):
                dates[key].append(row["occured_date_time"][:7])
            if not row["reported_date"].startswith("1900"):
                fallback[key].append(row["reported_date"][:7])
            for column in ("cit_officer_requested", "cit_officer_dispatched", "cit_officer_arrived"):
                if row[column] == "Y":
                    flags[key].add(column)
            if row["use_of_force_indicator"] == "Y":
                flags[key].add("force")
            if row["disposition"] == arrested:
                flags[key].add("arrest")
            flags[key]  # noqa: B018 - every contact gets an entry, flagged or not
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, found in flags.items():
        month = min(dates[key]) if dates[key] else min(fallback[key]) if fallback[key] else None
        if month is None:
            continue
        counts[month]["calls"] += 1
        for flag in found:
            counts[month][flag] += 1
    return {m: dict(v) for m, v in counts.items()}


def _upload(cast: Cast, path: Path, who: str = "coordinator", kind: str = "call_export") -> Any:
    file = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
    return cast.client_for(who).post(
        reverse("outcomes:upload", kwargs={"agency_slug": cast.agency.slug}), {"kind": kind, "file": file}
    )


def _batch(cast: Cast) -> OutcomeImport:
    with scopes_disabled():
        return OutcomeImport.objects.filter(agency=cast.agency).latest("created_at")


def _act(
    cast: Cast, batch: OutcomeImport, action: str, data: dict[str, str] | None = None, who: str = "coordinator"
) -> Any:
    url = reverse(f"outcomes:batch_{action}", kwargs={"agency_slug": cast.agency.slug, "batch_id": batch.public_id})
    return cast.client_for(who).post(url, data or {})


def _mapping_post(batch: OutcomeImport) -> dict[str, str]:
    from onemind.outcomes.forms import mapping_rows

    return {name: chosen for _c, _h, rows, _choices in mapping_rows(batch) for name, _v, _n, chosen in rows}


@pytest.mark.django_db
def test_seattle_months_equal_an_independent_count_and_no_call_is_stored(cast: Cast, settings: Any) -> None:
    path = shared_file(SEATTLE)
    assert _upload(cast, path).status_code == 302
    batch = _batch(cast)
    assert batch.status == OutcomeImport.Status.MAPPING
    # The mapping page lists the export's dispositions with the suggested figure for confirmation.
    page = (
        cast.client_for("coordinator")
        .get(reverse("outcomes:batch", kwargs={"agency_slug": cast.agency.slug, "batch_id": batch.public_id}))
        .content.decode()
    )
    assert "Emergent Detention / ITA" in page and "Subject Arrested" in page
    assert _act(cast, batch, "mapping", _mapping_post(batch)).status_code == 302
    batch = _batch(cast)
    assert batch.status == OutcomeImport.Status.PREVIEW and not batch.errors
    assert _act(cast, batch, "apply").status_code == 302

    expected = independent_count(path)
    with scopes_disabled():
        months = {m.month.strftime("%Y-%m"): m for m in OutcomeMonth.objects.filter(agency=cast.agency)}
    assert set(months) == set(expected)
    for key, counts in expected.items():
        row = months[key]
        assert row.mh_calls == counts["calls"], key
        assert row.cit_requested == counts.get("cit_officer_requested", 0), key
        assert row.cit_dispatched == counts.get("cit_officer_dispatched", 0), key
        assert row.cit_arrived == counts.get("cit_officer_arrived", 0), key
        assert row.force_any == counts.get("force", 0), key
        assert row.arrest == counts.get("arrest", 0), key
        assert row.force_fbi is None  # the export does not say which uses of force meet the FBI definition
    assert sum(row.mh_calls or 0 for row in months.values()) == 982  # 1,000 rows, 18 ids repeated

    # No call-level data anywhere: no table holds a template id or an officer id, and the upload is gone.
    ids = set()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            ids.add(row["template_id"].strip())
    with scopes_disabled():
        for model in apps.get_app_config("outcomes").get_models():
            for obj in model.objects.all():
                text = str({f.name: getattr(obj, f.attname) for f in model._meta.concrete_fields})
                assert not any(f"'{i}'" in text or f'"{i}"' in text for i in ids), model
                assert "7702" not in text
        assert OutcomeMonth.objects.filter(agency=cast.agency).count() == len(expected)
    pending = Path(settings.PRIVATE_FILES_DIR) / "outcome-exports"
    assert not pending.exists() or not any(pending.iterdir())
    assert batch.pending_file == ""


@pytest.mark.django_db
def test_the_mapping_is_remembered_for_the_next_file(cast: Cast) -> None:
    path = shared_file(SEATTLE)
    _upload(cast, path)
    batch = _batch(cast)
    choices = _mapping_post(batch)
    # The coordinator changes one suggestion: "Chronic Complaint" counts as resolved on scene.
    from onemind.outcomes.forms import mapping_rows

    name = next(n for _c, _h, rows, _x in mapping_rows(batch) for n, v, _n, _ch in rows if v == "Chronic Complaint")
    choices[name] = "resolved_on_scene"
    _act(cast, batch, "mapping", choices)
    with scopes_disabled():
        remembered = ExportMapping.objects.get(agency=cast.agency).mapping
    assert remembered["disposition"]["Chronic Complaint"] == "resolved_on_scene"
    _upload(cast, path)
    second = _batch(cast)
    assert second.pk != batch.pk
    assert second.status == OutcomeImport.Status.PREVIEW  # every value known: straight to the preview
    assert second.mapping["disposition"]["Chronic Complaint"] == "resolved_on_scene"
    assert second.pending_file == ""


@pytest.mark.django_db
def test_a_hostile_mapping_value_is_refused(cast: Cast) -> None:
    _upload(cast, shared_file(SEATTLE))
    batch = _batch(cast)
    choices = _mapping_post(batch)
    choices["d0"] = "agency_id"
    response = _act(cast, batch, "mapping", choices)
    assert response.status_code == 302
    assert _batch(cast).status == OutcomeImport.Status.MAPPING
    with scopes_disabled():
        assert not ExportMapping.objects.filter(agency=cast.agency).exists()


@pytest.mark.django_db
def test_undo_puts_the_months_back(cast: Cast) -> None:
    path = shared_file(SEATTLE)
    existing = make_month(cast.agency, dt.date(2015, 5, 1), mh_calls=7, force_fbi=1)
    _upload(cast, path)
    batch = _batch(cast)
    _act(cast, batch, "mapping", _mapping_post(batch))
    _act(cast, _batch(cast), "apply")
    with scopes_disabled():
        replaced = OutcomeMonth.objects.get(pk=existing.pk)
        assert replaced.mh_calls == 406 and replaced.force_fbi == 1  # a figure the file lacks is kept
        assert _act(cast, _batch(cast), "undo").status_code == 302
        assert OutcomeMonth.objects.filter(agency=cast.agency).count() == 1
        back = OutcomeMonth.objects.get(pk=existing.pk)
        assert (back.mh_calls, back.force_fbi) == (7, 1)
    assert _batch(cast).status == OutcomeImport.Status.UNDONE


@pytest.mark.django_db
def test_undo_is_refused_when_a_month_was_edited_since(cast: Cast) -> None:
    _upload(cast, shared_file(SEATTLE))
    batch = _batch(cast)
    _act(cast, batch, "mapping", _mapping_post(batch))
    _act(cast, _batch(cast), "apply")
    url = reverse("outcomes:month", kwargs={"agency_slug": cast.agency.slug, "month": "2015-06"})
    with scopes_disabled():
        version = OutcomeMonth.objects.get(agency=cast.agency, month=dt.date(2015, 6, 1)).version
    cast.client_for("admin").post(url, {"status": "collected", "mh_calls": 500, "version": version})
    response = _act(cast, _batch(cast), "undo")
    assert response.status_code == 302
    assert _batch(cast).status == OutcomeImport.Status.APPLIED
    with scopes_disabled():
        assert OutcomeMonth.objects.get(agency=cast.agency, month=dt.date(2015, 6, 1)).mh_calls == 500


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("outsider", 404), ("staff", 403)])
def test_only_writers_apply(cast: Cast, who: str, status: int) -> None:
    _upload(cast, shared_file(SEATTLE))
    batch = _batch(cast)
    _act(cast, batch, "mapping", _mapping_post(batch))
    assert _act(cast, _batch(cast), "apply", who=who).status_code == status
    with scopes_disabled():
        assert not OutcomeMonth.objects.filter(agency=cast.agency).exists()


@pytest.mark.django_db
def test_a_file_that_is_not_an_export_is_refused_with_the_reason(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("name,comment\nA,B\n")
    response = _upload(cast, path)
    assert response.status_code == 200
    assert "No contact id column" in response.content.decode()
    pending = tmp_path / "private" / "outcome-exports"
    assert not pending.exists() or not any(pending.iterdir())


@pytest.mark.django_db
def test_an_unconfirmed_export_is_deleted_after_a_day(cast: Cast, settings: Any) -> None:
    path = shared_file(SEATTLE)
    _upload(cast, path)
    first = _batch(cast)
    stored = Path(settings.PRIVATE_FILES_DIR) / "outcome-exports" / first.pending_file
    assert stored.exists()
    with scopes_disabled():
        OutcomeImport.objects.filter(pk=first.pk).update(created_at=first.created_at - dt.timedelta(days=2))
    _upload(cast, path)
    with scopes_disabled():
        first.refresh_from_db()
    assert first.status == OutcomeImport.Status.DISCARDED and first.pending_file == ""
    assert not stored.exists()
