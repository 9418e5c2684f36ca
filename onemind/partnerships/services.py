"""Writes for partnerships. Each logs its audit entry; uploaded files are stored through lib/uploads first."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_scopes import scope

from onemind.accounts.models import Invitation, User
from onemind.accounts.services import invite_member
from onemind.accounts.signals import invitation_accepted
from onemind.audit.services import log_action, log_change, snapshot
from onemind.lib.uploads import delete_private_upload
from onemind.lib.versions import lock_current
from onemind.partnerships.models import JointActivity, PartnerOrganization, Partnership, PartnershipLiaison
from onemind.tenancy.changes import agency_changed
from onemind.tenancy.models import Agency, Membership
from onemind.tenancy.roles import Role

# A change to any of these is a different agreement: the partner's earlier confirmation no longer holds.
TERMS = ("organization_id", "agreement_type", "agency_signed_on", "effective_on", "ends_on", "document")


@transaction.atomic
def create_organization(*, actor: User, agency: Agency, **fields: Any) -> PartnerOrganization:
    organization = PartnerOrganization.objects.create(agency=agency, **fields)
    log_action(
        actor=actor,
        action="partnerships.organization_created",
        obj=organization,
        agency=agency,
        after=snapshot(organization),
    )
    agency_changed(agency)
    return organization


@transaction.atomic
def update_organization(
    *, actor: User, organization: PartnerOrganization, expected_version: str | None = None, **fields: Any
) -> PartnerOrganization:
    lock_current(organization, expected_version)
    before = snapshot(organization)
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.save()
    log_change(
        actor=actor,
        action="partnerships.organization_updated",
        obj=organization,
        before=before,
        agency=organization.agency,
    )
    agency_changed(organization.agency_id)
    return organization


@transaction.atomic
def create_partnership(*, actor: User, agency: Agency, organization: PartnerOrganization, **fields: Any) -> Partnership:
    if organization.agency_id != agency.pk:
        raise ValidationError("That organization belongs to another agency.")
    partnership = Partnership.objects.create(agency=agency, organization=organization, **fields)
    log_action(
        actor=actor,
        action="partnerships.agreement_created",
        obj=partnership,
        agency=agency,
        after=snapshot(partnership),
    )
    agency_changed(agency)
    return partnership


@transaction.atomic
def update_partnership(
    *, actor: User, partnership: Partnership, expected_version: str | None = None, **fields: Any
) -> Partnership:
    lock_current(partnership, expected_version)
    before = snapshot(partnership)
    old_document = partnership.document
    old_terms = [getattr(partnership, key) for key in TERMS]
    for name, value in fields.items():
        setattr(partnership, name, value)
    if old_terms != [getattr(partnership, key) for key in TERMS]:
        partnership.partner_status = Partnership.PartnerStatus.PENDING
        partnership.partner_answered_at = None
    partnership.save()
    if old_document and old_document != partnership.document:
        transaction.on_commit(lambda: delete_private_upload(old_document))
    log_change(
        actor=actor, action="partnerships.agreement_updated", obj=partnership, before=before, agency=partnership.agency
    )
    agency_changed(partnership.agency_id)
    return partnership


@transaction.atomic
def remove_document(*, actor: User, partnership: Partnership) -> None:
    """Take the agreement and any counter-signed copy off file; a submission relying on them cannot be verified."""
    before = snapshot(partnership)
    names = [n for n in (partnership.document, partnership.countersigned_document) if n]
    partnership.document = ""
    partnership.countersigned_document = ""
    partnership.save(update_fields=["document", "countersigned_document", "updated_at"])
    transaction.on_commit(lambda: _delete_all(names))
    log_change(
        actor=actor, action="partnerships.document_removed", obj=partnership, before=before, agency=partnership.agency
    )
    agency_changed(partnership.agency_id)


def _delete_all(names: list[str]) -> None:
    for name in names:
        delete_private_upload(name)


@transaction.atomic
def log_activity(*, actor: User, partnership: Partnership, **fields: Any) -> JointActivity:
    activity = JointActivity.objects.create(
        agency=partnership.agency, partnership=partnership, created_by=actor, **fields
    )
    log_action(
        actor=actor,
        action="partnerships.activity_logged",
        obj=activity,
        agency=partnership.agency,
        after=snapshot(activity),
    )
    agency_changed(partnership.agency_id)
    return activity


@transaction.atomic
def invite_liaison(*, actor: User, partnership: Partnership, email: str, name: str = "") -> str | None:
    """Link `email` to the partnership and invite it as a partner liaison; returns the link (None if already a member).

    An existing partner-liaison member is linked without a new invitation; a member with another role is refused,
    because a liaison link on an administrator's account would mean nothing and hide a mistake.
    """
    agency = partnership.agency
    email = email.strip().lower()
    member = Membership.objects.filter(agency=agency, user__email__iexact=email).select_related("user").first()
    if member is not None and member.role != Role.PARTNER_LIAISON:
        raise ValidationError(
            {"email": "This person already has another role in the agency; invite a partner address."}
        )
    link, _created = PartnershipLiaison.objects.get_or_create(
        agency=agency,
        partnership=partnership,
        email=email,
        defaults={"invited_by": actor, "user": member.user if member else None},
    )
    before = snapshot(partnership)
    partnership.partner_liaison_email = email
    if name:
        partnership.partner_liaison_name = name
    partnership.save(update_fields=["partner_liaison_email", "partner_liaison_name", "updated_at"])
    log_change(actor=actor, action="partnerships.liaison_linked", obj=partnership, before=before, agency=agency)
    agency_changed(agency)
    if member is not None:
        return None
    invitation, raw_link = invite_member(actor=actor, agency=agency, email=email, role=Role.PARTNER_LIAISON)
    if link.user_id is None:
        link.invitation = invitation
        link.save(update_fields=["invitation"])
    return raw_link


@receiver(invitation_accepted)
def bind_liaison_links(*, invitation: Invitation, user: User, **_: Any) -> None:
    """Whoever accepted a liaison invitation with its token gets the partnerships it was sent for."""
    with scope(agency=invitation.agency):
        for link in PartnershipLiaison.objects.filter(invitation=invitation, user__isnull=True):
            link.user = user
            link.save(update_fields=["user"])
        agency_changed(invitation.agency_id)


@transaction.atomic
def answer_partnership(*, actor: User, partnership: Partnership, confirm: bool, note: str) -> Partnership:
    """The partner liaison confirms (co-signs) or disputes the agreement as recorded by the agency."""
    before = snapshot(partnership)
    partnership.partner_status = Partnership.PartnerStatus.CONFIRMED if confirm else Partnership.PartnerStatus.DISPUTED
    partnership.partner_note = note
    partnership.partner_answered_at = timezone.now()
    partnership.save(update_fields=["partner_status", "partner_note", "partner_answered_at", "updated_at"])
    log_change(
        actor=actor,
        action="partnerships.partner_confirmed" if confirm else "partnerships.partner_disputed",
        obj=partnership,
        before=before,
        agency=partnership.agency,
        reason=note,
    )
    agency_changed(partnership.agency_id)
    return partnership


@transaction.atomic
def attach_countersigned(*, actor: User, partnership: Partnership, stored_name: str, signed_on: Any) -> Partnership:
    before = snapshot(partnership)
    old = partnership.countersigned_document
    partnership.countersigned_document = stored_name
    if signed_on:
        partnership.partner_signed_on = signed_on
    partnership.save(update_fields=["countersigned_document", "partner_signed_on", "updated_at"])
    if old:
        transaction.on_commit(lambda: delete_private_upload(old))
    log_change(
        actor=actor,
        action="partnerships.countersigned_uploaded",
        obj=partnership,
        before=before,
        agency=partnership.agency,
    )
    agency_changed(partnership.agency_id)
    return partnership


def log_document_download(*, actor: User, partnership: Partnership, which: str) -> None:
    log_action(
        actor=actor,
        action="partnerships.document_downloaded",
        obj=partnership,
        agency=partnership.agency,
        after={"which": which},
    )
