"""Reads of verification: each agency's verified strategies and recognition, the staff review queue, evidence."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.engine.results import State
from onemind.lib.query import int_or_none
from onemind.partnerships.models import Partnership
from onemind.policies.models import PolicyVersion
from onemind.reviews import figures as frozen
from onemind.reviews.evidence import file_on_record
from onemind.reviews.models import STRATEGIES, Recognition, Submission
from onemind.tenancy.models import Agency

VerificationState = tuple[frozenset[int], dt.date | None, dt.date | None]


def verification_state(agency_ids: list[int]) -> dict[int, VerificationState]:
    """agency id -> (verified strategy numbers, completed_on, recognized_on), in two queries.

    ``completed_on`` is the day the last of the four strategies was verified (None until all four are);
    ``recognized_on`` is Agency.recognized_on. Agencies with neither are still listed, with empty values.
    """
    ids = list(agency_ids)
    verified: dict[int, dict[int, dt.date | None]] = defaultdict(dict)
    with scopes_disabled():
        for agency_id, strategy, verified_on in Submission.objects.filter(
            agency_id__in=ids, state=Submission.State.VERIFIED
        ).values_list("agency_id", "strategy", "verified_on"):
            verified[agency_id][strategy] = verified_on
    recognized = dict(Agency.objects.filter(pk__in=ids).values_list("pk", "recognized_on"))
    state: dict[int, VerificationState] = {}
    for agency_id in ids:
        done = verified.get(agency_id, {})
        days = [day for day in done.values() if day is not None]
        completed_on = max(days) if len(done) == len(STRATEGIES) and days else None
        state[agency_id] = (frozenset(done), completed_on, recognized.get(agency_id))
    return state


def review_queue(
    *,
    state: str = "",
    strategy: str = "",
    older_than_days: str = "",
    us_state: str = "",
    assigned: str = "",
    user: Any = None,
) -> QuerySet[Submission]:
    """Submissions, oldest first. ``state`` is the submission's state; ``us_state`` the agency's US state;
    ``assigned`` is "mine", "unassigned" or anything else for all."""
    with scopes_disabled():
        queryset = Submission.objects.select_related("agency", "assigned_to").order_by("submitted_at", "pk")
    if state in Submission.State.values:
        queryset = queryset.filter(state=state)
    if len(us_state) == 2 and us_state.isascii() and us_state.isalpha():
        queryset = queryset.filter(agency__state=us_state.upper())
    if assigned == "mine" and user is not None:
        queryset = queryset.filter(assigned_to=user)
    elif assigned == "unassigned":
        queryset = queryset.filter(assigned_to__isnull=True)
    number = int_or_none(strategy, maximum=max(STRATEGIES))
    if number in STRATEGIES:
        queryset = queryset.filter(strategy=number)
    days = int_or_none(older_than_days, maximum=36_500)
    if days is not None:
        queryset = queryset.filter(submitted_at__lte=timezone.now() - dt.timedelta(days=days))
    return queryset


def next_submission(*, user: Any, after: Submission | None = None) -> Submission | None:
    """The next submission for ``user`` to review: awaiting review, not taken by someone else, oldest first,
    after ``after`` in that order (wrapping to the start)."""
    with scopes_disabled():
        waiting = (
            Submission.objects.filter(state=Submission.State.SUBMITTED)
            .filter(Q(assigned_to__isnull=True) | Q(assigned_to=user))
            .order_by("submitted_at", "pk")
        )
        if after is not None:
            later = waiting.filter(
                Q(submitted_at__gt=after.submitted_at) | Q(submitted_at=after.submitted_at, pk__gt=after.pk)
            ).first()
            if later is not None:
                return later
            waiting = waiting.exclude(pk=after.pk)
        return waiting.first()


def evidence_files(submission: Submission) -> list[tuple[int, str, str]]:
    """(index, label, stored name) of every file a reviewer can preview, in the order of the evidence list."""
    files = [(i, item.get("label", ""), item.get("file", "")) for i, item in enumerate(submission.evidence)]
    if submission.attachment:
        files.append((len(submission.evidence), "Supporting file uploaded with the submission", submission.attachment))
    return [f for f in files if f[2]]


def evidence_problems(submission: Submission) -> list[str]:
    """Evidence listed on the submission that is no longer on file (record deleted or file removed)."""
    problems = []
    for item in submission.evidence:
        kind, label, name = item.get("kind"), item.get("label", ""), item.get("file", "")
        if kind == "partnership":
            exists = Partnership.objects.filter(agency=submission.agency, public_id=item.get("id")).exists()
        elif kind == "policy_version":
            exists = PolicyVersion.objects.filter(agency=submission.agency, public_id=item.get("id")).exists()
        else:
            exists = True
        if not exists:
            problems.append(f"{label}: the record was deleted")
        elif name and not file_on_record(name):
            problems.append(f"{label}: the file was removed")
    return problems


def active_recognition(agency: Agency) -> Recognition | None:
    return Recognition.objects.filter(agency=agency, revoked_at__isnull=True).first()


def overdue_reattestations(on: dt.date | None = None, limit: int = 50) -> list[Recognition]:
    """Recognitions in force whose yearly re-attestation date has passed, longest overdue first."""
    on = on or timezone.localdate()
    with scopes_disabled():
        return list(
            Recognition.objects.filter(revoked_at__isnull=True, reattest_due_on__lt=on)
            .select_related("agency")
            .order_by("reattest_due_on", "pk")[:limit]
        )


def last_revocation(agency: Agency) -> Recognition | None:
    """The most recently revoked recognition, shown to the agency while it is not recognized again."""
    return Recognition.objects.filter(agency=agency, revoked_at__isnull=False).order_by("-revoked_at").first()


@dataclass(frozen=True)
class Renewal:
    """Where a recognized agency stands for its yearly re-attestation on `on`."""

    due_on: dt.date
    days_left: int  # negative once overdue
    unmet: tuple[tuple[int, str, str], ...]  # (number, title, the engine's explanation) of strategies not met

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def can_reattest(self) -> bool:
        return not self.unmet


def renewal(agency: Agency, recognition: Recognition, on: dt.date | None = None) -> Renewal:
    on = on or timezone.localdate()
    result = frozen.agency_result(agency, on)
    unmet = tuple((s.number, STRATEGIES[s.number], s.explanation) for s in result.strategies if s.state is State.UNMET)
    return Renewal(due_on=recognition.reattest_due_on, days_left=(recognition.reattest_due_on - on).days, unmet=unmet)


def submissions_by_strategy(agency: Agency) -> dict[int, Submission]:
    return {s.strategy: s for s in Submission.objects.filter(agency=agency)}


def overview(agency: Agency) -> list[dict[str, Any]]:
    found = submissions_by_strategy(agency)
    return [{"number": n, "title": title, "submission": found.get(n)} for n, title in STRATEGIES.items()]
