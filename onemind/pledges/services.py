"""Signing and correcting the One Mind pledge."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from onemind.accounts.models import User
from onemind.audit.services import log_action, snapshot
from onemind.pledges.consent import consent_text_for
from onemind.pledges.models import Pledge, RuleEdition
from onemind.tenancy.changes import agency_changed
from onemind.tenancy.models import Agency


def current_pledge(agency: Agency) -> Pledge | None:
    return Pledge.objects.filter(agency=agency, superseded_at__isnull=True).select_related("edition").first()


def _validate(edition: RuleEdition, committed_months: int, pledged_on: dt.date, consent_given: bool) -> None:
    errors: dict[str, str] = {}
    if not edition.min_months <= committed_months <= edition.max_months:
        errors["committed_months"] = (
            f"Edition {edition.code} allows {edition.min_months} to {edition.max_months} months; "
            f"{committed_months} is outside."
        )
    if pledged_on > timezone.localdate():
        errors["pledged_on"] = "The pledge date cannot be in the future."
    if not consent_given:
        errors["consent"] = "The agency head must agree to the pledge text to sign it."
    if errors:
        raise ValidationError(errors)


def _record(
    *,
    actor: User,
    agency: Agency,
    edition: RuleEdition,
    committed_months: int,
    pledged_on: dt.date,
    sworn_count: int,
    nonsworn_count: int,
    head_name: str,
    head_title: str,
    signer_ip: str | None,
    supersedes: Pledge | None,
    reason: str,
    change: str,
) -> Pledge:
    before = snapshot(supersedes) if supersedes else None
    if supersedes is not None:
        supersedes._superseding = True  # type: ignore[attr-defined]
        supersedes.superseded_at = timezone.now()
        supersedes.save(update_fields=["superseded_at"])
    pledge = Pledge.objects.create(
        agency=agency,
        edition=edition,
        committed_months=committed_months,
        pledged_on=pledged_on,
        sworn_count=sworn_count,
        nonsworn_count=nonsworn_count,
        head_name=head_name.strip(),
        head_title=head_title.strip(),
        consent_text=consent_text_for(agency_name=agency.name, months=committed_months, edition=edition),
        signed_by=actor,
        signer_ip=signer_ip,
        supersedes=supersedes,
        correction_reason=reason.strip(),
        change=change,
    )
    agency.sworn_count = sworn_count
    agency.nonsworn_count = nonsworn_count
    agency.head_name = pledge.head_name
    agency.head_title = pledge.head_title
    agency.save(update_fields=["sworn_count", "nonsworn_count", "head_name", "head_title", "updated_at"])
    action = {
        Pledge.Change.SIGNED: "pledge.signed",
        Pledge.Change.SIGNATORY: "pledge.corrected",
        Pledge.Change.TERMS: "pledge.terms_changed",
    }[Pledge.Change(change)]
    log_action(
        actor=actor, action=action, obj=pledge, agency=agency, before=before, after=snapshot(pledge), reason=reason
    )
    agency_changed(agency)
    return pledge


@transaction.atomic
def pledge_agency(
    *,
    actor: User,
    agency: Agency,
    edition: RuleEdition,
    committed_months: int,
    sworn_count: int,
    nonsworn_count: int,
    head_name: str,
    head_title: str,
    consent_given: bool,
    pledged_on: dt.date | None = None,
    signer_ip: str | None = None,
) -> Pledge:
    """Record the signed pledge, dated the day it is signed unless ``pledged_on`` says otherwise (an earlier date
    is for records kept before OneMind; the agency's form never offers it). An agency has one current pledge."""
    pledged_on = pledged_on or timezone.localdate()
    _validate(edition, committed_months, pledged_on, consent_given)
    if current_pledge(agency) is not None:
        raise ValidationError(
            "This agency has already pledged. The campaign team changes a pledge's terms; the agency corrects "
            "only the signatory."
        )
    return _record(
        actor=actor,
        agency=agency,
        edition=edition,
        committed_months=committed_months,
        pledged_on=pledged_on,
        sworn_count=sworn_count,
        nonsworn_count=nonsworn_count,
        head_name=head_name,
        head_title=head_title,
        signer_ip=signer_ip,
        supersedes=None,
        reason="",
        change=Pledge.Change.SIGNED,
    )


@transaction.atomic
def correct_signatory(
    *, actor: User, agency: Agency, head_name: str, head_title: str, reason: str, signer_ip: str | None = None
) -> Pledge:
    """The agency's correction: the signatory's name and title only; the terms stay as they are."""
    existing = Pledge.objects.select_for_update().filter(agency=agency, superseded_at__isnull=True).first()
    if existing is None:
        raise ValidationError("There is no pledge to correct.")
    if not reason.strip():
        raise ValidationError({"correction_reason": "Say what the correction changes and why."})
    if (head_name.strip(), head_title.strip()) == (existing.head_name, existing.head_title):
        raise ValidationError("Nothing changed: correct the name or the title.")
    return _record(
        actor=actor,
        agency=agency,
        edition=existing.edition,
        committed_months=existing.committed_months,
        pledged_on=existing.pledged_on,
        sworn_count=existing.sworn_count,
        nonsworn_count=existing.nonsworn_count,
        head_name=head_name,
        head_title=head_title,
        signer_ip=signer_ip,
        supersedes=existing,
        reason=reason,
        change=Pledge.Change.SIGNATORY,
    )


@transaction.atomic
def change_pledge_terms(
    *,
    actor: User,
    agency: Agency,
    edition: RuleEdition,
    committed_months: int,
    pledged_on: dt.date,
    reason: str,
) -> Pledge:
    """Campaign staff move a pledge to another edition, length or date, with a reason the agency sees."""
    if not getattr(actor, "is_campaign_staff", False):
        raise PermissionDenied("Only campaign staff change a pledge's edition, months or date.")
    existing = Pledge.objects.select_for_update().filter(agency=agency, superseded_at__isnull=True).first()
    if existing is None:
        raise ValidationError("This agency has not pledged.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason: the agency sees it."})
    _validate(edition, committed_months, pledged_on, True)
    if (edition.pk, committed_months, pledged_on) == (
        existing.edition_id,
        existing.committed_months,
        existing.pledged_on,
    ):
        raise ValidationError("Nothing changed: choose another edition, length or date.")
    return _record(
        actor=actor,
        agency=agency,
        edition=edition,
        committed_months=committed_months,
        pledged_on=pledged_on,
        sworn_count=existing.sworn_count,
        nonsworn_count=existing.nonsworn_count,
        head_name=existing.head_name,
        head_title=existing.head_title,
        signer_ip=None,
        supersedes=existing,
        reason=reason,
        change=Pledge.Change.TERMS,
    )


def default_edition() -> RuleEdition:
    edition = RuleEdition.objects.filter(is_default=True).first() or RuleEdition.objects.order_by("code").first()
    if edition is None:
        raise RuntimeError("No rule edition exists; run migrations (they create editions 2016 and 2019).")
    return edition
