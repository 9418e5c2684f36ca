from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from onemind.lib.client_address import client_address
from onemind.lib.downloads import as_download
from onemind.pledges.consent import consent_text_for
from onemind.pledges.forms import CorrectionForm, PledgeForm
from onemind.pledges.models import Pledge
from onemind.pledges.pdf import render_pledge_pdf
from onemind.pledges.services import current_pledge, default_edition, pledge_agency
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view


def _client_ip(request: HttpRequest) -> str | None:
    return client_address(request) or None


def _apply_errors(form: PledgeForm, exc: ValidationError) -> None:
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
        messages.info(request, "This agency has already pledged. To change it, sign a correction.")
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
    agency = request.access.agency
    existing = current_pledge(agency)
    if existing is None:
        raise Http404("No pledge to correct")
    initial = {
        "edition": existing.edition,
        "committed_months": existing.committed_months,
        "pledged_on": existing.pledged_on,
        "sworn_count": existing.sworn_count,
        "nonsworn_count": existing.nonsworn_count,
        "head_name": existing.head_name,
        "head_title": existing.head_title,
    }
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            pledge_agency(
                actor=request.user,
                agency=agency,
                consent_given=data.pop("consent"),
                signer_ip=_client_ip(request),
                supersedes=existing,
                **data,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The corrected pledge is signed; the original is kept in the history.")
            return redirect("pledges:detail", agency_slug=agency.slug)
    return render(
        request,
        "pledges/sign.html",
        {"agency": agency, "form": form, "correction": True, **_consent_preview(agency, form)},
    )


def _consent_preview(agency: Any, form: PledgeForm) -> dict[str, str]:
    edition = form.cleaned_data.get("edition") if form.is_bound and hasattr(form, "cleaned_data") else None
    edition = edition or form.initial.get("edition") or default_edition()
    months = form.data.get("committed_months") or form.initial.get("committed_months") or 24
    try:
        months = int(months)
    except (TypeError, ValueError):
        months = 24
    return {
        "consent_preview": consent_text_for(agency_name=agency.name, months=months, partner_scope=edition.partner_scope)
    }


@agency_view(roles.AGENCY_READ)
def pdf(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    pledge = current_pledge(agency)
    if pledge is None:
        raise Http404("No pledge yet")
    response = HttpResponse(render_pledge_pdf(pledge), content_type="application/pdf")
    return as_download(response, f"one-mind-pledge-{agency.slug}.pdf")
