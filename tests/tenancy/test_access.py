from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import Http404
from django.urls import reverse

from onemind.audit.models import AuditEntry
from onemind.tenancy.access import resolve_agency_access
from onemind.tenancy.models import Agency, Membership, StaffAccessGrant
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_staff_see_figures_but_not_personnel_until_they_open_it_with_a_reason(cast: Cast) -> None:
    access = resolve_agency_access(cast.staff, cast.agency.slug)
    assert access.can("dashboard:read") and not access.can("roster:read")
    client = cast.client_for("staff")
    response = client.post(
        reverse("tenancy:staff_open", args=[cast.agency.slug]), {"reason": "Reviewing the strategy 3 submission"}
    )
    assert response.status_code == 302
    access = resolve_agency_access(cast.staff, cast.agency.slug)
    assert access.can("roster:read") and not access.can("roster:write")
    entry = AuditEntry.objects.get(action="staff.personnel_opened", agency=cast.agency)
    assert entry.reason == "Reviewing the strategy 3 submission" and entry.actor == cast.staff


def test_staff_cannot_open_personnel_data_without_a_reason(cast: Cast) -> None:
    response = cast.client_for("staff").post(reverse("tenancy:staff_open", args=[cast.agency.slug]), {"reason": " "})
    assert response.status_code == 200
    assert not StaffAccessGrant.objects.exists()
    assert not AuditEntry.objects.filter(action="staff.personnel_opened").exists()


def test_a_staff_opening_expires_after_two_hours(cast: Cast) -> None:
    cast.client_for("staff").post(
        reverse("tenancy:staff_open", args=[cast.agency.slug]), {"reason": "Reviewing the submission"}
    )
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2, minutes=1)):
        assert not resolve_agency_access(cast.staff, cast.agency.slug).can("roster:read")


def test_agency_members_never_use_the_staff_path(cast: Cast) -> None:
    assert cast.client_for("admin").get(reverse("tenancy:staff_open", args=[cast.agency.slug])).status_code == 404


def test_a_deactivated_member_loses_access_at_once(cast: Cast) -> None:
    client = cast.client_for("viewer")
    assert client.get(reverse("tenancy:overview", args=[cast.agency.slug])).status_code == 200
    cast.viewer.is_active = False
    cast.viewer.save()
    assert client.get(reverse("tenancy:overview", args=[cast.agency.slug])).status_code in (302, 404)


def test_agency_pages_are_never_cached(cast: Cast) -> None:
    response = cast.client_for("viewer").get(reverse("tenancy:members", args=[cast.agency.slug]))
    assert response["Cache-Control"] == "no-store"


def test_a_viewer_sees_the_profile_but_cannot_change_it(cast: Cast) -> None:
    client = cast.client_for("viewer")
    assert client.get(reverse("tenancy:profile", args=[cast.agency.slug])).status_code == 200
    response = client.post(reverse("tenancy:profile", args=[cast.agency.slug]), {"name": "Hijacked"})
    assert response.status_code == 403
    cast.agency.refresh_from_db()
    assert cast.agency.name == "Springfield Police Department"


def test_an_administrator_edits_the_profile_and_the_change_is_audited(cast: Cast) -> None:
    data = {
        "name": "Springfield PD",
        "agency_type": "city",
        "county": "Sangamon",
        "sworn_count": 10,
        "nonsworn_count": 3,
        "head_name": "Pat Chief",
        "head_title": "Chief",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "public_profile": "on",
    }
    response = cast.client_for("admin").post(reverse("tenancy:profile", args=[cast.agency.slug]), data)
    assert response.status_code == 302
    cast.agency.refresh_from_db()
    assert cast.agency.name == "Springfield PD" and cast.agency.public_profile
    entry = AuditEntry.objects.get(action="agency.updated")
    assert entry.before["name"] == "Springfield Police Department" and entry.after["name"] == "Springfield PD"


def test_the_profile_form_cannot_change_protected_fields(cast: Cast) -> None:
    data = {
        "name": "Springfield PD",
        "agency_type": "city",
        "ori": "ZZ9999999",
        "state": "ZZ",
        "recognized_on": "2026-01-01",
        "slug": "stolen",
    }
    cast.client_for("admin").post(reverse("tenancy:profile", args=[cast.agency.slug]), data)
    cast.agency.refresh_from_db()
    assert (cast.agency.ori, cast.agency.state, cast.agency.recognized_on) == ("IL0160000", "IL", None)
    assert cast.agency.slug == "springfield-police-department-il"


def test_a_members_access_loads_the_same_rows_the_orm_would(cast: Cast) -> None:
    cast.agency.recognized_on = dt.date(2026, 5, 1)
    cast.agency.latitude = 41.5
    cast.agency.save()
    access = resolve_agency_access(cast.viewer, cast.agency.slug)
    expected = Membership.objects.select_related("agency").get(user=cast.viewer, agency=cast.agency)
    assert access.membership is not None
    for model_field in Membership._meta.concrete_fields:
        name = model_field.attname
        assert getattr(access.membership, name) == getattr(expected, name), name
    for model_field in Agency._meta.concrete_fields:
        name = model_field.attname
        loaded, orm = getattr(access.agency, name), getattr(expected.agency, name)
        assert (loaded, type(loaded)) == (orm, type(orm)), name
    assert access.agency.recognized_on == dt.date(2026, 5, 1)
    assert not access.membership._state.adding and access.agency._state.db == "default"


def test_a_slug_of_another_agency_is_not_found_for_a_member(cast: Cast) -> None:
    with pytest.raises(Http404):
        resolve_agency_access(cast.viewer, cast.other_agency.slug)
    with pytest.raises(Http404):
        resolve_agency_access(cast.viewer, "no-such-agency")
