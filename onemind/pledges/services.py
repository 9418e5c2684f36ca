"""Signing and correcting the One Mind pledge."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
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
            f"Choose between {edition.min_months} and {edition.max_months} months; {committed_months} is outside."
        )
    if pledged_on > timezone.localdate():
        errors["pledged_on"] = "The pledge date cannot be in the future."
    if not consent_given:
        errors["consent"] = "The agency head must agree to the pledge text to sign it."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def pledge_agency(
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
    consent_given: bool,
    signer_ip: str | None = None,
    supersedes: Pledge | None = None,
    correction_reason: str = "",
) -> Pledge:
    """Record the signed pledge. An agency has one current pledge; a correction supersedes it and both are kept."""
    _validate(edition, committed_months, pledged_on, consent_given)
    existing = current_pledge(agency)
    if existing is not None and supersedes is None:
        raise ValidationError("This agency has already pledged. Sign a correction to change the pledge.")
    if supersedes is not None:
        if not correction_reason.strip():
            raise ValidationError({"correction_reason": "Say what the correction changes and why."})
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
        consent_text=consent_text_for(
            agency_name=agency.name, months=committed_months, partner_scope=edition.partner_scope
        ),
        signed_by=actor,
        signer_ip=signer_ip,
        supersedes=supersedes,
        correction_reason=correction_reason.strip(),
    )
    agency.sworn_count = sworn_count
    agency.nonsworn_count = nonsworn_count
    agency.head_name = pledge.head_name
    agency.head_title = pledge.head_title
    agency.save(update_fields=["sworn_count", "nonsworn_count", "head_name", "head_title", "updated_at"])
    log_action(
        actor=actor,
        action="pledge.corrected" if supersedes else "pledge.signed",
        obj=pledge,
        agency=agency,
        before=snapshot(supersedes) if supersedes else None,
        after=snapshot(pledge),
        reason=correction_reason,
    )
    agency_changed(agency)
    return pledge


def default_edition() -> RuleEdition:
    edition = RuleEdition.objects.filter(is_default=True).first() or RuleEdition.objects.order_by("code").first()
    if edition is None:
        raise RuntimeError("No rule edition exists; run migrations (they create editions 2016 and 2019).")
    return edition
