"""Writes for agencies and their administrators: sign-up, access requests, profile edits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from onemind.accounts.models import User
from onemind.audit.services import log_action, snapshot
from onemind.lib.versions import lock_current
from onemind.tenancy.changes import agency_changed
from onemind.tenancy.models import AccessRequest, Agency, AgencyClaim, Membership, StaffAccessGrant, unique_agency_slug
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


# --- Claims: who may become an agency's administrator --------------------------------------------------------


def _notify_claimant(claim: AgencyClaim) -> None:
    context = {"claim": claim, "agency": claim.agency, "link": settings.SITE_URL + reverse("accounts:home")}
    transaction.on_commit(
        lambda: send_mail(
            subject=f"Your request for {claim.agency.name} on OneMind: {claim.get_status_display().lower()}",
            message=render_to_string("accounts/email/claim_decided.txt", context),
            from_email=None,
            recipient_list=[claim.user.email],
        )
    )


@transaction.atomic
def claim_agency(
    *,
    actor: User,
    agency: Agency,
    job_title: str,
    phone: str = "",
    head_name: str = "",
    statement: str = "",
    dispute: bool = False,
) -> AgencyClaim:
    """Ask to administer ``agency`` (or, with ``dispute``, to take over its administration). Grants nothing yet."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    managed = agency_has_admin(agency)
    if managed and not dispute:
        raise AgencyAlreadyManaged(agency)
    if dispute and not statement.strip():
        raise ValidationError({"statement": "Say who you are and why the current administration is not right."})
    if Membership.objects.filter(agency=agency, user=actor, role=Role.AGENCY_ADMIN).exists():
        raise ValidationError("You already administer this agency.")
    kind = AgencyClaim.Kind.DISPUTE if dispute else AgencyClaim.Kind.CLAIM
    if AgencyClaim.objects.filter(agency=agency, user=actor, status=AgencyClaim.Status.PENDING).exists():
        raise ValidationError("You already have a request for this agency waiting for campaign staff.")
    claim = AgencyClaim.objects.create(
        agency=agency,
        user=actor,
        kind=kind,
        job_title=job_title.strip()[:100],
        phone=phone.strip()[:40],
        head_name=head_name.strip()[:150],
        statement=statement.strip()[:4000],
    )
    log_action(actor=actor, action=f"agency.{kind}_filed", obj=claim, agency=agency, after=snapshot(claim))
    if not dispute:
        approve_claim_automatically(claim)
    return claim


def approve_claim_automatically(claim: AgencyClaim) -> bool:
    """Approve a first claim whose verified address is on the agency's staff-verified e-mail domain."""
    from onemind.tenancy.selectors import on_domain

    user, agency = claim.user, claim.agency
    if claim.kind != AgencyClaim.Kind.CLAIM or claim.status != AgencyClaim.Status.PENDING:
        return False
    if not user.email_verified or not on_domain(user.email_domain, agency.verified_email_domain):
        return False
    if agency_has_admin(agency):
        return False
    _approve(
        claim, actor=None, reason=f"Automatic: verified address on the agency's domain {agency.verified_email_domain}."
    )
    return True


def approve_pending_claims_of(user: User) -> int:
    """After ``user`` verifies their address: the automatic check for each of their pending claims."""
    claims = AgencyClaim.objects.filter(user=user, status=AgencyClaim.Status.PENDING).select_related("agency", "user")
    return sum(approve_claim_automatically(claim) for claim in claims)


