"""Writes for accounts, invitations and memberships. Each logs its audit entry."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from onemind.accounts.models import Invitation, User
from onemind.accounts.signals import invitation_accepted
from onemind.audit.services import log_action, snapshot
from onemind.tenancy.models import Agency, Membership
from onemind.tenancy.roles import Role


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why, in words for the person holding it."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user_account(*, email: str, full_name: str, password: str, email_verified: bool = False) -> User:
    """A new account. ``email_verified`` only when the caller has proof, e.g. a token e-mailed to that address;
    otherwise a verification link is e-mailed and the account cannot act until it is opened."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this e-mail address already exists. Sign in instead."})
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name.strip(),
        email_verified_at=timezone.now() if email_verified else None,
    )
    log_action(actor=user, action="account.created", obj=user, after={"email": user.email})
    if not email_verified:
        send_email_verification(user)
    return user


EMAIL_VERIFICATION_SALT = "onemind.accounts.verify-email"
EMAIL_VERIFICATION_DAYS = 3


def email_verification_token(user: User) -> str:
    """Signed, expiring, bound to the account and the address: a link for an old address stops working."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=EMAIL_VERIFICATION_SALT, compress=True)


def send_email_verification(user: User) -> str:
    link = settings.SITE_URL + reverse("accounts:verify_email_confirm", args=[email_verification_token(user)])
    context = {"user": user, "link": link, "days": EMAIL_VERIFICATION_DAYS}
    transaction.on_commit(
        lambda: send_mail(
            subject="Confirm your e-mail address for OneMind",
            message=render_to_string("accounts/email/verify_email.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    )
    return link


def user_for_verification_token(token: str) -> User:
    """The account a verification link names, or ValidationError saying why the link cannot be used."""
    try:
        data = signing.loads(token, salt=EMAIL_VERIFICATION_SALT, max_age=dt.timedelta(days=EMAIL_VERIFICATION_DAYS))
    except signing.SignatureExpired as exc:
        raise ValidationError("This link has expired. Sign in and ask for a new one.") from exc
    except signing.BadSignature as exc:
        raise ValidationError("This link is not valid. Copy the whole link from the e-mail.") from exc
    user_id = data.get("u") if isinstance(data, dict) else None
    user = User.objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, int) else None
    if user is None or user.email.lower() != str(data.get("e", "")).lower():
        raise ValidationError("This link is for an address the account no longer uses. Sign in and ask again.")
    return user


def verify_email(*, token: str) -> User:
    """Mark the address verified. Opening the link again changes nothing (it stays verified once)."""
    user = user_for_verification_token(token)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        log_action(actor=user, action="account.email_verified", obj=user, after={"email": user.email})
    return user


def invite_member(*, actor: User, agency: Agency, email: str, role: str, person: Any = None) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link. Returns the invitation and the raw link (shown once).

    `person` (a roster Person of `agency`) makes it an officer's invitation: accepting links the account to them.
    """
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    email = email.strip().lower()
    if Membership.objects.filter(agency=agency, user__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already a member of the agency."})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        agency=agency,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
        person=person,
    )
    link = settings.SITE_URL + reverse("accounts:invitation", args=[token])
    context = {"invitation": invitation, "link": link, "actor": actor, "role_label": Role(role).label}
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You are invited to {agency.name} on OneMind",
            message=render_to_string("accounts/email/invitation.txt", context),
            html_message=render_to_string("accounts/email/invitation.html", context),
            from_email=None,
            recipient_list=[email],
        )
    )
    log_action(
        actor=actor,
        action="membership.invited",
        obj=invitation,
        agency=agency,
        after={"email": email, "role": role},
    )
    return invitation, link


