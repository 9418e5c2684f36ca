"""(d) Mass assignment: protected fields (agency, ids, verification and recognition, account flags, version,
record status/source) sent through every form and the API never change."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.apps import apps
from django_scopes import scopes_disabled

from onemind.roster.models import Person
from onemind.training.models import TrainingRecord
from tests.api.conftest import ApiClient, make_token
from tests.conftest import Cast
from tests.roster.helpers import make_person
from tests.security.sweep import all_patterns, route_sample
from tests.test_permission_matrix import ROUTES

pytestmark = pytest.mark.django_db

PLANTED_DAY = "2001-02-03"
PLANTED_UUID = "00000000-0000-4000-8000-00000000dead"
# Columns no agency-side form or API call may set from request data, in any table that has them.
PROTECTED = {
    "agency",
    "public_id",
    "verified_on",
    "reviewed_at",
    "recognized_on",
    "verified",
    "is_staff",
    "is_superuser",
    "is_campaign_staff",
    "created_by",
    "approved_by",
    "user",
    "version",
    "slug",
    "import_batch_id",
}


def _planted(cast: Cast) -> dict[str, Any]:
    return {
        "agency": cast.other_agency.pk,
        "agency_id": cast.other_agency.pk,
        "public_id": PLANTED_UUID,
        "verified_on": PLANTED_DAY,
        "reviewed_at": PLANTED_DAY + "T00:00:00Z",
        "recognized_on": PLANTED_DAY,
        "verified": "true",
        "is_staff": "on",
        "is_superuser": "on",
        "is_campaign_staff": "on",
        "created_by": cast.outsider.pk,
        "approved_by": cast.outsider.pk,
        "user": cast.staff.pk,
        "version": 9999,
        "slug": "planted-slug",
        "import_batch_id": 424242,
    }


# Figures the engine computes, never set from a request: reading the public figures stores the standings of agencies
# changed since (campaign/standings.py), the other agency's included.
DERIVED = {"campaign.agencystanding"}


def _protected_snapshot() -> dict[str, dict[Any, tuple[Any, ...]]]:
    snapshot = {}
    with scopes_disabled():
        for model in apps.get_models():
            if model._meta.label_lower in DERIVED:
                continue
            columns = [f.attname for f in model._meta.concrete_fields if f.name in PROTECTED]
            if columns:
                rows = model._base_manager.values_list("pk", *columns)
                snapshot[model._meta.label_lower] = {row[0]: (columns, row[1:]) for row in rows}
    return snapshot


def _changes(before: dict[str, Any], after: dict[str, Any], cast: Cast) -> tuple[list[str], int]:
    """Changed protected values of existing rows, and planted values in new rows; plus how many values were checked."""
    problems, checked = [], 0
    planted = {str(cast.other_agency.pk), PLANTED_UUID, PLANTED_DAY, str(cast.staff.pk), "9999", "planted-slug"}
    for label, rows in after.items():
        for pk, (columns, values) in rows.items():
            checked += len(values)
            old = before.get(label, {}).get(pk)
            if old is not None and old[1] != values:
                problems.append(f"{label}#{pk}: {dict(zip(columns, old[1], strict=True))} → {values}")
            elif old is None:
                for column, value in zip(columns, values, strict=True):
                    text = str(value)[:10] if column.endswith(("_on", "_at")) else str(value)
                    if column in (
                        "agency_id",
                        "public_id",
                        "verified_on",
                        "recognized_on",
                        "user_id",
                        "version",
                        "slug",
                    ):
                        if text in planted and not (column == "user_id" and label != "roster.person"):
                            problems.append(f"new {label}#{pk}.{column} = {value}")
    return problems, checked


def test_no_form_sets_a_protected_field(cast: Cast, record_property) -> None:  # noqa: ANN001
    names = sorted({p.name for p in all_patterns() if p.name in ROUTES and ROUTES[p.name].kind != "api"})
    clients = {who: cast.client_for(who) for who in ("anonymous", "viewer", "coordinator", "admin", "staff")}
    problems, checked, requests = [], 0, 0
    for name in names:
        route = ROUTES[name]
        with route_sample(name, cast) as url:
            before = _protected_snapshot()
            for client in clients.values():
                client.post(url, {**(route.data or {}), **_planted(cast)})
                requests += 1
            found, count = _changes(before, _protected_snapshot(), cast)
            problems += [f"{name}: {p}" for p in found]
            checked += count
    record_property("mass_assignment_form_requests", requests)
    print(
        f"mass assignment (forms): {len(names)} routes, {requests} POSTs, {checked} protected values checked, "
        f"{len(problems)} changed"
    )
    assert not problems, problems


def test_the_person_forms_keep_the_agency_version_and_account_link(cast: Cast) -> None:
    person = make_person(cast.agency)
    client = cast.client_for("admin")
    body = {"last_name": "Renamed", "sworn": "on", "status": "active", **_planted(cast)}
    client.post(f"/agencies/{cast.agency.slug}/roster/{person.public_id}/edit/", body)
    client.post(f"/agencies/{cast.agency.slug}/roster/add/", {**body, "last_name": "Newperson"})
    with scopes_disabled():
        person.refresh_from_db()
        assert person.last_name == "Renamed", "the legitimate field must change, or this test proves nothing"
        assert (person.agency_id, person.user_id, str(person.public_id)) == (
            cast.agency.pk,
            None,
            str(person.public_id),
        )
        assert person.version == 2
        new = Person.objects.get(last_name="Newperson")
        assert (new.agency_id, new.user_id, new.version) == (cast.agency.pk, None, 1)


def test_the_api_ignores_protected_fields(cast: Cast) -> None:
    client = ApiClient(make_token(cast.admin, cast.agency))
    person = make_person(cast.agency)
    separated = client.send("PATCH", f"/api/v1/people/{person.employee_number}/", {"status": "separated"})
    assert separated.status_code == 400  # separation has its own endpoint, with a date and a reason
    planted = {**_planted(cast), "id": PLANTED_UUID, "separation_date": PLANTED_DAY, "separation_reason": "x"}
    response = client.send("PATCH", f"/api/v1/people/{person.employee_number}/", {"unit": "Traffic", **planted})
    assert response.status_code == 200, response.content
    created = client.send("PUT", "/api/v1/people/NEW-1/", {"last_name": "Api", **planted})
    assert created.status_code == 201, created.content
    record_body = {
        "employee_number": person.employee_number,
        "course": "MHFA-PS",
        "completed_on": "2025-01-10",
        **planted,
        "status": "pending",
        "source": "import",
        "agency": cast.other_agency.pk,
        "certificate_file": "../../etc/passwd",
        "rejection_reason": "planted",
    }
    assert client.send("POST", "/api/v1/training-records/", record_body).status_code == 201
    with scopes_disabled():
        person.refresh_from_db()
        assert person.unit == "Traffic"
        assert (person.agency_id, person.status, person.separation_date, person.user_id) == (
            cast.agency.pk,
            "active",
            None,
            None,
        )
        assert person.version == 2 and str(person.public_id) != PLANTED_UUID
        new = Person.objects.get(employee_number="NEW-1")
        assert (new.agency_id, new.status, new.version, new.user_id) == (cast.agency.pk, "active", 1, None)
        record = TrainingRecord.objects.get(person=person)
        assert (record.agency_id, record.status, record.source, record.certificate_file, record.created_by_id) == (
            cast.agency.pk,
            "accepted",
            "api",
            "",
            cast.admin.pk,
        )
        assert record.import_batch_id is None and str(record.public_id) != PLANTED_UUID
    assert uuid.UUID(response.json()["id"]) == person.public_id


def test_sign_up_and_settings_forms_cannot_grant_staff_flags(cast: Cast) -> None:
    client = cast.client_for("viewer")
    flags = {"is_staff": "on", "is_superuser": "on", "is_campaign_staff": "on", "is_active": "on"}
    client.post("/accounts/settings/", flags)
    client.post("/accounts/settings/email/", {"email": "viewer2@example.org", "password": "x", **flags})
    cast.viewer.refresh_from_db()
    assert not (cast.viewer.is_staff or cast.viewer.is_superuser or cast.viewer.is_campaign_staff)
