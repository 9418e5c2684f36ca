"""Every URL pattern × anonymous, outsider, viewer and administrator.

The route table below must list every named URL the resolver knows; a new URL fails `test_every_route_is_listed`
until someone decides who may use it. Expected statuses derive from the permission table in tenancy/roles.py.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled

from onemind.accounts.models import Invitation
from onemind.tenancy.models import AccessRequest, Membership
from onemind.tenancy.roles import ROLE_PERMISSIONS, Role
from tests.conftest import Cast
from tests.routes import Route

ROUTES: dict[str, Route] = {
    "public:landing": Route("public"),
    "public:pledged": Route("public"),
    "public:agency": Route("public", public_statuses=(404,)),  # the sample agency did not opt in
    "public:recognized": Route("public"),
    "public:resources": Route("public"),
    "public:health": Route("public"),
    "directory:search": Route("public"),
    "accounts:login": Route("public", public_statuses=(200, 302)),  # signed-in users are sent on
    "accounts:logout": Route("public", "POST", public_statuses=(302,)),
    "accounts:signup": Route("public"),
    "accounts:signup_new_agency": Route("public"),
    "accounts:signup_for_agency": Route("public", public_statuses=(409,)),  # it has an administrator
    "accounts:invitation": Route("public", public_statuses=(410,)),  # the sample token is not valid
    "accounts:confirm_email": Route("public", public_statuses=(410,)),  # the sample token is not valid
    "accounts:password_reset": Route("public"),
    "accounts:password_reset_done": Route("public"),
    "accounts:password_reset_confirm": Route("public"),
    "accounts:password_reset_complete": Route("public"),
    "accounts:home": Route("account"),
    "accounts:request_access": Route("account"),
    "accounts:settings": Route("account"),
    "accounts:change_email": Route("account"),
    "accounts:password_change": Route("account"),
    "accounts:password_change_done": Route("account"),
    "accounts:two_factor_verify": Route("account"),
    "accounts:two_factor_setup": Route("account"),
    "accounts:two_factor_recovery": Route("account"),
    "tenancy:overview": Route("agency", "GET", "agency:read"),
    "tenancy:profile": Route("agency", "GET", "agency:read"),
    "tenancy:members": Route("agency", "GET", "members:read"),
    "tenancy:invite": Route("agency", "GET", "members:write"),
    "tenancy:change_role": Route("agency", "POST", "members:write"),
    "tenancy:remove_member": Route("agency", "POST", "members:write"),
    "tenancy:revoke_invitation": Route("agency", "POST", "members:write"),
    "tenancy:decide_request": Route("agency", "POST", "members:write"),
    "tenancy:audit": Route("agency", "GET", "audit:read"),
    "tenancy:staff_open": Route("staff-agency"),
    "pledges:detail": Route("agency", "GET", "agency:read"),
    "pledges:sign": Route("agency", "GET", "pledge:write", allowed_statuses=(302,)),  # already pledged
    "pledges:correct": Route("agency", "GET", "pledge:write"),
    "pledges:pdf": Route("agency", "GET", "agency:read"),
}


def _collect_route_tables() -> None:
    """Each area lists its routes in tests/route_table_<area>.py (a ROUTES dict); they join the table above."""
    import importlib
    import pkgutil

    import tests

    for module in pkgutil.iter_modules(tests.__path__):
        if module.name.startswith("route_table_"):
            ROUTES.update(importlib.import_module(f"tests.{module.name}").ROUTES)


_collect_route_tables()


def _walk(patterns: list[URLPattern | URLResolver], namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += _walk(pattern.url_patterns, inner)
        elif pattern.name:
            names.append(f"{namespace}{pattern.name}")
    return names


ALL_NAMES = sorted(set(_walk(get_resolver().url_patterns)))


def test_every_route_is_listed() -> None:
    unlisted = [name for name in ALL_NAMES if name not in ROUTES]
    assert not unlisted, f"Classify these routes in ROUTES: {unlisted}"
    stale = [name for name in ROUTES if name not in ALL_NAMES]
    assert not stale, f"ROUTES lists routes that no longer exist: {stale}"


PATH_PARAMS = {
    "tenancy:change_role": "membership_id",
    "tenancy:remove_member": "membership_id",
    "tenancy:revoke_invitation": "invitation_id",
    "tenancy:decide_request": "request_id",
}


def _url(name: str, cast: Cast) -> str:
    """The route's URL with sample arguments, always naming objects of the home agency."""
    explicit = {
        "accounts:invitation": {"token": "not-a-real-token"},
        "accounts:confirm_email": {"token": "not-a-real-token"},
        "accounts:signup_for_agency": {"agency_slug": cast.agency.slug},
        "accounts:request_access": {"agency_slug": cast.agency.slug},
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "public:agency": {"slug": cast.agency.slug},
    }
    if name in explicit:
        return reverse(name, kwargs=explicit[name])
    route = ROUTES[name]
    if route.kind not in ("agency", "staff-agency"):
        return reverse(name, kwargs=route.sample(cast) if route.sample else None)
    kwargs: dict[str, object] = {"agency_slug": cast.agency.slug}
    if route.sample is not None:
        with scopes_disabled():
            kwargs.update(route.sample(cast))
    if name in PATH_PARAMS:
        with scopes_disabled():
            samples = {
                "membership_id": lambda: Membership.objects.get(user=cast.viewer).pk,
                "invitation_id": lambda: (
                    Invitation.objects.create(
                        agency=cast.agency,
                        email="x@example.org",
                        role=Role.AGENCY_VIEWER,
                        token_hash="sample",
                        expires_at="2099-01-01T00:00Z",
                    ).pk
                ),
                "request_id": lambda: AccessRequest.objects.create(user=cast.outsider, agency=cast.agency).pk,
            }
            kwargs[PATH_PARAMS[name]] = samples[PATH_PARAMS[name]]()
    return reverse(name, kwargs=kwargs)


