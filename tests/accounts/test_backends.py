from __future__ import annotations

import pytest
from django.urls import reverse

from onemind.accounts.backends import UserBackend
from onemind.accounts.models import User
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def test_the_signed_in_user_is_loaded_exactly_as_the_orm_loads_it(cast: Cast) -> None:
    User.objects.filter(pk=cast.coordinator.pk).update(full_name="Dana Ruiz")
    loaded = UserBackend().get_user(cast.coordinator.pk)
    expected = User.objects.get(pk=cast.coordinator.pk)
    assert loaded is not None
    for field in User._meta.concrete_fields:
        value, orm = getattr(loaded, field.attname), getattr(expected, field.attname)
        assert (value, type(value)) == (orm, type(orm)), field.attname
    assert loaded.full_name == "Dana Ruiz" and not loaded._state.adding


@pytest.mark.parametrize("user_id", [None, "", "abc", "999999999"])
def test_an_unknown_or_malformed_user_id_is_nobody(user_id: str | None) -> None:
    assert UserBackend().get_user(user_id) is None


def test_a_deactivated_user_is_signed_out_on_the_next_request(cast: Cast) -> None:
    client = cast.client_for("coordinator")
    overview = reverse("tenancy:overview", args=[cast.agency.slug])
    assert client.get(overview).status_code == 200
    User.objects.filter(pk=cast.coordinator.pk).update(is_active=False)
    assert UserBackend().get_user(cast.coordinator.pk) is None
    response = client.get(overview)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_session_from_the_sign_in_page_loads_its_user_through_this_backend(cast: Cast) -> None:
    client = cast.client_for("anonymous")
    response = client.post(reverse("accounts:login"), {"username": cast.coordinator.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "onemind.accounts.backends.UserBackend"
    assert client.get(reverse("tenancy:overview", args=[cast.agency.slug])).status_code == 200
