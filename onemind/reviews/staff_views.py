"""Campaign staff's side of verification: the review queue, one submission, agency completion and recognition."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_scopes import scope, scopes_disabled

from onemind.reviews import selectors, services
from onemind.reviews.forms import ReviewForm, RevokeForm
from onemind.reviews.models import STRATEGIES, Recognition, Submission
from onemind.reviews.pdf import verification_url
from onemind.reviews.views import certificate_response
from onemind.tenancy.access import AuthenticatedRequest, campaign_view
from onemind.tenancy.models import Agency
from onemind.tenancy.roles import CAMPAIGN_REVIEW

AGES = [("", "Any age"), ("7", "Waiting 7 days or more"), ("30", "Waiting 30 days or more")]


@campaign_view(CAMPAIGN_REVIEW)
def queue(request: HttpRequest) -> HttpResponse:
    params = {
        "state": request.GET.get("state", "submitted")[:20],
        "strategy": request.GET.get("strategy", "")[:2],
        "age": request.GET.get("age", "")[:4],
    }
    submissions = selectors.review_queue(
        state=params["state"], strategy=params["strategy"], older_than_days=params["age"]
    )
    page = Paginator(submissions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/queue.html",
        {
            "page": page,
            "params": params,
            "query_string": urlencode({k: v for k, v in params.items() if v}),
            "states": Submission.State.choices,
            "strategies": sorted(STRATEGIES.items()),
            "ages": AGES,
            "overdue": selectors.overdue_reattestations(),
        },
    )


def _submission(submission_id: object) -> Submission:
    with scopes_disabled():
        return get_object_or_404(Submission.objects.select_related("agency"), public_id=submission_id)


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
                        actor=request.user, submission=submission, comment=form.cleaned_data["comment"]
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
            "form": form,
        }
    return render(request, "reviews/review.html", context, status=400 if form.errors else 200)


def _agency(agency_slug: str) -> Agency:
    return get_object_or_404(Agency, slug=agency_slug)


@campaign_view(CAMPAIGN_REVIEW)
def agency_status(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = _agency(agency_slug)
    with scope(agency=agency):
        rows = selectors.overview(agency)
        recognition = selectors.active_recognition(agency)
        renewal = selectors.renewal(agency, recognition) if recognition else None
        history = list(Recognition.objects.filter(agency=agency, revoked_at__isnull=False).select_related("revoked_by"))
    verified, completed_on, _ = selectors.verification_state([agency.pk])[agency.pk]
    return render(
        request,
        "reviews/agency_status.html",
        {
            "agency": agency,
            "rows": rows,
            "completed_on": completed_on,
            "recognition": recognition,
            "renewal": renewal,
            "revoked": history,
            "verify_url": verification_url(recognition) if recognition else "",
        },
    )


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
@require_POST
def recognize(request: AuthenticatedRequest, agency_slug: str) -> HttpResponse:
    agency = _agency(agency_slug)
    with scope(agency=agency):
        try:
            recognition = services.recognize_agency(actor=request.user, agency=agency)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{agency.name} is recognized. Verification code {recognition.code}.")
    return redirect("campaign:agency", agency_slug=agency.slug)


@campaign_view(CAMPAIGN_REVIEW)
def certificate(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = _agency(agency_slug)
    with scope(agency=agency):
        recognition = selectors.active_recognition(agency)
        if recognition is None:
            raise Http404("Not recognized")
        return certificate_response(recognition)
