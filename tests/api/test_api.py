from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.api.models import ApiToken
from onemind.audit.models import AuditEntry
from onemind.roster.models import Person, PersonEvent
from onemind.tenancy.models import Membership
from onemind.training.models import TrainingRecord
from tests.api.conftest import ApiClient
from tests.conftest import Cast
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"


def test_the_agency_endpoint_answers_for_the_tokens_agency(cast: Cast, api) -> None:  # noqa: ANN001
    response = api(["read"]).get("/api/v1/agency/")
    assert response.status_code == 200
    assert response.json()["slug"] == cast.agency.slug
    assert response["Cache-Control"] == "no-store"


def test_no_token_a_bad_token_or_a_session_cookie_get_401_with_the_error_body(cast: Cast) -> None:
    for client in (cast.client_for("anonymous"), cast.client_for("admin"), ApiClient("om_not-a-real-token")):
        response = client.get("/api/v1/agency/")
        assert response.status_code == 401
        body = response.json()["error"]
        assert body["status"] == 401 and body["request_id"] == response["X-Request-ID"]


def test_the_roster_lists_filters_and_paginates(cast: Cast, api, django_assert_max_num_queries) -> None:  # noqa: ANN001
    for i in range(5):
        make_person(cast.agency, unit="Patrol" if i % 2 else "Traffic")
    make_person(cast.other_agency, unit="Patrol")
    client = api(["read"])
    with django_assert_max_num_queries(8):
        page = client.get(PEOPLE, {"page_size": 2}).json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["next"]
    assert client.get(PEOPLE, {"unit": "Patrol"}).json()["count"] == 2


def test_a_person_is_created_then_updated_by_employee_number(cast: Cast, api) -> None:  # noqa: ANN001
    client = api(["read", "roster:write"])
    created = client.send("PUT", PEOPLE + "H-77/", {"last_name": "Garner", "hire_date": "2020-03-02"})
    assert created.status_code == 201, created.content
    assert created["ETag"] == '"v1"'
    updated = client.send("PUT", PEOPLE + "H-77/", {"unit": "Traffic"})
    assert updated.status_code == 200 and updated.json()["unit"] == "Traffic" and updated["ETag"] == '"v2"'
    with scopes_disabled():
        person = Person.objects.get(agency=cast.agency, employee_number="H-77")
        assert person.last_name == "Garner" and person.unit == "Traffic"
        assert PersonEvent.objects.filter(person=person, kind="hired").exists()
        assert AuditEntry.objects.filter(action="roster.person_created", actor=cast.admin).exists()


def test_the_api_refuses_what_the_form_refuses_with_the_same_message(cast: Cast, api) -> None:  # noqa: ANN001
    response = api().send("PUT", PEOPLE + "H-78/", {"last_name": "Doe", "hire_date": "1900-01-01"})
    assert response.status_code == 400
    assert "before 1950" in response.json()["error"]["fields"]["hire_date"][0]


def test_an_update_with_a_stale_etag_is_refused_with_412(cast: Cast, api) -> None:  # noqa: ANN001
    person = make_person(cast.agency)
    client = api()
    etag = client.get(PEOPLE + person.employee_number + "/")["ETag"]
    assert client.send("PATCH", PEOPLE + person.employee_number + "/", {"unit": "A"}, if_match=etag).status_code == 200
    stale = client.send("PATCH", PEOPLE + person.employee_number + "/", {"unit": "B"}, if_match=etag)
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "precondition_failed"
    person.refresh_from_db()
    assert person.unit == "A"


def test_separation_has_its_own_endpoint(cast: Cast, api) -> None:  # noqa: ANN001
    person = make_person(cast.agency)
    url = PEOPLE + person.employee_number + "/separate/"
    response = api().send("POST", url, {"on": "2026-01-31", "reason": "Retired"})
    assert response.status_code == 200 and response.json()["status"] == "separated"


def test_a_read_only_token_cannot_write(cast: Cast, api) -> None:  # noqa: ANN001
    response = api(["read"]).send("PUT", PEOPLE + "H-1/", {"last_name": "X"})
    assert response.status_code == 403
    with scopes_disabled():
        assert not Person.objects.filter(employee_number="H-1").exists()


def test_a_training_record_is_created_once_even_when_the_post_is_retried(cast: Cast, api) -> None:  # noqa: ANN001
    person = make_person(cast.agency)
    client = api()
    body = {"employee_number": person.employee_number, "course": "MHFA-PS", "completed_on": "2025-05-01", "hours": 8}
    first = client.send("POST", "/api/v1/training-records/", body, idempotency_key="sync-1")
    again = client.send("POST", "/api/v1/training-records/", body, idempotency_key="sync-1")
    assert first.status_code == 201 and again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    other = client.send("POST", "/api/v1/training-records/", {**body, "hours": 4}, idempotency_key="sync-1")
    assert other.status_code == 409
    with scopes_disabled():
        record = TrainingRecord.objects.get(person=person)
        assert (record.source, record.status) == ("api", "accepted")


