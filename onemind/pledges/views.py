from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from onemind.lib.client_address import client_address
from onemind.lib.downloads import as_download
from onemind.pledges.consent import consent_text_for
from onemind.pledges.forms import PledgeForm, SignatoryCorrectionForm
from onemind.pledges.models import Pledge, RuleEdition
from onemind.pledges.pdf import render_pledge_pdf
from onemind.pledges.services import correct_signatory, current_pledge, default_edition, pledge_agency
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view


def _client_ip(request: HttpRequest) -> str | None:
    return client_address(request) or None


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    for field, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        target = "consent" if field == "consent" else field
        form.add_error(target if target in form.fields else None, errs)


def _initial(agency: Any) -> dict[str, Any]:
    return {
        "edition": default_edition(),
        "sworn_count": agency.sworn_count,
        "nonsworn_count": agency.nonsworn_count,
        "head_name": agency.head_name,
        "head_title": agency.head_title,
    }


@agency_view(roles.AGENCY_READ)
def detail(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    pledges = Pledge.objects.filter(agency=agency).select_related("edition", "signed_by").order_by("-signed_at")
    return render(
        request,
        "pledges/detail.html",
        {"agency": agency, "pledges": pledges, "pledge": current_pledge(agency)},
    )


@agency_view(roles.PLEDGE_WRITE)
def sign(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    if current_pledge(agency) is not None:
        messages.info(request, "This agency has already pledged.")
        return redirect("pledges:detail", agency_slug=agency.slug)
    form = PledgeForm(request.POST or None, initial=_initial(agency))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            pledge_agency(
                actor=request.user,
                agency=agency,
                consent_given=data.pop("consent"),
                signer_ip=_client_ip(request),
                **data,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{agency.name} has taken the One Mind pledge. Thank you.")
            return redirect("pledges:detail", agency_slug=agency.slug)
    return render(request, "pledges/sign.html", {"agency": agency, "form": form, **_consent_preview(agency, form)})


@agency_view(roles.PLEDGE_WRITE)
def correct(request: AgencyRequest) -> HttpResponse:
    """The agency corrects a typo in the signatory's details; edition, months and date are campaign staff's."""
    agency = request.access.agency
    existing = current_pledge(agency)
    if existing is None:
        raise Http404("No pledge to correct")
    form = SignatoryCorrectionForm(
        request.POST or None, initial={"head_name": existing.head_name, "head_title": existing.head_title}
    )
    if request.method == "POST" and form.is_valid():
        try:
            correct_signatory(
                actor=request.user,
                agency=agency,
                head_name=form.cleaned_data["head_name"],
                head_title=form.cleaned_data["head_title"],
                reason=form.cleaned_data["correction_reason"],
                signer_ip=_client_ip(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The signatory's details are corrected; the original is kept in the history.")
            return redirect("pledges:detail", agency_slug=agency.slug)
    return render(request, "pledges/correct.html", {"agency": agency, "form": form, "pledge": existing})


@agency_view(roles.PLEDGE_WRITE)
def consent_preview(request: AgencyRequest) -> HttpResponse:
    """The pledge text for the edition and months being chosen (the sign form asks as they change)."""
    form = PledgeForm(request.GET or None, initial=_initial(request.access.agency))
    return render(request, "pledges/_consent.html", _consent_preview(request.access.agency, form))


def _consent_preview(agency: Any, form: PledgeForm) -> dict[str, str]:
    edition = form.initial.get("edition") or default_edition()
    raw_edition = form.data.get("edition") if form.is_bound else None
    if raw_edition and str(raw_edition).isascii() and str(raw_edition).isdigit() and len(str(raw_edition)) < 10:
        edition = RuleEdition.objects.filter(pk=int(raw_edition)).first() or edition
    raw = form.data.get("committed_months") if form.is_bound else None
    months = int(raw) if raw and str(raw).isascii() and str(raw).isdigit() and len(str(raw)) < 4 else None
    months = months or form.initial.get("committed_months") or PledgeForm.base_fields["committed_months"].initial
    return {"consent_preview": consent_text_for(agency_name=agency.name, months=months, edition=edition)}


@agency_view(roles.AGENCY_READ)
def pdf(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    pledge = current_pledge(agency)
    if pledge is None:
        raise Http404("No pledge yet")
    response = HttpResponse(render_pledge_pdf(pledge), content_type="application/pdf")
    return as_download(response, f"one-mind-pledge-{agency.slug}.pdf")