def open_invitation(token: str) -> Invitation:
    """The invitation behind a link, or InvitationError saying exactly why it cannot be used."""
    invitation = Invitation.objects.select_related("agency").filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise InvitationError("This invitation link is not valid. Ask your agency administrator for a new one.")
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has already been used. Sign in, or ask for a new invitation.")
    if invitation.revoked_at is not None:
        raise InvitationError("This invitation was withdrawn by the agency. Ask your administrator for a new one.")
    if invitation.expires_at <= timezone.now():
        raise InvitationError("This invitation has expired. Ask your agency administrator to send a new one.")
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, user: User) -> Membership:
    invitation = open_invitation(token)
    # Lock the row so a link clicked twice at once still yields one membership.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has already been used.")
    membership, created = Membership.objects.get_or_create(
        user=user, agency=invitation.agency, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if user.email_verified_at is None and user.email.lower() == invitation.email.lower():
        # The token reached this address: that is the proof a verification link would give.
        user.email_verified_at = invitation.accepted_at
        user.save(update_fields=["email_verified_at"])
    if invitation.person_id is not None:
        from onemind.roster.services import link_officer_account

        link_officer_account(actor=user, invitation=invitation, user=user)
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    log_action(
        actor=user,
        action="membership.joined" if created else "membership.invitation_reused",
        obj=membership,
        agency=invitation.agency,
        after=snapshot(membership),
    )
    return membership


def revoke_invitation(*, actor: User, invitation: Invitation) -> None:
    before = snapshot(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    log_action(
        actor=actor,
        action="membership.invitation_revoked",
        obj=invitation,
        agency=invitation.agency,
        before=before,
        after=snapshot(invitation),
    )


def _ensure_an_admin_remains(membership: Membership, new_role: str | None) -> None:
    if membership.role != Role.AGENCY_ADMIN or new_role == Role.AGENCY_ADMIN:
        return
    others = Membership.objects.filter(agency=membership.agency, role=Role.AGENCY_ADMIN).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError("An agency needs at least one administrator. Make someone else administrator first.")


def change_member_role(*, actor: User, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    _ensure_an_admin_remains(membership, role)
    before = snapshot(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    log_action(
        actor=actor,
        action="membership.role_changed",
        obj=membership,
        agency=membership.agency,
        before=before,
        after=snapshot(membership),
    )
    return membership


def remove_member(*, actor: User, membership: Membership) -> None:
    _ensure_an_admin_remains(membership, None)
    before = snapshot(membership)
    log_action(actor=actor, action="membership.removed", obj=membership, agency=membership.agency, before=before)
    membership.delete()


def describe_user(user: Any) -> str:
    return getattr(user, "full_name", "") or getattr(user, "email", "") or "someone"


EMAIL_CHANGE_SALT = "onemind.accounts.email_change"


class EmailChangeError(Exception):
    """An address-confirmation link that cannot be used; the message says why."""


@dataclasses.dataclass(frozen=True)
class EmailChange:
    user: User
    new_email: str


def _address_taken(email: str, *, by_other_than: User) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=by_other_than.pk).exists()


def request_email_change(*, actor: User, email: str, password: str) -> str:
    """Re-authenticate, then e-mail the new address a signed link that makes the change; until it is clicked the
    old address stays. The old address is told now (and again when the change happens). Returns the link."""
    if not actor.check_password(password):
        raise ValidationError({"password": "The password is not correct."})
    email = email.strip().lower()
    if email == actor.email.lower():
        raise ValidationError({"email": "That is already your address."})
    if _address_taken(email, by_other_than=actor):
        raise ValidationError({"email": "Another account uses this address."})
    # Single use: the link names the address it replaces and the account's session epoch, and the change moves both.
    token = signing.dumps(
        {"user": actor.pk, "old": actor.email, "new": email, "epoch": actor.session_epoch},
        salt=EMAIL_CHANGE_SALT,
        compress=True,
    )
    link = settings.SITE_URL + reverse("accounts:confirm_email", args=[token])
    hours = settings.EMAIL_CHANGE_VALID_HOURS
    _tell_user(
        actor,
        to=email,
        subject="Confirm your new e-mail address for OneMind",
        template="accounts/email/email_change_confirm.txt",
        context={"link": link, "new_email": email, "hours": hours},
    )
    _tell_user(
        actor,
        subject="A change of your OneMind e-mail address was requested",
        template="accounts/email/email_change_requested.txt",
        context={"new_email": email, "hours": hours},
    )
    log_action(actor=actor, action="account.email_change_requested", obj=actor, after={"email": email})
    return link


def open_email_change(token: str) -> EmailChange:
    """The change a confirmation link stands for, or EmailChangeError saying why it cannot be used."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.EMAIL_CHANGE_VALID_HOURS * 3600)
    except signing.SignatureExpired as exc:
        raise EmailChangeError("This link has expired. Ask for the change again from your account page.") from exc
    except signing.BadSignature as exc:
        raise EmailChangeError("This link is not valid. Copy the whole link from the e-mail.") from exc
    user_id = data.get("user") if isinstance(data, dict) else None
    user = User.objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, int) else None
    if user is None or user.email != data.get("old") or user.session_epoch != data.get("epoch"):
        raise EmailChangeError("This link was already used or replaced. Ask for the change again if you need it.")
    if _address_taken(str(data.get("new", "")), by_other_than=user):
        raise EmailChangeError("Another account now uses this address.")
    return EmailChange(user=user, new_email=str(data["new"]))


@transaction.atomic
def confirm_email_change(*, token: str) -> User:
    """The new address clicked its link: change the address, end the account's other sessions, tell the old one."""
    change = open_email_change(token)
    user = User.objects.select_for_update().get(pk=change.user.pk)
    if user.email != change.user.email or user.session_epoch != change.user.session_epoch:
        raise EmailChangeError("This link was already used or replaced. Ask for the change again if you need it.")
    old = user.email
    user.email = change.new_email
    # The link reached the new address: it is verified by the same proof as a sign-up's.
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email", "email_verified_at"])
    end_other_sessions(user)
    log_action(actor=user, action="account.email_changed", obj=user, before={"email": old}, after={"email": user.email})
    _tell_user(
        user,
        to=old,
        subject="Your OneMind e-mail address was changed",
        template="accounts/email/email_changed.txt",
        context={"old_email": old, "new_email": user.email},
    )
    return user


RECOVERY_CODES = 10


def new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def end_other_sessions(user: User) -> None:
    """Every session of the account but the caller's ends (the caller keeps its own with update_session_auth_hash)."""
    User.objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


def _tell_user(user: User, *, subject: str, template: str, context: dict[str, Any], to: str | None = None) -> None:
    body = render_to_string(template, {"user": user, "site_url": settings.SITE_URL, **context})
    address = to or user.email
    transaction.on_commit(lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=[address]))


@transaction.atomic
def enrol_two_factor_device(*, actor: User, device: TOTPDevice) -> list[str]:
    """Confirm `device` as the account's one authenticator (replacing any other), issue new recovery codes, end every
    other session, audit it and e-mail the account. The caller has checked the password and a code from `device`,
    and that the session may change factors (onemind/accounts/two_factor.py)."""
    replaced = TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk)
    had_one = replaced.filter(confirmed=True).exists()
    replaced.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(actor)
    end_other_sessions(actor)
    action = "account.two_factor_replaced" if had_one else "account.two_factor_enabled"
    log_action(actor=actor, action=action, obj=actor)
    _tell_user(
        actor,
        subject="Two-factor sign-in changed on your OneMind account",
        template="accounts/email/two_factor_changed.txt",
        context={"replaced": had_one, "when": timezone.now()},
    )
    return codes


def renew_recovery_codes(*, actor: User) -> list[str]:
    codes = new_recovery_codes(actor)
    log_action(actor=actor, action="account.recovery_codes_renewed", obj=actor)
    _tell_user(
        actor,
        subject="New recovery codes for your OneMind account",
        template="accounts/email/recovery_codes_renewed.txt",
        context={"when": timezone.now()},
    )
    return codes
