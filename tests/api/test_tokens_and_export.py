from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.api.models import ApiToken
from onemind.api.tokens import hash_token
from onemind.audit.models import AuditEntry
from tests.api.conftest import ApiClient, make_token
from tests.conftest import Cast
from tests.courses.helpers import make_provider, make_session
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db


def _tokens_url(cast: Cast) -> str:
    return reverse("api_tokens:tokens", args=[cast.agency.slug])


def test_an_administrator_makes_a_token_that_is_shown_once_and_stored_hashed(cast: Cast) -> None:
    client = cast.client_for("admin")
    response = client.post(
        _tokens_url(cast), {"name": "HR sync", "scopes": ["read", "roster:write"], "expires_on": "2099-01-01"}
    )
    assert "must be after today and at most" in response.content.decode()  # more than a year away
    response = client.post(_tokens_url(cast), {"name": "HR sync", "scopes": ["read"], "expires_on": _soon()})
    page = response.content.decode()
    raw = page.split('id="new-token" type="text" value="')[1].split('"')[0]
    assert raw.startswith("om_") and response["Cache-Control"] == "no-store"
    with scopes_disabled():
        token = ApiToken.objects.get(agency=cast.agency)
        assert token.token_hash == hash_token(raw) and raw not in json.dumps(
            list(ApiToken.objects.values()), default=str
        )
        assert AuditEntry.objects.filter(action="api.token_created", agency=cast.agency).exists()
    assert raw not in client.get(_tokens_url(cast)).content.decode()  # never shown again
    assert ApiClient(raw).get("/api/v1/agency/").status_code == 200


def _soon() -> str:
    import datetime as dt

    from django.utils import timezone

    return (timezone.localdate() + dt.timedelta(days=30)).isoformat()


def test_revoking_a_token_stops_it_at_once(cast: Cast) -> None:
    raw = make_token(cast.admin, cast.agency, ["read"])
    with scopes_disabled():
        token = ApiToken.objects.get(agency=cast.agency)
    url = reverse("api_tokens:revoke", args=[cast.agency.slug, token.prefix])
    assert cast.client_for("admin").post(url).status_code == 302
    assert ApiClient(raw).get("/api/v1/agency/").status_code == 401
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="api.token_revoked", actor=cast.admin).exists()


@pytest.mark.parametrize(
    ("who", "status"), [("viewer", 403), ("coordinator", 403), ("outsider", 404), ("anonymous", 302)]
)
def test_only_administrators_manage_tokens_or_export(cast: Cast, who: str, status: int) -> None:
    client = cast.client_for(who)
    assert client.get(_tokens_url(cast)).status_code == status
    assert client.get(reverse("api_tokens:export", args=[cast.agency.slug])).status_code == status


def test_another_agencys_token_cannot_be_revoked(cast: Cast) -> None:
    make_token(cast.outsider, cast.other_agency, ["read"])
    with scopes_disabled():
        foreign = ApiToken.objects.get(agency=cast.other_agency)
    url = reverse("api_tokens:revoke", args=[cast.agency.slug, foreign.prefix])
    assert cast.client_for("admin").post(url).status_code == 404
    with scopes_disabled():
        foreign.refresh_from_db()
    assert foreign.revoked_at is None


def _archive(response) -> dict[str, bytes]:  # noqa: ANN001
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name: archive.read(name) for name in archive.namelist()}


def test_the_data_export_holds_everything_of_the_agency_and_nothing_of_others(cast: Cast) -> None:
    make_training(make_person(cast.agency, last_name="Ownofficer"))
    make_training(make_person(cast.other_agency, last_name="Foreignofficer"))
    response = cast.client_for("admin").get(reverse("api_tokens:export", args=[cast.agency.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    files = _archive(response)
    manifest = json.loads(files["manifest.json"])
    assert manifest["tables"]["roster.person"]["rows"] == 1
    assert manifest["tables"]["training.trainingrecord"]["rows"] == 1
    assert manifest["tables"]["pledges.pledge"]["rows"] >= 1
    everything = b"".join(files.values()).decode()
    assert "Ownofficer" in everything and "Foreignofficer" not in everything
    assert "token_hash" not in everything and "password" not in everything
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="agency.data_exported", agency=cast.agency, actor=cast.admin).exists()


def test_the_export_through_the_api_needs_the_export_scope(cast: Cast) -> None:
    assert ApiClient(make_token(cast.admin, cast.agency, ["read"])).get("/api/v1/export/").status_code == 403
    response = ApiClient(make_token(cast.admin, cast.agency, ["export"])).get("/api/v1/export/")
    assert response.status_code == 200 and "manifest.json" in _archive(response)


def test_the_profile_page_offers_the_export_and_the_tokens_to_administrators_only(cast: Cast) -> None:
    url = reverse("tenancy:profile", args=[cast.agency.slug])
    assert "Download all agency data" in cast.client_for("admin").get(url).content.decode()
    assert "Download all agency data" not in cast.client_for("viewer").get(url).content.decode()


def test_course_sessions_are_public_and_filtered(cast: Cast, client) -> None:  # noqa: ANN001
    provider = make_provider(cast.provider)
    make_session(provider, code="CIT-40")
    make_session(provider, code="MHFA-PS")
    response = client.get("/api/v1/course-sessions/", {"type": "CIT-40"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1 and body["results"][0]["course"] == "CIT-40" and body["results"][0]["seats_left"] > 0
    assert client.get("/api/v1/course-sessions/", {"from": "not-a-date"}).status_code == 400
