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
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django_scopes import scope

from onemind.accounts.models import User
from onemind.lib import rows
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
class AgencyCompanion:
    """Values about an agency that another app needs on its pages, read in the same query as the membership.

    ``joins`` are LEFT JOINs against the agency, whose alias is ``a``; give every joined table an alias that starts
    with ``name``. ``columns`` are the SQL expressions to read. Only members get them this way (the campaign-staff
    path reads the agency through the ORM), so a reader must also work without them.
    """

    name: str
    joins: str
    columns: tuple[str, ...]


_companions: dict[str, AgencyCompanion] = {}


def add_agency_companion(companion: AgencyCompanion) -> None:
    """Read ``companion`` with every member's access from now on (call it from an app's ``ready``)."""
    _companions[companion.name] = companion
    _membership_sql.cache_clear()


@dataclass(frozen=True)
class AgencyAccess:
    agency: Agency
    membership: Membership | None
    permissions: frozenset[str] = field(default_factory=frozenset)
    staff_grant: StaffAccessGrant | None = None
    # Each registered companion's values, by name (empty on the campaign-staff path).
    companions: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def permission_key(self) -> str:
        """A stable text of the permissions, for caching what they decide (e.g. the agency navigation)."""
        return ",".join(sorted(self.permissions))

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
    found = _membership_with_agency(user.pk, agency_slug)
    if found is not None:
        membership, companions = found
        return AgencyAccess(membership.agency, membership, permissions_for_role(membership.role), None, companions)
    agency = Agency.objects.filter(slug=agency_slug).first() if user.is_campaign_staff else None
    if agency is not None:
        grant = active_staff_grant(user, agency)
        perms = CAMPAIGN_STAFF_AGENCY_PERMISSIONS | (STAFF_GRANT_PERMISSIONS if grant else frozenset())
        return AgencyAccess(agency, None, perms, grant)
    raise Http404("No such agency")


@functools.cache
def _membership_sql() -> str:
    companions = list(_companions.values())
    extra = "".join(f", {column}" for companion in companions for column in companion.columns)
    joins = "".join(f" {companion.joins}" for companion in companions)
    return (
        f"SELECT {rows.columns(Membership, 'm')}, {rows.columns(Agency, 'a')}{extra} "  # noqa: S608 - no user text
        f"FROM {Membership._meta.db_table} m JOIN {Agency._meta.db_table} a ON a.id = m.agency_id{joins} "
        f"WHERE m.user_id = %s AND a.slug = %s"
    )


def _membership_with_agency(user_id: int, agency_slug: str) -> tuple[Membership, dict[str, tuple[Any, ...]]] | None:
    """The user's membership of the agency with that slug, its agency attached, and the companions' values: one
    hand-written query, as every agency page runs it (onemind/lib/rows.py says why)."""
    sql = _membership_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, agency_slug])
        row = cursor.fetchone()
    if row is None:
        return None
    split = rows.column_count(Membership)
    membership = rows.from_row(Membership, row[:split])
    at = split + rows.column_count(Agency)
    membership.agency = rows.from_row(Agency, row[split:at])
    companions = {}
    for companion in _companions.values():
        companions[companion.name] = tuple(row[at : at + len(companion.columns)])
        at += len(companion.columns)
    return membership, companions


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
