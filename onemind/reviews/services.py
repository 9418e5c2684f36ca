"""Writes of verification: submit, comment, return, verify, recognize, re-attest. Each logs its audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from onemind.accounts.models import User
from onemind.audit.services import log_action, log_change, snapshot
from onemind.engine.results import State
from onemind.lib.dates import add_months
from onemind.lib.uploads import delete_private_upload
from onemind.partnerships.models import Partnership
from onemind.policies.models import PolicyVersion
from onemind.reviews import figures as frozen
from onemind.reviews.models import (
    STRATEGIES,
    Reattestation,
    Recognition,
    RecognitionProposal,
    Submission,
    SubmissionComment,
)
from onemind.reviews.selectors import active_recognition, evidence_problems, verification_state
from onemind.tenancy.changes import agency_changed
from onemind.tenancy.models import Agency

REATTEST_MONTHS = 12

# Sent inside the review's transaction with `submission` (state verified or returned), so listeners can write
# their outbox rows atomically with the decision.
submission_reviewed = Signal()


def collect_evidence(agency: Agency, strategy: int, on: dt.date) -> list[dict[str, Any]]:
    """The documents behind a strategy on `on`: agreements in force, or the policy version in force."""
    items: list[dict[str, Any]] = []
    if strategy == 1:
        in_force = Partnership.objects.filter(agency=agency, effective_on__lte=on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        )
        for p in in_force.select_related("organization").order_by("effective_on", "pk"):
            for which, name in (("agreement", p.document), ("countersigned", p.countersigned_document)):
                if name:
                    label = f"{p} ({'counter-signed copy' if which == 'countersigned' else 'agreement'})"
                    items.append(
                        {"kind": "partnership", "id": str(p.public_id), "which": which, "label": label, "file": name}
                    )
    elif strategy == 2:
        version = (
            PolicyVersion.objects.filter(agency=agency, effective_on__lte=on)
            .exclude(file="")
            .select_related("document")
            .order_by("-effective_on", "-adopted_on", "-pk")
            .first()
        )
        if version is not None:
            items.append(
                {"kind": "policy_version", "id": str(version.public_id), "label": str(version), "file": version.file}
            )
    return items


def _agency_spoke_since(submission: Submission) -> bool:
    if submission.returned_at is None:
        return False
    return submission.comments.filter(from_staff=False, created_at__gt=submission.returned_at).exists()


@transaction.atomic
def submit_strategy(
    *,
    actor: User,
    agency: Agency,
    strategy: int,
    note: str = "",
    attachment: str = "",
    on: dt.date | None = None,
    acknowledge_unmet: bool = False,
) -> Submission:
    """Freeze the engine's figures and the evidence list for one strategy and put it in the review queue.

    A strategy the engine judges not met is submitted only with ``acknowledge_unmet`` (the agency was shown the
    engine's reason first). A returned submission sent back with nothing changed (same figures, evidence and
    file, no answer to the reviewer) is refused: the reviewer would only return it again.
    """
    if strategy not in STRATEGIES:
        raise ValidationError("There are four strategies, numbered 1 to 4.")
    on = on or timezone.localdate()
    existing = Submission.objects.select_for_update().filter(agency=agency, strategy=strategy).first()
    if existing is not None and existing.state == Submission.State.SUBMITTED:
        raise ValidationError("This strategy is already awaiting review.")
    if existing is not None and existing.state == Submission.State.VERIFIED:
        raise ValidationError("This strategy is already verified.")
    figures = frozen.strategy_figures(frozen.agency_result(agency, on), strategy)
    if figures["state"] == str(State.UNMET) and not acknowledge_unmet:
        raise ValidationError(
            f"The records show strategy {strategy} not met: {figures['explanation']} Submit anyway only if the "
            "reviewer should see something the records do not (say what in the note)."
        )
    evidence = collect_evidence(agency, strategy, on)
    if existing is not None:
        attachment = attachment or existing.attachment
        unchanged = frozen.fingerprint(figures, evidence, attachment) == existing.returned_fingerprint
        if unchanged and not note.strip() and not _agency_spoke_since(existing):
            raise ValidationError(
                "Nothing has changed since this strategy was returned. Answer the reviewer's comments or update "
                "the records they asked about, then submit again."
            )
    submission = existing or Submission(agency=agency, strategy=strategy, submitted_on=on)
    before = snapshot(existing)
    submission.state = Submission.State.SUBMITTED
    submission.round = 1 if existing is None else existing.round + 1
    submission.submitted_on, submission.submitted_at, submission.submitted_by = on, timezone.now(), actor
    submission.figures, submission.evidence, submission.attachment = figures, evidence, attachment
    submission.note = note
    submission.save()
    if note.strip():
        SubmissionComment.objects.create(
            agency=agency, submission=submission, author=actor, from_staff=False, round=submission.round, body=note
        )
    log_action(
        actor=actor,
        action="reviews.strategy_submitted",
        obj=submission,
        agency=agency,
        before=before,
        after=snapshot(submission),
    )
    agency_changed(agency)
    return submission


def add_comment(*, actor: User, submission: Submission, body: str, from_staff: bool) -> SubmissionComment:
    body = body.strip()
    if not body:
        raise ValidationError("Write a comment first.")
    comment = SubmissionComment.objects.create(
        agency=submission.agency,
        submission=submission,
        author=actor,
        from_staff=from_staff,
        round=submission.round,
        body=body,
    )
    log_action(
        actor=actor, action="reviews.comment_added", obj=submission, agency=submission.agency, after={"body": body}
    )
    return comment


@transaction.atomic
def return_submission(*, actor: User, submission: Submission, comment: str) -> Submission:
    if submission.state != Submission.State.SUBMITTED:
        raise ValidationError("Only a submission awaiting review can be returned.")
    if not comment.strip():
        raise ValidationError("Say what the agency needs to change.")
    before = snapshot(submission)
    submission.state = Submission.State.RETURNED
    submission.returned_fingerprint = frozen.fingerprint(submission.figures, submission.evidence, submission.attachment)
    submission.reviewed_by, submission.reviewed_at = actor, timezone.now()
    submission.returned_at = submission.reviewed_at
    submission.save()
    # The reviewer's comment is written after returned_at is set, and is the staff side: it does not count as
    # the agency's answer.
    add_comment(actor=actor, submission=submission, body=comment, from_staff=True)
    log_change(actor=actor, action="reviews.strategy_returned", obj=submission, before=before, agency=submission.agency)
    submission_reviewed.send(sender=Submission, submission=submission)
    agency_changed(submission.agency_id)
    return submission


@transaction.atomic
def verify_submission(
    *, actor: User, submission: Submission, comment: str = "", override_reason: str = ""
) -> Submission:
    """Verify, with the engine's answer today recorded beside the decision. A strategy the engine judges not met
    is verified only with a written ``override_reason``, which is kept and shown to staff and the agency."""
    if submission.state != Submission.State.SUBMITTED:
        raise ValidationError("Only a submission awaiting review can be verified.")
    judged = current_judgement(submission)
    override_reason = override_reason.strip()
    if judged["state"] == str(State.UNMET) and not override_reason:
        raise ValidationError(
            f"The engine judges strategy {submission.strategy} not met today: {judged['explanation']} "
            "To verify it anyway, write the reason for overriding the engine."
        )
    problems = evidence_problems(submission)
    if problems:
        raise ValidationError(
            "Evidence listed on this submission is no longer on file, so it cannot be verified: "
            + "; ".join(problems)
            + ". Return it so the agency can submit again."
        )
    before = snapshot(submission)
    submission.state = Submission.State.VERIFIED
    submission.reviewed_by, submission.reviewed_at = actor, timezone.now()
    submission.verified_on = timezone.localdate()
    submission.engine_state_on_decision = judged["state"]
    submission.engine_explanation_on_decision = judged["explanation"]
    submission.override_reason = override_reason if judged["state"] == str(State.UNMET) else ""
    submission.save()
    if comment.strip():
        add_comment(actor=actor, submission=submission, body=comment, from_staff=True)
    log_change(
        actor=actor,
        action="reviews.strategy_verified_over_engine" if submission.override_reason else "reviews.strategy_verified",
        obj=submission,
        before=before,
        agency=submission.agency,
        reason=submission.override_reason,
    )
    submission_reviewed.send(sender=Submission, submission=submission)
    agency_changed(submission.agency_id)
    return submission


def current_judgement(submission: Submission, on: dt.date | None = None) -> dict[str, Any]:
    """The engine's answer for the submission's strategy today (numbers only for strategies 3-4)."""
    result = frozen.agency_result(submission.agency, on or timezone.localdate())
    return frozen.strategy_figures(result, submission.strategy)


@transaction.atomic
def assign_submission(*, actor: User, submission: Submission, to: User | None) -> Submission:
    """Give the submission to a reviewer (``to`` campaign staff) or back to the pool (``to`` None)."""
    if to is not None and not to.is_campaign_staff:
        raise ValidationError("Only campaign staff review submissions.")
    if submission.state != Submission.State.SUBMITTED:
        raise ValidationError("Only a submission awaiting review is assigned.")
    before = snapshot(submission)
    submission.assigned_to, submission.assigned_at = to, (timezone.now() if to else None)
    submission.save(update_fields=["assigned_to", "assigned_at"])
    log_change(
        actor=actor, action="reviews.submission_assigned", obj=submission, before=before, agency=submission.agency
    )
    return submission


@transaction.atomic
def recognize_or_propose(*, actor: User, agency: Agency) -> Recognition | RecognitionProposal:
    """Recognize, or, when the campaign asks for two approvers, propose (first staff member) and confirm (a
    different one). Returns the recognition, or the open proposal while it waits."""
    if not settings.RECOGNITION_SECOND_APPROVER:
        return recognize_agency(actor=actor, agency=agency)
    _ensure_recognizable(agency)
    proposal = RecognitionProposal.objects.select_for_update().filter(agency=agency, closed_at__isnull=True).first()
    if proposal is None:
        proposal = RecognitionProposal.objects.create(agency=agency, proposed_by=actor)
        log_action(actor=actor, action="reviews.recognition_proposed", obj=proposal, agency=agency)
        return proposal
    if proposal.proposed_by_id == actor.pk:
        raise ValidationError("You proposed this recognition: a second, different staff member must confirm it.")
    proposal.closed_at = timezone.now()
    proposal.save(update_fields=["closed_at"])
    return recognize_agency(actor=proposal.proposed_by, agency=agency, confirmed_by=actor)


def _ensure_recognizable(agency: Agency) -> None:
    verified, completed_on, _recognized_on = verification_state([agency.pk])[agency.pk]
    if completed_on is None:
        missing = ", ".join(str(n) for n in STRATEGIES if n not in verified)
        raise ValidationError(f"All four strategies must be verified first; not yet verified: {missing}.")
    if active_recognition(agency) is not None:
        raise ValidationError("This agency is already recognized.")


@transaction.atomic
def recognize_agency(
    *, actor: User, agency: Agency, on: dt.date | None = None, confirmed_by: User | None = None
) -> Recognition:
    on = on or timezone.localdate()
    _ensure_recognizable(agency)
    dates = dict(
        Submission.objects.filter(agency=agency, state=Submission.State.VERIFIED).values_list("strategy", "verified_on")
    )
    recognition = Recognition.objects.create(
        agency=agency,
        recognized_on=on,
        recognized_by=actor,
        confirmed_by=confirmed_by,
        reattest_due_on=add_months(on, REATTEST_MONTHS),
        verified={str(k): v.isoformat() for k, v in dates.items() if v is not None},
    )
    before = snapshot(agency)
    agency.recognized_on = on
    agency.save(update_fields=["recognized_on", "updated_at"])
    log_change(actor=actor, action="reviews.agency_recognized", obj=agency, before=before, agency=agency)
    agency_changed(agency)
    return recognition


@transaction.atomic
def revoke_recognition(
    *, actor: User, agency: Agency, reason: str, reopen: tuple[int, ...] = (), on: dt.date | None = None
) -> Recognition:
    """Withdraw the agency's recognition: off the public list, its code reported as revoked on the public page.

    Strategies named in `reopen` go back to the agency as returned, with the reason as the reviewer's comment, so
    it must submit them again before staff can recognize it anew; the others stay verified.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the reason for revoking: the agency sees it.")
    if any(n not in STRATEGIES for n in reopen):
        raise ValidationError("There are four strategies, numbered 1 to 4.")
    recognition = Recognition.objects.select_for_update().filter(agency=agency, revoked_at__isnull=True).first()
    if recognition is None:
        raise ValidationError("This agency is not recognized, so there is nothing to revoke.")
    before = snapshot(recognition)
    recognition.revoked_at, recognition.revoked_by = timezone.now(), actor
    recognition.revoked_on = on or timezone.localdate()
    recognition.revoke_reason = reason
    recognition.save(update_fields=["revoked_at", "revoked_on", "revoked_by", "revoke_reason"])
    log_change(
        actor=actor, action="reviews.recognition_revoked", obj=recognition, before=before, agency=agency, reason=reason
    )
    # Other code (public lists, the engine, campaign standings) reads Agency.recognized_on.
    before = snapshot(agency)
    agency.recognized_on = None
    agency.save(update_fields=["recognized_on", "updated_at"])
    log_change(actor=actor, action="reviews.agency_unrecognized", obj=agency, before=before, agency=agency)
    for submission in Submission.objects.select_for_update().filter(
        agency=agency, strategy__in=reopen, state=Submission.State.VERIFIED
    ):
        _reopen(actor=actor, submission=submission, reason=reason)
    agency_changed(agency)
    return recognition


