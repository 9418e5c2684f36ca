from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.accounts.models import User
from onemind.audit.models import AuditEntry
from onemind.tenancy.models import AccessRequest, Agency, AgencyClaim, Membership
from onemind.tenancy.roles import Role
from tests.conftest import PASSWORD, Cast, make_agency, make_user

pytestmark = pytest.mark.django_db

ACCOUNT = {
    "full_name": "Dana Designee",
    "email": "dana@example.org",
    "password": PASSWORD,
    "job_title": "Deputy Chief",
    "head_name": "Pat Chief",
}


def test_directory_search_finds_an_agency_by_name_ori_and_state(client) -> None:
    make_agency("Riverton Police Department", "WY", "WY0130100")
    make_agency("Riverton Police Department", "UT", "UT0180900")
    assert b"WY0130100" in client.get(reverse("directory:search"), {"q": "riverton"}).content
    by_ori = client.get(reverse("directory:search"), {"q": "ut01809"}).content
    assert b"UT0180900" in by_ori and b"WY0130100" not in by_ori
    by_state = client.get(reverse("directory:search"), {"q": "Riverton WY"}).content
    assert b"WY0130100" in by_state and b"UT0180900" not in by_state


def test_the_first_person_to_sign_up_an_agency_files_a_claim_and_gets_nothing_yet(client) -> None:
    agency = make_agency("Riverton Police Department", "WY", "WY0130100")
    response = client.post(reverse("accounts:signup_for_agency", args=[agency.slug]), ACCOUNT)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    user = User.objects.get(email="dana@example.org")
    assert not Membership.objects.filter(user=user, agency=agency).exists()
    assert AgencyClaim.objects.get(user=user, agency=agency).status == AgencyClaim.Status.PENDING
    assert AuditEntry.objects.filter(action="agency.claim_filed", agency=agency).exists()


def test_a_second_sign_up_for_a_managed_agency_is_told_to_request_access(cast: Cast, client) -> None:
    response = client.get(reverse("accounts:signup_for_agency", args=[cast.agency.slug]))
    assert response.status_code == 409
    assert b"already has an administrator" in response.content
    response = client.post(reverse("accounts:signup_for_agency", args=[cast.agency.slug]), ACCOUNT)
    assert response.status_code == 409
    assert not User.objects.filter(email="dana@example.org").exists()


def test_a_signed_in_user_can_request_access_and_the_administrator_approves(cast: Cast) -> None:
    newcomer = make_user("new@example.org", "New Person")
    client = cast.client_for("anonymous")
    client.force_login(newcomer)
    client.post(reverse("accounts:request_access", args=[cast.agency.slug]), {"message": "I run training"})
    request = AccessRequest.objects.get(user=newcomer, agency=cast.agency)
    admin = cast.client_for("admin")
    admin.post(
        reverse("tenancy:decide_request", args=[cast.agency.slug, request.pk]),
        {"decision": "approve", "role": Role.TRAINING_COORDINATOR},
    )
    assert Membership.objects.get(user=newcomer, agency=cast.agency).role == Role.TRAINING_COORDINATOR


def test_a_new_agency_with_a_malformed_ori_is_rejected_with_the_reason(client) -> None:
    data = {
        "agency-name": "Lakeside PD",
        "agency-ori": "XX12",
        "agency-agency_type": "city",
        "agency-state": "WY",
        "agency-country": "US",
        **{f"account-{k}": v for k, v in ACCOUNT.items()},
    }
    response = client.post(reverse("accounts:signup_new_agency"), data)
    assert response.status_code == 200
    assert "4 characters" in response.content.decode()
    assert not Agency.objects.filter(name="Lakeside PD").exists()
    assert not User.objects.filter(email="dana@example.org").exists()


def test_a_new_agency_is_created_with_its_ori_normalized(client) -> None:
    data = {
        "agency-name": "Lakeside PD",
        "agency-ori": " wy0139900 ",
        "agency-agency_type": "city",
        "agency-state": "wy",
        "agency-country": "US",
        **{f"account-{k}": v for k, v in ACCOUNT.items()},
    }
    response = client.post(reverse("accounts:signup_new_agency"), data)
    assert response.status_code == 302
    agency = Agency.objects.get(name="Lakeside PD")
    assert (agency.ori, agency.ori7, agency.state, agency.source) == ("WY0139900", "WY01399", "WY", "signup")


def test_an_agency_outside_the_us_needs_no_ori(client) -> None:
    data = {
        "agency-name": "Toronto Police Service",
        "agency-ori": "",
        "agency-agency_type": "city",
        "agency-state": "",
        "agency-country": "CA",
        **{f"account-{k}": v for k, v in ACCOUNT.items()},
    }
    assert client.post(reverse("accounts:signup_new_agency"), data).status_code == 302
    assert Agency.objects.get(name="Toronto Police Service").ori == ""


def test_a_new_agency_with_an_ori_already_registered_is_refused(cast: Cast, client) -> None:
    data = {
        "agency-name": "Copycat PD",
        "agency-ori": "IL0160000",
        "agency-agency_type": "city",
        "agency-state": "IL",
        "agency-country": "US",
        **{f"account-{k}": v for k, v in ACCOUNT.items()},
    }
    response = client.post(reverse("accounts:signup_new_agency"), data)
    assert response.status_code == 200
    assert "already has this ORI" in response.content.decode()
    assert not User.objects.filter(email="dana@example.org").exists()


def test_a_weak_or_short_password_is_refused(client) -> None:
    agency = make_agency("Riverton Police Department", "WY", "WY0130100")
    for weak in ("short1", "password1234", "123456789012"):
        response = client.post(reverse("accounts:signup_for_agency", args=[agency.slug]), {**ACCOUNT, "password": weak})
        assert response.status_code == 200
    assert not User.objects.exists()


def test_an_over_long_field_is_a_form_error_not_a_crash(client) -> None:
    agency = make_agency("Riverton Police Department", "WY", "WY0130100")
    response = client.post(
        reverse("accounts:signup_for_agency", args=[agency.slug]), {**ACCOUNT, "full_name": "x" * 5000}
    )
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()


def test_posting_without_a_csrf_token_is_refused() -> None:
    from django.test import Client

    agency = make_agency("Riverton Police Department", "WY", "WY0130100")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("accounts:signup_for_agency", args=[agency.slug]), ACCOUNT)
    assert response.status_code == 403
    with scopes_disabled():
        assert not User.objects.exists()