def _expected(route: Route, who: str) -> set[int]:
    if route.kind == "public":
        return set(route.public_statuses)
    if route.kind == "api":  # token-only: a session, whoever's, is not a credential (tests/security sweeps tokens)
        return {401}
    if who == "anonymous":
        return {302}
    if route.kind == "account":
        return {200, 302}
    if route.kind == "provider":  # a course provider's own pages: its members only, 404 to everyone else
        if who != "provider":
            return {404}
        return set(route.allowed_statuses) or ({200, 302} if route.method == "POST" else {200})
    if route.kind in ("staff-agency", "campaign"):  # campaign: campaign_view, staff only, 404 to everyone else
        return (set(route.allowed_statuses) or {200}) if who == "staff" else {404}
    if route.kind == "own-record":  # the invited officer's own record, checked on the object: 404 to all others
        return (set(route.allowed_statuses) or {200}) if who == "officer" else {404}
    if who == "outsider":
        return {404}
    if who in ("liaison", "provider", "officer"):
        # Not agency staff: every agency page is "not found" (the liaison's own partnership pages are checked
        # with a linked partnership in tests/partnerships/test_liaison.py; course sessions are a later issue).
        return {404}
    role = {"viewer": Role.AGENCY_VIEWER, "admin": Role.AGENCY_ADMIN, "coordinator": Role.TRAINING_COORDINATOR}.get(who)
    if who == "staff":
        from onemind.tenancy.roles import CAMPAIGN_STAFF_AGENCY_PERMISSIONS as staff_perms

        allowed = route.permission in staff_perms
    else:
        allowed = route.permission in ROLE_PERMISSIONS[role]
    if not allowed:
        return {403}
    if route.allowed_statuses:
        return set(route.allowed_statuses)
    return {200, 302} if route.method == "POST" else {200}


# Writers come last, so a successful write cannot change what an earlier role is answered.
ROLES = ["anonymous", "outsider", "liaison", "provider", "officer", "viewer", "staff", "coordinator", "admin"]


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if n in ROUTES])
def test_route_answers_each_role_as_the_permission_table_says(name: str, cast: Cast) -> None:
    """One cast per route (building it dominates the cost); every role is asked, and all mismatches reported."""
    route = ROUTES[name]
    url = _url(name, cast)
    wrong = []
    for who in ROLES:
        if who == "liaison" and route.permission == "partnership:confirm":
            continue  # needs a linked partnership: tests/partnerships/test_liaison.py
        client = cast.client_for(who)
        data = route.data if route.data is not None else {"role": "agency_viewer"}
        response = client.post(url, data) if route.method == "POST" else client.get(url)
        if response.status_code not in _expected(route, who):
            wrong.append((who, url, response.status_code, sorted(_expected(route, who))))
        elif route.kind == "agency" and who == "anonymous":
            assert response["Location"].startswith(reverse("accounts:login"))
    assert not wrong, f"{name}: {wrong}"


@pytest.mark.parametrize("name", sorted(PATH_PARAMS))
def test_a_foreign_agencys_object_id_in_the_path_is_not_found(name: str, cast: Cast) -> None:
    """The administrator of the home agency uses an id that belongs to the other agency: 404, nothing changes."""
    with scopes_disabled():
        foreign_membership = Membership.objects.get(user=cast.outsider)
        foreign_invitation = Invitation.objects.create(
            agency=cast.other_agency,
            email="y@example.org",
            role=Role.AGENCY_VIEWER,
            token_hash="foreign",
            expires_at="2099-01-01T00:00Z",
        )
        foreign_request = AccessRequest.objects.create(user=cast.viewer, agency=cast.other_agency)
    id_for = {
        "tenancy:change_role": ("membership_id", foreign_membership.pk),
        "tenancy:remove_member": ("membership_id", foreign_membership.pk),
        "tenancy:revoke_invitation": ("invitation_id", foreign_invitation.pk),
        "tenancy:decide_request": ("request_id", foreign_request.pk),
    }
    param, value = id_for[name]
    url = reverse(name, kwargs={"agency_slug": cast.agency.slug, param: value})
    response = cast.client_for("admin").post(url, {"role": "agency_viewer", "decision": "approve"})
    assert response.status_code == 404
    with scopes_disabled():
        assert Membership.objects.filter(pk=foreign_membership.pk, role=Role.AGENCY_ADMIN).exists()
        assert Invitation.objects.get(pk=foreign_invitation.pk).revoked_at is None
        assert AccessRequest.objects.get(pk=foreign_request.pk).status == "pending"