def _reopen(*, actor: User, submission: Submission, reason: str) -> None:
    before = snapshot(submission)
    submission.state = Submission.State.RETURNED
    # Like a return: resubmitting with nothing changed and no answer is refused.
    submission.returned_fingerprint = frozen.fingerprint(submission.figures, submission.evidence, submission.attachment)
    submission.reviewed_by, submission.reviewed_at = actor, timezone.now()
    submission.returned_at, submission.verified_on = submission.reviewed_at, None
    submission.save()
    add_comment(actor=actor, submission=submission, body=f"Recognition revoked: {reason}", from_staff=True)
    log_change(actor=actor, action="reviews.strategy_reopened", obj=submission, before=before, agency=submission.agency)
    submission_reviewed.send(sender=Submission, submission=submission)


@transaction.atomic
def reattest(*, actor: User, agency: Agency, statement: str, on: dt.date | None = None) -> Reattestation:
    """The yearly re-attestation: the figures of all four strategies today, and the next due date."""
    on = on or timezone.localdate()
    recognition = active_recognition(agency)
    if recognition is None:
        raise ValidationError("Only a recognized agency re-attests.")
    result = frozen.agency_result(agency, on)
    # The statement says the four strategies remain in place; the engine must agree before it is accepted.
    unmet = [s.number for s in result.strategies if s.state is State.UNMET]
    if unmet:
        listed = ", ".join(f"{n} ({STRATEGIES[n]})" for n in unmet)
        raise ValidationError(
            f"Not re-attested: the records show strategy {listed} no longer met. Bring the records up to date "
            "(training, agreement or policy), then re-attest."
        )
    entry = Reattestation.objects.create(
        agency=agency,
        recognition=recognition,
        attested_on=on,
        attested_by=actor,
        statement=statement,
        figures={str(n): frozen.strategy_figures(result, n) for n in STRATEGIES} | {"status": str(result.status)},
    )
    before = snapshot(recognition)
    recognition.reattest_due_on = add_months(on, REATTEST_MONTHS)
    recognition.save(update_fields=["reattest_due_on"])
    log_change(actor=actor, action="reviews.reattested", obj=recognition, before=before, agency=agency)
    agency_changed(agency)
    return entry


def discard_attachment(name: str) -> None:
    if name:
        delete_private_upload(name)


def log_attachment_download(*, actor: User, submission: Submission) -> None:
    log_action(actor=actor, action="reviews.attachment_downloaded", obj=submission, agency=submission.agency)