def test_bulk_upsert_is_all_or_nothing_and_skips_existing_records(cast: Cast, api) -> None:  # noqa: ANN001
    a, b = make_person(cast.agency), make_person(cast.agency)
    make_training(a, "MHFA-PS", dt.date(2025, 6, 1))
    client = api()
    rows = [
        {"employee_number": a.employee_number, "course": "MHFA-PS", "completed_on": "2025-06-01"},
        {"employee_number": b.employee_number, "course": "CIT-40", "completed_on": "2025-07-01"},
    ]
    bad = client.send("POST", "/api/v1/training-records/bulk/", {"records": [*rows, {**rows[1], "course": "NOPE"}]})
    assert bad.status_code == 400 and "records[2].course" in bad.json()["error"]["fields"]
    with scopes_disabled():
        assert TrainingRecord.objects.filter(agency=cast.agency).count() == 1
    good = client.send("POST", "/api/v1/training-records/bulk/", {"records": rows})
    assert good.status_code == 200 and good.json()["created"] == 1 and good.json()["unchanged"] == 1


def test_compliance_on_any_date(cast: Cast, api) -> None:  # noqa: ANN001
    client = api(["read"])
    response = client.get("/api/v1/compliance/", {"on": "2026-06-30"})
    assert response.status_code == 200, response.content
    assert response.json()["on"] == "2026-06-30" and len(response.json()["strategies"]) == 4
    assert client.get("/api/v1/compliance/", {"on": "30/06/2026"}).status_code == 400


def test_requests_over_the_limit_get_429_per_token(cast: Cast, api, settings) -> None:  # noqa: ANN001
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_token": "3/minute"}}
    busy, quiet = api(["read"]), api(["read"])
    statuses = [busy.get("/api/v1/agency/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert quiet.get("/api/v1/agency/").status_code == 200


def test_a_revoked_or_expired_token_stops_at_once(cast: Cast, api) -> None:  # noqa: ANN001
    client = api(["read"])
    assert client.get("/api/v1/agency/").status_code == 200
    with scopes_disabled():
        ApiToken.objects.update(revoked_at="2026-01-01T00:00Z")
    assert client.get("/api/v1/agency/").status_code == 401


def test_a_deactivated_creators_sessions_and_tokens_stop_at_once(cast: Cast, api) -> None:  # noqa: ANN001
    token_client, browser = api(["read"]), cast.client_for("admin")
    overview = reverse("tenancy:overview", args=[cast.agency.slug])
    assert browser.get(overview).status_code == 200
    cast.admin.is_active = False
    cast.admin.save()
    assert token_client.get("/api/v1/agency/").status_code == 401
    assert browser.get(overview).status_code == 302


def test_a_token_of_an_administrator_who_left_the_agency_stops(cast: Cast, api) -> None:  # noqa: ANN001
    client = api(["read"])
    with scopes_disabled():
        Membership.objects.filter(user=cast.admin).delete()
    assert client.get("/api/v1/agency/").status_code == 401


def test_the_schema_and_docs_are_public_and_describe_every_endpoint(client) -> None:  # noqa: ANN001
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert {"/api/v1/people/{employee_number}/", "/api/v1/training-records/bulk/", "/api/v1/compliance/"} <= set(paths)
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200 and "Idempotency-Key" in docs.content.decode()


def test_an_unexpected_error_does_not_leave_the_agency_scope_behind(cast: Cast, api, monkeypatch) -> None:  # noqa: ANN001
    from django_scopes import get_scope

    def boom(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("unexpected")

    monkeypatch.setattr("onemind.api.views.AgencySerializer", boom)
    client = api(["read"])
    client.raise_request_exception = False
    assert client.get("/api/v1/agency/").status_code == 500
    assert "agency" not in get_scope()


def test_bulk_roster_upsert_creates_updates_and_reports_every_bad_row(cast: Cast, api) -> None:  # noqa: ANN001
    existing = make_person(cast.agency, unit="Patrol")
    client = api(["read", "roster:write"])
    rows = [
        {"employee_number": existing.employee_number, "unit": "Traffic"},
        {"employee_number": "BULK-1", "last_name": "Fairhaven", "hire_date": "2021-05-03"},
        {"employee_number": "BULK-2", "last_name": "Ashcombe"},
    ]
    bad = client.send("POST", "/api/v1/people/bulk/", {"people": [*rows, {"employee_number": "BULK-3"}]})
    assert bad.status_code == 400 and "people[3].last_name" in bad.json()["error"]["fields"]
    with scopes_disabled():
        assert not Person.objects.filter(employee_number__startswith="BULK").exists()
    good = client.send("POST", "/api/v1/people/bulk/", {"people": rows}, idempotency_key="roster-2026-11-28")
    assert good.status_code == 200 and good.json() == {"created": 2, "updated": 1, "unchanged": 0}
    again = client.send("POST", "/api/v1/people/bulk/", {"people": rows})
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3}
    existing.refresh_from_db()
    assert existing.unit == "Traffic" and existing.version == 2
    with scopes_disabled():
        assert PersonEvent.objects.filter(person=existing, kind="transferred").exists()
