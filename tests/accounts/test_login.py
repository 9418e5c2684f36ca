from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def test_a_user_signs_in_with_e_mail_and_password_and_lands_on_their_agency(cast: Cast, client) -> None:
    response = client.post(reverse("accounts:login"), {"username": "viewer@example.org", "password": PASSWORD})
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow["Location"] == reverse("tenancy:overview", args=[cast.agency.slug])


def test_a_wrong_password_gives_the_same_message_as_an_unknown_e_mail(cast: Cast, client) -> None:
    wrong = client.post(reverse("accounts:login"), {"username": "viewer@example.org", "password": "nope-nope-nope"})
    unknown = client.post(reverse("accounts:login"), {"username": "nobody@example.org", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert b"Please enter a correct" in wrong.content and b"Please enter a correct" in unknown.content


def test_password_reset_mails_a_link_only_to_known_addresses_and_says_the_same_either_way(cast: Cast, client) -> None:
    known = client.post(reverse("accounts:password_reset"), {"email": "viewer@example.org"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["viewer@example.org"]
    assert "/accounts/password-reset/" in mail.outbox[0].body


def test_sign_out_requires_post(cast: Cast) -> None:
    client = cast.client_for("viewer")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 302
