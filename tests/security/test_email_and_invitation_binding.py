"""Attack tests: an e-mail address acts only once it has confirmed itself, and invitations bind to the account that
accepted their own token, never to whoever has the invited address (docs/security.md, "E-mail and invitations")."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.accounts.models import User
from onemind.audit.models import AuditEntry
from onemind.partnerships.models import Partnership
from onemind.partnerships.services import invite_liaison
from tests.conftest import PASSWORD, Cast
from tests.evidence_helpers import link_liaison, make_partnership

pytestmark = pytest.mark.django_db

CHANGE = "/accounts/settings/email/"


def _request_change(client: Client, email: str, capture) -> str:  # noqa: ANN001
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(CHANGE, {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    to_new = next(m for m in mail.outbox if m.to == [email])
    return re.search(r"https?://\S+/accounts/email/confirm/\S+/", to_new.body).group(0)  # type: ignore[union-attr]


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_a_new_address_acts_only_after_it_clicks_its_single_use_link(
    cast: Cast,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    client = cast.client_for("viewer")
    link = _request_change(client, "new@example.org", django_capture_on_commit_callbacks)
    cast.viewer.refresh_from_db()
    assert cast.viewer.email == "viewer@example.org"
    told = [m for m in mail.outbox if m.to == ["viewer@example.org"]]
    assert len(told) == 1 and "new@example.org" in told[0].body
    # Opening the link changes nothing (mail scanners open links); the button does.
    assert client.get(_path(link)).status_code == 200
    cast.viewer.refresh_from_db()
    assert cast.viewer.email == "viewer@example.org"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_path(link)).status_code == 302
    cast.viewer.refresh_from_db()
    assert cast.viewer.email == "new@example.org"
    assert [m.to for m in mail.outbox] == [["viewer@example.org"]]  # the old address is told
    assert AuditEntry.objects.filter(action="account.email_changed", actor=cast.viewer).count() == 1
    assert client.get(reverse("accounts:settings")).status_code == 200  # the session that confirmed stays
    # Single use.
    assert client.post(_path(link)).status_code == 410
    assert Client().get(_path(link)).status_code == 410


def test_an_expired_or_altered_link_changes_nothing(
    cast: Cast,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    link = _request_change(cast.client_for("viewer"), "new@example.org", django_capture_on_commit_callbacks)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)):
        assert Client().post(_path(link)).status_code == 410
    token = _path(link).rstrip("/").rsplit("/", 1)[1]
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert Client().post(reverse("accounts:confirm_email", args=[forged])).status_code == 410
    cast.viewer.refresh_from_db()
    assert cast.viewer.email == "viewer@example.org"


def test_a_link_for_an_address_another_account_took_meanwhile_is_refused(
    cast: Cast,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    link = _request_change(cast.client_for("viewer"), "new@example.org", django_capture_on_commit_callbacks)
    User.objects.create_user(email="new@example.org", password=PASSWORD, full_name="Other")
    assert Client().post(_path(link)).status_code == 410
    cast.viewer.refresh_from_db()
    assert cast.viewer.email == "viewer@example.org"


@pytest.fixture
def two_partnerships(cast: Cast) -> tuple[Partnership, Partnership]:
    with scopes_disabled():
        mine = make_partnership(cast.agency, name="Riverside CMHC")
        other = make_partnership(cast.agency, name="Lakeside Crisis Line", partner_signed_on=None)
        link_liaison(mine, cast.liaison)
        invite_liaison(actor=cast.admin, partnership=other, email="lakeside.liaison@example.org")
    return mine, other


def test_a_liaison_renaming_their_account_to_another_partnerships_invited_address_cannot_confirm_it(
    cast: Cast,
    two_partnerships: tuple[Partnership, Partnership],
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    _mine, other = two_partnerships
    client = cast.client_for("liaison")
    _request_change(client, "lakeside.liaison@example.org", django_capture_on_commit_callbacks)
    cast.liaison.refresh_from_db()
    assert cast.liaison.email == "liaison@example.org"  # the attacker cannot click the link sent to that mailbox
    # Even with the address in hand (say the mailbox was later theirs), the address grants nothing.
    User.objects.filter(pk=cast.liaison.pk).update(email="lakeside.liaison@example.org")
    home = client.get(reverse("partnerships:partner_home", args=[cast.agency.slug])).content.decode()
    assert "Riverside CMHC" in home and "Lakeside" not in home
    url = reverse("partnerships:partner_detail", args=[cast.agency.slug, other.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "confirm", "note": ""}).status_code == 404
    other.refresh_from_db()
    assert other.partner_status != "confirmed"


def test_a_liaison_invitation_binds_the_account_that_accepts_its_token(
    cast: Cast,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    with scopes_disabled():
        partnership = make_partnership(cast.agency, name="Lakeside Crisis Line", partner_signed_on=None)
        with django_capture_on_commit_callbacks(execute=True):
            link = invite_liaison(actor=cast.admin, partnership=partnership, email="lakeside.liaison@example.org")
    assert link is not None
    invited = Client()
    response = invited.post(_path(link), {"full_name": "Dr. Lake", "password": "a-long-passphrase-99"})
    assert response.status_code == 302, response.content.decode()[:2000]
    lake = User.objects.get(email="lakeside.liaison@example.org")
    url = reverse("partnerships:partner_detail", args=[cast.agency.slug, partnership.public_id])
    assert invited.get(url).status_code == 200
    # The invitee moves to another address; whoever has the invited address afterwards gets nothing.
    User.objects.filter(pk=lake.pk).update(email="lake.new@example.org")
    User.objects.filter(pk=cast.liaison.pk).update(email="lakeside.liaison@example.org")
    assert cast.client_for("liaison").get(url).status_code == 404
    assert invited.get(url).status_code == 200
