"""Writes for agencies and their administrators: sign-up, access requests, profile edits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from onemind.accounts.models import User
from onemind.accounts.services import create_user_account
from onemind.audit.services import log_action, snapshot
from onemind.lib.versions import lock_current
from onemind.tenancy.changes import agency_changed
from onemind.tenancy.models import AccessRequest, Agency, Membership, StaffAccessGrant, unique_agency_slug
from onemind.tenancy.roles import Role

STAFF_GRANT_HOURS = 2


class AgencyAlreadyManaged(Exception):
    """The agency already has an administrator; a newcomer must request access instead."""

    def __init__(self, agency: Agency) -> None:
        super().__init__(
            f"{agency.name} already has an administrator on OneMind. Request access and they will be told."
        )
        self.agency = agency


def agency_has_admin(agency: Agency) -> bool:
    return Membership.objects.filter(agency=agency, role=Role.AGENCY_ADMIN).exists()


@transaction.atomic
def create_agency(*, actor: User | None, **fields: Any) -> Agency:
    agency = Agency(source=Agency.Source.SIGNUP, **fields)
    agency.slug = unique_agency_slug(agency.name, agency.state)
    agency.full_clean(validate_constraints=False)  # the ORI constraint is answered below with a clear message
    try:
        with transaction.atomic():
            agency.save()
    except IntegrityError as exc:
        raise ValidationError({"ori": "An agency with this ORI is already registered; find it by ORI."}) from exc
    log_action(actor=actor, action="agency.created", obj=agency, agency=agency, after=snapshot(agency))
    return agency


@transaction.atomic
def sign_up_administrator(*, agency: Agency, email: str, full_name: str, password: str) -> User:
    """Create the account of the first administrator of `agency`; refuse if it already has one."""
    # Lock the agency row so two people signing up for it at once cannot both become its first administrator.
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency_has_admin(agency):
        raise AgencyAlreadyManaged(agency)
    user = create_user_account(email=email, full_name=full_name, password=password)
    make_administrator(actor=user, agency=agency, user=user)
    return user


def make_administrator(*, actor: User, agency: Agency, user: User) -> Membership:
    membership = Membership.objects.create(user=user, agency=agency, role=Role.AGENCY_ADMIN)
    log_action(actor=actor, action="membership.created", obj=membership, agency=agency, after=snapshot(membership))
    return membership


def request_access(*, user: User, agency: Agency, message: str = "") -> AccessRequest:
    existing = AccessRequest.objects.filter(user=user, agency=agency, status=AccessRequest.Status.PENDING).first()
    if existing is not None:
        return existing
    access_request = AccessRequest.objects.create(user=user, agency=agency, message=message[:500])
    log_action(actor=user, action="membership.access_requested", obj=access_request, agency=agency)
    return access_request


@transaction.atomic
def decide_access_request(*, actor: User, access_request: AccessRequest, approve: bool, role: str) -> None:
    access_request.status = AccessRequest.Status.APPROVED if approve else AccessRequest.Status.DECLINED
    access_request.decided_at = timezone.now()
    access_request.save(update_fields=["status", "decided_at"])
    if approve:
        Membership.objects.get_or_create(
            user=access_request.user, agency=access_request.agency, defaults={"role": role}
        )
    log_action(
        actor=actor,
        action="membership.access_approved" if approve else "membership.access_declined",
        obj=access_request,
        agency=access_request.agency,
        after={"role": role if approve else None},
    )


@transaction.atomic
def update_agency_profile(*, actor: User, agency: Agency, expected_version: str | None = None, **fields: Any) -> Agency:
    # Read "before" from the database: a bound ModelForm has already copied the new values onto `agency`.
    before = snapshot(lock_current(agency, expected_version))
    for name, value in fields.items():
        setattr(agency, name, value)
    agency.full_clean()
    agency.save()
    log_action(actor=actor, action="agency.updated", obj=agency, agency=agency, before=before, after=snapshot(agency))
    agency_changed(agency)
    return agency


def open_personnel_data(*, actor: User, agency: Agency, reason: str) -> StaffAccessGrant:
    """Campaign staff's audited opening of an agency's personnel data, for a limited time."""
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "Say why you need this agency's personnel data (at least 10 characters)."})
    grant = StaffAccessGrant.objects.create(
        user=actor,
        agency=agency,
        reason=reason,
        expires_at=timezone.now() + dt.timedelta(hours=STAFF_GRANT_HOURS),
    )
    log_action(actor=actor, action="staff.personnel_opened", obj=grant, agency=agency, reason=reason)
    return grant