@transaction.atomic
def decide_claim(
    *, actor: User, claim: AgencyClaim, approve: bool, reason: str, remember_domain: bool = False
) -> AgencyClaim:
    """Campaign staff's decision. Approving a claim makes the claimant administrator; approving a dispute transfers
    the administration to them (the administrators it replaces lose their membership)."""
    from onemind.tenancy.selectors import is_webmail

    claim = AgencyClaim.objects.select_for_update().select_related("agency", "user").get(pk=claim.pk)
    reason = reason.strip()
    if claim.status != AgencyClaim.Status.PENDING:
        raise ValidationError("This request was already decided.")
    if not reason:
        raise ValidationError({"reason": "Give the reason for the decision: the claimant sees it."})
    if not approve:
        before = snapshot(claim)
        claim.status, claim.decided_at, claim.decided_by = AgencyClaim.Status.DECLINED, timezone.now(), actor
        claim.decision_reason = reason
        claim.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        log_action(
            actor=actor,
            action="agency.claim_declined",
            obj=claim,
            agency=claim.agency,
            before=before,
            after=snapshot(claim),
            reason=reason,
        )
        _notify_claimant(claim)
        return claim
    if not claim.user.email_verified:
        raise ValidationError("The claimant has not verified their e-mail address yet; approve once they have.")
    if claim.kind == AgencyClaim.Kind.CLAIM and agency_has_admin(claim.agency):
        raise ValidationError("This agency has an administrator now. Decline this claim, or decide a dispute.")
    if remember_domain:
        domain = claim.user.email_domain
        if is_webmail(domain):
            raise ValidationError({"remember_domain": f"{domain} is a public webmail domain, not the agency's."})
        update_agency_profile(actor=actor, agency=claim.agency, verified_email_domain=domain)
    _approve(claim, actor=actor, reason=reason)
    return claim


def _approve(claim: AgencyClaim, *, actor: User | None, reason: str) -> None:
    agency = Agency.objects.select_for_update().get(pk=claim.agency_id)
    before = snapshot(claim)
    claim.status, claim.decided_at, claim.decided_by = AgencyClaim.Status.APPROVED, timezone.now(), actor
    claim.decision_reason = reason
    claim.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    log_action(
        actor=actor,
        action=f"agency.{claim.kind}_approved",
        obj=claim,
        agency=agency,
        before=before,
        after=snapshot(claim),
        reason=reason,
    )
    if claim.kind == AgencyClaim.Kind.DISPUTE:
        transfer_administration(actor=actor, agency=agency, to=claim.user, reason=reason)
    else:
        _make_admin(actor=actor, agency=agency, user=claim.user)
    _notify_claimant(claim)


def _make_admin(*, actor: User | None, agency: Agency, user: User) -> Membership:
    membership = Membership.objects.filter(agency=agency, user=user).first()
    if membership is None:
        membership = Membership.objects.create(user=user, agency=agency, role=Role.AGENCY_ADMIN)
        log_action(actor=actor, action="membership.created", obj=membership, agency=agency, after=snapshot(membership))
    elif membership.role != Role.AGENCY_ADMIN:
        before = snapshot(membership)
        membership.role = Role.AGENCY_ADMIN
        membership.save(update_fields=["role"])
        log_action(
            actor=actor,
            action="membership.role_changed",
            obj=membership,
            agency=agency,
            before=before,
            after=snapshot(membership),
        )
    return membership


@transaction.atomic
def transfer_administration(*, actor: User | None, agency: Agency, to: User, reason: str) -> Membership:
    """Make ``to`` the agency's administrator and remove the administrators it had (a false claimant keeps
    nothing). Campaign staff only; audited with the reason."""
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the transfer."})
    if not to.email_verified:
        raise ValidationError("The new administrator has not verified their e-mail address yet.")
    previous = list(Membership.objects.filter(agency=agency, role=Role.AGENCY_ADMIN).exclude(user=to))
    membership = _make_admin(actor=actor, agency=agency, user=to)
    for old in previous:
        log_action(
            actor=actor, action="membership.removed", obj=old, agency=agency, before=snapshot(old), reason=reason
        )
        old.delete()
    log_action(
        actor=actor,
        action="agency.administration_transferred",
        obj=agency,
        agency=agency,
        before={"administrators": [m.user_id for m in previous]},
        after={"administrators": [to.pk]},
        reason=reason,
    )
    return membership
