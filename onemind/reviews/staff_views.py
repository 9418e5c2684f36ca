"""Campaign staff's side of verification: the review queue, one submission, agency completion and recognition."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_scopes import scope, scopes_disabled

from onemind.accounts.models import User
from onemind.lib.ori import STATE_CODES
from onemind.reviews import figures as frozen
from onemind.reviews import selectors, services
from onemind.reviews.forms import RecognizeForm, ReviewForm, RevokeForm
from onemind.reviews.models import STRATEGIES, Recognition, RecognitionProposal, Submission
from onemind.reviews.pdf import verification_url
from onemind.reviews.preview import NoPreview, preview_png
from onemind.reviews.views import certificate_response
from onemind.tenancy.access import AuthenticatedRequest, campaign_view
from onemind.tenancy.models import Agency
from onemind.tenancy.roles import CAMPAIGN_REVIEW

AGES = [("", "Any age"), ("7", "Waiting 7 days or more"), ("30", "Waiting 30 days or more")]


ASSIGNED = [("", "Anyone's or no one's"), ("mine", "Assigned to me"), ("unassigned", "Not assigned")]


@campaign_view(CAMPAIGN_REVIEW)
def queue(request: AuthenticatedRequest) -> HttpResponse:
    params = {
        "status": request.GET.get("status", "submitted")[:20],
        "strategy": request.GET.get("strategy", "")[:2],
        "us_state": request.GET.get("us_state", "")[:2].upper(),
        "age": request.GET.get("age", "")[:4],
        "assigned": request.GET.get("assigned", "")[:12],
    }
    submissions = selectors.review_queue(
        state=params["status"],
        strategy=params["strategy"],
        older_than_days=params["age"],
        us_state=params["us_state"],
        assigned=params["assigned"],
        user=request.user,
    )
    page = Paginator(submissions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/queue.html",
        {
            "page": page,
            "params": params,
            "query_string": urlencode({k: v for k, v in params.items() if v}),
            "statuses": Submission.State.choices,
            "strategies": sorted(STRATEGIES.items()),
            "us_states": sorted(STATE_CODES.items()),
            "ages": AGES,
            "assignments": ASSIGNED,
            "overdue": selectors.overdue_reattestations(),
        },
    )


@campaign_view(CAMPAIGN_REVIEW)
def queue_next(request: AuthenticatedRequest) -> HttpResponse:
    """The next submission to review after the one named in ``after`` (or the first)."""
    after = None
    raw = request.GET.get("after", "")
    if raw:
        try:
            after = _submission(uuid.UUID(raw[:40]))
        except ValueError:
            after = None
    found = selectors.next_submission(user=request.user, after=after)
    if found is None:
        messages.info(request, "Nothing else is waiting for review.")
        return redirect("campaign:queue")
    return redirect("campaign:review", submission_id=found.public_id)


def _submission(submission_id: object) -> Submission:
    with scopes_disabled():
        return get_object_or_404(Submission.objects.select_related("agency", "assigned_to"), public_id=submission_id)


@campaign_view(CAMPAIGN_REVIEW)
def review(request: AuthenticatedRequest, submission_id: object) -> HttpResponse:
    submission = _submission(submission_id)
    agency = submission.agency
    form = ReviewForm(request.POST or None)
    with scope(agency=agency):
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data["decision"] == "verify":
                    services.verify_submission(
                        actor=request.user,
                        submission=submission,
                        comment=form.cleaned_data["comment"],
                        override_reason=form.cleaned_data["override_reason"],
                    )
                    messages.success(request, f"{agency.name}: strategy {submission.strategy} verified.")
                else:
                    services.return_submission(
                        actor=request.user, submission=submission, comment=form.cleaned_data["comment"]
                    )
                    messages.success(
                        request, f"{agency.name}: strategy {submission.strategy} returned with your comment."
                    )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                return redirect("campaign:review", submission_id=submission.public_id)
        context = {
            "submission": submission,
            "agency": agency,
            "title": STRATEGIES[submission.strategy],
            "comments": list(submission.comments.select_related("author")),
            "evidence_problems": selectors.evidence_problems(submission),
            "previews": selectors.evidence_files(submission),
            "judgement": services.current_judgement(submission),
            "form": form,
            "staff": User.objects.filter(is_campaign_staff=True, is_active=True).order_by("full_name", "email"),
        }
    return render(request, "reviews/review.html", context, status=400 if form.errors else 200)


@campaign_view(CAMPAIGN_REVIEW)
@require_POST
def assign(request: AuthenticatedRequest, submission_id: object) -> HttpResponse:
    """Take the submission (``to=me``), give it to another staff member (``to=<their id>``) or release it."""
    submission = _submission(submission_id)
    raw = request.POST.get("to", "")
    if raw == "me":
        to: User | None = request.user
    elif raw == "":
        to = None
    else:
        to = User.objects.filter(pk=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else 0).first()
        if to is None:
            messages.error(request, "Choose a campaign staff member.")
            return redirect("campaign:review", submission_id=submission.public_id)
    with scope(agency=submission.agency):
        try:
            services.assign_submission(actor=request.user, submission=submission, to=to)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Assigned to {to.full_name or to.email}." if to else "Released to the queue.")
    return redirect("campaign:review", submission_id=submission.public_id)


@campaign_view(CAMPAIGN_REVIEW)
def evidence_preview(request: HttpRequest, submission_id: object, index: int) -> HttpResponse:
    """A PNG drawn from one evidence file (first page of a PDF); sandboxed, never the uploaded bytes."""
    submission = _submission(submission_id)
    files = {i: name for i, _label, name in selectors.evidence_files(submission)}
    if index not in files:
        raise Http404("No such file")
    try:
        png = preview_png(files[index])
    except NoPreview as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(png, content_type="image/png")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = 'inline; filename="preview.png"'
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _agency(agency_slug: str) -> Agency:
    return get_object_or_404(Agency, slug=agency_slug)


def agency_status_context(agency: Agency) -> dict[str, object]:
    """What the staff's agency page shows of verification (the page itself is campaign.agency_views.agency)."""
    with scope(agency=agency):
        rows = selectors.overview(agency)
        recognition = selectors.active_recognition(agency)
        renewal = selectors.renewal(agency, recognition) if recognition else None
        history = list(Recognition.objects.filter(agency=agency, revoked_at__isnull=False).select_related("revoked_by"))
    verified, completed_on, _ = selectors.verification_state([agency.pk])[agency.pk]
    return {
        "agency": agency,
        "rows": rows,
        "completed_on": completed_on,
        "recognition": recognition,
        "renewal": renewal,
        "revoked": history,
        "verify_url": verification_url(recognition) if recognition else "",
    }


