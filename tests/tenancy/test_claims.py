"""Claiming an agency: pending until campaign staff approve (or the agency's verified domain matches), verified
e-mail first, nothing public before, a dispute path that can transfer the administration."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.accounts.models import User
from onemind.audit.models import AuditEntry
from onemind.tenancy.models import AgencyClaim, Membership
from onemind.tenancy.roles import Role
from tests.conftest import PASSWORD, Cast, make_agency, make_user

pytestmark = pytest.mark.django_db

ACCOUNT = {
    "full_name": "Dana Designee",
    "email": "dana@riverton.gov",
    "password": PASSWORD,
    "job_title": "Deputy Chief",
    "head_name": "Robin Chief",
}


def _sign_up(client: Client, agency: object, **extra: str) -> User:
    response = client.post(reverse("accounts:signup_for_agency", args=[agency.slug]), {**ACCOUNT, **extra})  # type: ignore[attr-defined]
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(email=extra.get("email", ACCOUNT["email"]))


def _verification_link(outbox_index: int = -1) -> str:
    match = re.search(r"/accounts/verify-email/[^/\s]+/", mail.outbox[outbox_index].body)
    assert match, mail.outbox[outbox_index].body
    return match.group(0)


def _riverton(**extra: object) -> object:
    return make_agency("Riverton Police Department", "WY", "WY0130100", head_name="Robin Chief", **extra)


def test_a_new_account_is_held_at_the_verification_page_until_it_opens_the_e_mailed_link(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    agency = _riverton()
    with django_capture_on_commit_callbacks(execute=True):
        user = _sign_up(client, agency)
    assert user.email_verified_at is None
    assert client.get(reverse("accounts:home"))["Location"] == reverse("accounts:verify_email")
    assert client.get(reverse("directory:search")).status_code == 302  # everything but the verification pages
    assert client.get(reverse("accounts:home"), HTTP_HX_REQUEST="true").status_code == 204
    link = _verification_link()
    assert client.get(link).status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is None  # a GET (a mail scanner) verifies nothing
    assert client.post(link).status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert client.get(reverse("accounts:home")).status_code == 200


def test_a_verification_link_that_is_forged_or_for_an_old_address_is_refused(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    agency = _riverton()
    with django_capture_on_commit_callbacks(execute=True):
        user = _sign_up(client, agency)
    link = _verification_link()
    assert client.post(link.replace("verify-email/", "verify-email/x")).status_code == 410
    User.objects.filter(pk=user.pk).update(email="dana@elsewhere.gov")
    assert client.post(link).status_code == 410
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_a_pending_claimant_gets_no_access_and_the_agency_shows_nowhere_publicly(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    agency = _riverton()
    with django_capture_on_commit_callbacks(execute=True):
        user = _sign_up(client, agency)
    client.post(_verification_link())
    assert client.get(reverse("tenancy:overview", args=[agency.slug])).status_code == 404
    assert client.get(reverse("pledges:sign", args=[agency.slug])).status_code == 404
    assert b"Riverton" not in client.get(reverse("public:pledged")).content
    assert "Pending review" in client.get(reverse("accounts:home")).content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_a_verified_address_on_the_agencys_verified_domain_is_approved_automatically(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    agency = _riverton(verified_email_domain="riverton.gov")
    with django_capture_on_commit_callbacks(execute=True):
        user = _sign_up(client, agency, email="dana@pd.riverton.gov")
    claim = AgencyClaim.objects.get(user=user)
    assert claim.status == AgencyClaim.Status.PENDING  # the address is not verified yet
    client.post(_verification_link())
    claim.refresh_from_db()
    assert claim.status == AgencyClaim.Status.APPROVED and claim.decided_by is None
    assert Membership.objects.get(user=user, agency=agency).role == Role.AGENCY_ADMIN
    assert client.get(reverse("pledges:sign", args=[agency.slug])).status_code == 200


@pytest.mark.parametrize("email", ["dana@riverton.gov.evil.com", "dana@evilriverton.gov", "dana@gmail.com"])
def test_a_lookalike_or_webmail_address_is_not_approved_automatically(
    client: Client, django_capture_on_commit_callbacks, email: str
) -> None:
    agency = _riverton(verified_email_domain="riverton.gov")
    with django_capture_on_commit_callbacks(execute=True):
        user = _sign_up(client, agency, email=email)
    client.post(_verification_link())
    assert AgencyClaim.objects.get(user=user).status == AgencyClaim.Status.PENDING
    assert not Membership.objects.filter(user=user).exists()


def test_a_directory_domain_on_record_is_evidence_but_never_approves_alone(
    client: Client, django_capture_on_commit_callbacks, cast: Cast
) -> None:
    # Contact e-mails and websites come from the directory or the agency itself, not from staff: shown, not trusted.
    agency = _riverton(contact_email="info@riverton.gov")
    with django_capture_on_commit_callbacks(execute=True):
        user = _sign_up(client, agency)
    client.post(_verification_link())
    claim = AgencyClaim.objects.get(user=user)
    assert claim.status == AgencyClaim.Status.PENDING
    page = cast.client_for("staff").get(reverse("campaign:claim", args=[claim.public_id])).content.decode()
    assert "riverton.gov" in page and "matches" in page and "Robin Chief" in page and "WY0130100" in page


def test_staff_see_the_queue_with_the_evidence_in_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries
) -> None:
    for i in range(6):
        agency = make_agency(f"Town {i} PD", "WY", f"WY01301{i:02d}", head_name="Robin Chief")
        user = make_user(f"c{i}@town{i}.gov", f"Claimant {i}")
        AgencyClaim.objects.create(agency=agency, user=user, job_title="Sergeant", head_name="R. Chief")
    staff = cast.client_for("staff")
    with django_assert_max_num_queries(10):
        response = staff.get(reverse("campaign:claims"))
    assert response.status_code == 200
    assert response.content.decode().count("Claim to administer") >= 6


@pytest.mark.parametrize("who", ["admin", "outsider", "viewer", "liaison", "provider", "officer"])
def test_the_claim_queue_is_not_found_for_everyone_but_campaign_staff(cast: Cast, who: str) -> None:
    claim = AgencyClaim.objects.create(agency=_riverton(), user=cast.outsider, job_title="x")
    for url in (reverse("campaign:claims"), reverse("campaign:claim", args=[claim.public_id])):
        assert cast.client_for(who).get(url).status_code == 404
        assert cast.client_for(who).post(url, {"decision": "approve", "reason": "ok"}).status_code == 404
    assert cast.client_for("anonymous").get(reverse("campaign:claims")).status_code == 302
    claim.refresh_from_db()
    assert claim.status == AgencyClaim.Status.PENDING


def test_staff_approve_a_claim_with_a_reason_and_the_claimant_becomes_administrator(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    agency = _riverton()
    user = make_user("dana@riverton.gov", "Dana")
    claim = AgencyClaim.objects.create(agency=agency, user=user, job_title="Deputy Chief")
    url = reverse("campaign:claim", args=[claim.public_id])
    staff = cast.client_for("staff")
    assert staff.post(url, {"decision": "approve", "reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            url, {"decision": "approve", "reason": "Called the chief's office.", "remember_domain": "on"}
        )
    assert response.status_code == 302
    assert Membership.objects.get(user=user, agency=agency).role == Role.AGENCY_ADMIN
    agency.refresh_from_db()
    assert agency.verified_email_domain == "riverton.gov"
    assert AuditEntry.objects.filter(action="agency.claim_approved", agency=agency, reason__contains="chief").exists()
    assert "approved" in mail.outbox[-1].subject
    assert staff.post(url, {"decision": "decline", "reason": "again"}).status_code == 400  # decided once


def test_staff_cannot_approve_a_claimant_whose_address_is_not_verified(cast: Cast) -> None:
    user = make_user("dana@riverton.gov", "Dana", email_verified_at=None)
    claim = AgencyClaim.objects.create(agency=_riverton(), user=user, job_title="Deputy Chief")
    response = cast.client_for("staff").post(
        reverse("campaign:claim", args=[claim.public_id]), {"decision": "approve", "reason": "Looks right."}
    )
    assert response.status_code == 400 and "not verified" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_a_declined_claim_grants_nothing_and_tells_the_claimant_why(cast: Cast) -> None:
    user = make_user("dana@gmail.com", "Dana")
    claim = AgencyClaim.objects.create(agency=_riverton(), user=user, job_title="Chief")
    cast.client_for("staff").post(
        reverse("campaign:claim", args=[claim.public_id]), {"decision": "decline", "reason": "The agency says no."}
    )
    claim.refresh_from_db()
    assert claim.status == AgencyClaim.Status.DECLINED and not Membership.objects.filter(user=user).exists()
    client = Client()
    client.force_login(user)
    assert "The agency says no." in client.get(reverse("accounts:home")).content.decode()


def test_the_real_agency_disputes_and_staff_transfer_the_administration(cast: Cast) -> None:
    real = make_user("chief@springfield.gov", "Real Admin")
    client = Client()
    client.force_login(real)
    assert client.get(reverse("accounts:signup_for_agency", args=[cast.agency.slug])).status_code == 409
    url = reverse("accounts:dispute", args=[cast.agency.slug])
    assert client.post(url, {"job_title": "Chief", "head_name": "Pat Chief", "statement": ""}).status_code == 200
    client.post(url, {"job_title": "Chief", "head_name": "Pat Chief", "statement": "That person left in 2024."})
    with scopes_disabled():
        claim = AgencyClaim.objects.get(user=real, kind=AgencyClaim.Kind.DISPUTE)
    assert not Membership.objects.filter(user=real).exists()  # a report grants nothing by itself
    staff = cast.client_for("staff")
    page = staff.get(reverse("campaign:claim", args=[claim.public_id])).content.decode()
    assert "admin@example.org" in page and "transfers the administration" in page
    staff.post(reverse("campaign:claim", args=[claim.public_id]), {"decision": "approve", "reason": "Chief confirmed."})
    assert Membership.objects.get(user=real, agency=cast.agency).role == Role.AGENCY_ADMIN
    assert not Membership.objects.filter(user=cast.admin, agency=cast.agency).exists()
    assert cast.client_for("admin").get(reverse("tenancy:overview", args=[cast.agency.slug])).status_code == 404
    assert AuditEntry.objects.filter(action="agency.administration_transferred", agency=cast.agency).exists()


def test_the_dispute_page_needs_a_signed_in_account(cast: Cast) -> None:
    url = reverse("accounts:dispute", args=[cast.agency.slug])
    assert cast.client_for("anonymous").get(url)["Location"].startswith(reverse("accounts:login"))
    assert cast.client_for("outsider").get(url).status_code == 200


def test_a_new_agency_registered_at_sign_up_waits_for_staff_too(client: Client) -> None:
    data = {
        "agency-name": "Lakeside PD",
        "agency-ori": "WY0139900",
        "agency-agency_type": "city",
        "agency-state": "WY",
        "agency-country": "US",
        **{f"account-{k}": v for k, v in ACCOUNT.items()},
    }
    assert client.post(reverse("accounts:signup_new_agency"), data).status_code == 302
    user = User.objects.get(email=ACCOUNT["email"])
    assert AgencyClaim.objects.get(user=user).status == AgencyClaim.Status.PENDING
    assert not Membership.objects.filter(user=user).exists()


def test_an_invited_account_is_verified_by_its_invitation(cast: Cast) -> None:
    from onemind.accounts.services import invite_member

    _invitation, link = invite_member(
        actor=cast.admin, agency=cast.agency, email="new@example.org", role=Role.AGENCY_VIEWER
    )
    client = Client()
    path = link.split("//", 1)[1].split("/", 1)[1]
    response = client.post(
        "/" + path, {"full_name": "New Viewer", "password": PASSWORD, "job_title": "x", "head_name": "y"}
    )
    assert response.status_code == 302
    assert User.objects.get(email="new@example.org").email_verified_at is not None
