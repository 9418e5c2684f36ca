from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from onemind.accounts.models import Invitation, User
from onemind.tenancy.models import Membership
from onemind.tenancy.roles import Role
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def _invite(cast: Cast, email: str = "new@example.org", role: str = Role.TRAINING_COORDINATOR) -> str:
    from django.test import TestCase

    # The e-mail is sent on commit; run the callbacks the test transaction would otherwise hold back.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = cast.client_for("admin").post(
            reverse("tenancy:invite", args=[cast.agency.slug]), {"email": email, "role": role}
        )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == [email] and cast.agency.name in message.subject
    assert message.alternatives, "the invitation has an HTML body too"
    match = re.search(r"/accounts/invitation/([\w-]+)/", message.body)
    assert match
    return match.group(0)


def test_an_invited_person_creates_an_account_and_joins_with_the_role(cast: Cast, client) -> None:
    link = _invite(cast)
    assert client.get(link).status_code == 200
    response = client.post(link, {"full_name": "New Coordinator", "password": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert Membership.objects.get(user=user, agency=cast.agency).role == Role.TRAINING_COORDINATOR


def test_an_invitation_link_works_only_once(cast: Cast, client) -> None:
    link = _invite(cast)
    client.post(link, {"full_name": "New Coordinator", "password": PASSWORD})
    other = type(client)()
    response = other.get(link)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_an_expired_invitation_is_refused_with_a_clear_message(cast: Cast, client) -> None:
    link = _invite(cast)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=15)):
        response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_a_withdrawn_invitation_cannot_be_used(cast: Cast, client) -> None:
    link = _invite(cast)
    invitation = Invitation.objects.get(email="new@example.org")
    cast.client_for("admin").post(reverse("tenancy:revoke_invitation", args=[cast.agency.slug, invitation.pk]))
    assert client.get(link).status_code == 410


def test_an_invitation_for_someone_else_is_refused_to_a_signed_in_user(cast: Cast) -> None:
    link = _invite(cast)
    response = cast.client_for("viewer").post(link)
    assert response.status_code == 403
    assert not Membership.objects.filter(user__email="new@example.org").exists()


def test_only_the_token_hash_is_stored(cast: Cast) -> None:
    link = _invite(cast)
    token = link.rstrip("/").split("/")[-1]
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_a_viewer_cannot_invite(cast: Cast) -> None:
    response = cast.client_for("viewer").post(
        reverse("tenancy:invite", args=[cast.agency.slug]), {"email": "x@example.org", "role": Role.AGENCY_ADMIN}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_the_last_administrator_cannot_be_demoted(cast: Cast) -> None:
    membership = Membership.objects.get(user=cast.admin)
    cast.client_for("admin").post(
        reverse("tenancy:change_role", args=[cast.agency.slug, membership.pk]), {"role": Role.AGENCY_VIEWER}
    )
    membership.refresh_from_db()
    assert membership.role == Role.AGENCY_ADMIN


def test_an_administrator_changes_a_role_and_the_audit_log_shows_before_and_after(cast: Cast) -> None:
    membership = Membership.objects.get(user=cast.viewer)
    cast.client_for("admin").post(
        reverse("tenancy:change_role", args=[cast.agency.slug, membership.pk]), {"role": Role.TRAINING_COORDINATOR}
    )
    membership.refresh_from_db()
    assert membership.role == Role.TRAINING_COORDINATOR
    page = cast.client_for("admin").get(
        reverse("tenancy:audit", args=[cast.agency.slug]), {"action": "membership.role_changed"}
    )
    assert "agency_viewer → training_coordinator" in page.content.decode()