@campaign_view(CAMPAIGN_REVIEW)
def revoke(request: AuthenticatedRequest, agency_slug: str) -> HttpResponse:
    """The confirmation page (GET) and the revocation itself (POST, with a reason)."""
    agency = _agency(agency_slug)
    with scope(agency=agency):
        recognition = selectors.active_recognition(agency)
        if recognition is None:
            messages.error(request, f"{agency.name} is not recognized, so there is nothing to revoke.")
            return redirect("campaign:agency", agency_slug=agency.slug)
        renewal = selectors.renewal(agency, recognition)
        form = RevokeForm(
            request.POST if request.method == "POST" else None,
            initial={"reopen": [n for n, _title, _why in renewal.unmet]},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.revoke_recognition(
                    actor=request.user,
                    agency=agency,
                    reason=form.cleaned_data["reason"],
                    reopen=tuple(form.cleaned_data["reopen"]),
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, f"The recognition of {agency.name} is revoked.")
                return redirect("campaign:agency", agency_slug=agency.slug)
        context = {"agency": agency, "recognition": recognition, "renewal": renewal, "form": form}
    return render(request, "reviews/revoke.html", context, status=400 if form.errors else 200)


@campaign_view(CAMPAIGN_REVIEW)
def recognize(request: AuthenticatedRequest, agency_slug: str) -> HttpResponse:
    """The confirmation page (GET: what is verified, with any override, beside the engine's answer today) and the
    recognition itself (POST with the confirmation ticked; a second staff member confirms when the campaign asks)."""
    agency = _agency(agency_slug)
    form = RecognizeForm(request.POST if request.method == "POST" else None)
    with scope(agency=agency):
        if request.method == "POST" and form.is_valid():
            try:
                outcome = services.recognize_or_propose(actor=request.user, agency=agency)
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                if isinstance(outcome, Recognition):
                    messages.success(request, f"{agency.name} is recognized. Verification code {outcome.code}.")
                else:
                    messages.success(request, "Recognition proposed: a second staff member must confirm it.")
                return redirect("campaign:agency", agency_slug=agency.slug)
        rows = selectors.overview(agency)
        today = frozen.agency_result(agency, timezone.localdate())
        judged = {n: frozen.strategy_figures(today, n) for n in STRATEGIES}
        proposal = RecognitionProposal.objects.filter(agency=agency, closed_at__isnull=True).first()
    return render(
        request,
        "reviews/recognize.html",
        {
            "agency": agency,
            "rows": [(row, judged[row["number"]]) for row in rows],
            "form": form,
            "proposal": proposal,
            "second_approver": settings.RECOGNITION_SECOND_APPROVER,
        },
        status=400 if form.errors else 200,
    )


@campaign_view(CAMPAIGN_REVIEW)
def certificate(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = _agency(agency_slug)
    with scope(agency=agency):
        recognition = selectors.active_recognition(agency)
        if recognition is None:
            raise Http404("Not recognized")
        return certificate_response(recognition)
