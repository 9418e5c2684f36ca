"""The agency's side of verification: submit each strategy, answer the reviewer, certificate, re-attestation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onemind.lib.downloads import as_download
from onemind.reviews import figures as frozen
from onemind.reviews import selectors, services
from onemind.reviews.evidence import attachment, store_form_upload
from onemind.reviews.forms import CommentForm, ReattestForm, SubmitForm
from onemind.reviews.models import STRATEGIES, Submission
from onemind.reviews.pdf import render_certificate_pdf, verification_url
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view


def _submission(request: AgencyRequest, strategy: int) -> Submission:
    return get_object_or_404(Submission.objects.filter(agency=request.access.agency), strategy=strategy)


@agency_view(roles.AGENCY_READ)
def index(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    recognition = selectors.active_recognition(agency)
    return render(
        request,
        "reviews/index.html",
        {
            "agency": agency,
            "rows": selectors.overview(agency),
            "recognition": recognition,
            "renewal": selectors.renewal(agency, recognition) if recognition else None,
            "revoked": None if recognition else selectors.last_revocation(agency),
            "reattest_form": ReattestForm(),
            "verify_url": verification_url(recognition) if recognition else "",
        },
    )


@agency_view(roles.AGENCY_READ)
def detail(request: AgencyRequest, strategy: int) -> HttpResponse:
    if strategy not in STRATEGIES:
        raise Http404("No such strategy")
    agency = request.access.agency
    submission = Submission.objects.filter(agency=agency, strategy=strategy).first()
    today = frozen.strategy_figures(frozen.agency_result(agency, timezone.localdate()), strategy)
    return render(
        request,
        "reviews/detail.html",
        {
            "agency": agency,
            "number": strategy,
            "title": STRATEGIES[strategy],
            "submission": submission,
            "comments": submission.comments.select_related("author") if submission else [],
            "submit_form": SubmitForm(),
            "today": today,
            "comment_form": CommentForm(),
        },
    )


@agency_view(roles.STRATEGY_SUBMIT)
@require_POST
def submit(request: AgencyRequest, strategy: int) -> HttpResponse:
    if strategy not in STRATEGIES:
        raise Http404("No such strategy")
    agency = request.access.agency
    form = SubmitForm(request.POST, request.FILES)
    stored = store_form_upload(form, "attachment") if form.is_valid() else None
    if not form.is_valid() or form.errors:
        messages.error(request, "Not submitted: " + " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("reviews:detail", agency_slug=agency.slug, strategy=strategy)
    try:
        services.submit_strategy(
            actor=request.user,
            agency=agency,
            strategy=strategy,
            note=form.cleaned_data["note"],
            attachment=stored or "",
            acknowledge_unmet=form.cleaned_data["acknowledge_unmet"],
        )
    except ValidationError as exc:
        services.discard_attachment(stored or "")
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Strategy {strategy} submitted for verification.")
    return redirect("reviews:detail", agency_slug=agency.slug, strategy=strategy)


@agency_view(roles.STRATEGY_SUBMIT)
@require_POST
def comment(request: AgencyRequest, strategy: int) -> HttpResponse:
    submission = _submission(request, strategy)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(
            actor=request.user, submission=submission, body=form.cleaned_data["body"], from_staff=False
        )
        messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write a comment first.")
    return redirect("reviews:detail", agency_slug=request.access.agency.slug, strategy=strategy)


@agency_view(roles.AGENCY_READ)
def submission_attachment(request: AgencyRequest, strategy: int) -> HttpResponse:
    submission = _submission(request, strategy)
    response = attachment(submission.attachment, f"strategy-{strategy}-supporting-file")
    services.log_attachment_download(actor=request.user, submission=submission)
    return response


@agency_view(roles.AGENCY_READ)
def certificate(request: AgencyRequest) -> HttpResponse:
    recognition = selectors.active_recognition(request.access.agency)
    if recognition is None:
        raise Http404("Not recognized")
    return certificate_response(recognition)


def certificate_response(recognition: object) -> HttpResponse:
    response = HttpResponse(render_certificate_pdf(recognition), content_type="application/pdf")  # type: ignore[arg-type]
    return as_download(response, "one-mind-recognition.pdf")


@agency_view(roles.STRATEGY_SUBMIT)
@require_POST
def reattest(request: AgencyRequest) -> HttpResponse:
    form = ReattestForm(request.POST)
    agency = request.access.agency
    if form.is_valid():
        try:
            entry = services.reattest(actor=request.user, agency=agency, statement=form.cleaned_data["statement"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"Re-attested. The next re-attestation is due {entry.recognition.reattest_due_on}."
            )
    else:
        messages.error(request, "Write the statement first.")
    return redirect("reviews:index", agency_slug=agency.slug)
