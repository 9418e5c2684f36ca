"""The one choke point for tenancy and permissions.

URL → agency → membership (or campaign-staff path) → permission strings. Outsiders get 404 so nobody can probe
which agencies or records exist; members without the permission get 403; the view body runs inside a
django-scopes scope for that agency, so a tenant-owned query that forgets the agency raises instead of leaking.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django_scopes import scope

from onemind.accounts.models import User
from onemind.tenancy.models import Agency, Membership, StaffAccessGrant
from onemind.tenancy.roles import (
    AGENCY_READ,
    CAMPAIGN_STAFF_AGENCY_PERMISSIONS,
    CAMPAIGN_STAFF_PERMISSIONS,
    ROSTER_READ,
    STAFF_GRANT_PERMISSIONS,
    permissions_for_role,
)


@dataclass(frozen=True)
class AgencyAccess:
    agency: Agency
    membership: Membership | None
    permissions: frozenset[str] = field(default_factory=frozenset)
    staff_grant: StaffAccessGrant | None = None

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def sees_personnel(self) -> bool:
        """The one rule for every page, export and log that shows a person's data (names, numbers, e-mail
        addresses, exemption reasons, notes): members with the roster's read permission; campaign staff only
        inside an audited "open with reason" grant (which is what lends them that permission). Being the roster's
        own permission, no page can show more of a person than the roster does."""
        return self.can(ROSTER_READ)

    @property
    def is_staff_view(self) -> bool:
        return self.membership is None

    @property
    def role_label(self) -> str:
        if self.membership is not None:
            return self.membership.get_role_display()
        return "Campaign staff"


def resolve_agency_access(user: Any, agency_slug: str) -> AgencyAccess:
    """Return what `user` may do in the agency named by `agency_slug`, or raise Http404 for outsiders."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such agency")
    # Members (every agency page's common case) cost one query: the membership with its agency.
    membership = Membership.objects.select_related("agency").filter(user=user, agency__slug=agency_slug).first()
    if membership is not None:
        return AgencyAccess(membership.agency, membership, permissions_for_role(membership.role))
    agency = Agency.objects.filter(slug=agency_slug).first() if user.is_campaign_staff else None
    if agency is not None:
        grant = active_staff_grant(user, agency)
        perms = CAMPAIGN_STAFF_AGENCY_PERMISSIONS | (STAFF_GRANT_PERMISSIONS if grant else frozenset())
        return AgencyAccess(agency, None, perms, grant)
    raise Http404("No such agency")


def active_staff_grant(user: Any, agency: Agency) -> StaffAccessGrant | None:
    return (
        StaffAccessGrant.objects.filter(user=user, agency=agency, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


class AgencyRequest(HttpRequest):
    """What an agency view receives: a signed-in user and the resolved access."""

    user: User
    access: AgencyAccess


class AuthenticatedRequest(HttpRequest):
    user: User


V = TypeVar("V", bound=Callable[..., HttpResponse])


def agency_view(permission: str) -> Callable[[V], V]:
    """Decorate a view taking `agency_slug`: resolves `request.access`, checks `permission`, enters the scope."""

    def decorator(view: V) -> V:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, agency_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            access = resolve_agency_access(request.user, agency_slug)
            if not access.can(permission):
                if not access.can(AGENCY_READ):
                    # Partner liaisons and course providers are not agency staff: the agency's pages do not exist
                    # for them, exactly as for outsiders.
                    raise Http404("No such agency")
                raise PermissionDenied(f"Your role does not allow {permission}")
            request.access = access  # type: ignore[attr-defined]  # becomes an AgencyRequest here
            with scope(agency=access.agency):
                response = view(request, *args, **kwargs)
            # Pages of one agency can hold personnel data: never let a shared cache keep them.
            response.setdefault("Cache-Control", "no-store")
            return response

        return cast(V, wrapped)

    return decorator


def campaign_view(permission: str) -> Callable[[V], V]:
    """Decorate a campaign-staff view: anonymous → login, everyone else without the permission → 404."""

    def decorator(view: V) -> V:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not campaign_permissions(request.user) >= {permission}:
                raise Http404("Not found")
            response = view(request, *args, **kwargs)
            response.setdefault("Cache-Control", "no-store")
            return response

        return cast(V, wrapped)

    return decorator


def campaign_permissions(user: Any) -> frozenset[str]:
    if user.is_authenticated and user.is_active and user.is_campaign_staff:
        return CAMPAIGN_STAFF_PERMISSIONS
    return frozenset()
