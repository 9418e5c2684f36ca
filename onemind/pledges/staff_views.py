"""Campaign staff's change of a pledge's terms: edition, committed months, pledge date, with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_scopes import scope

from onemind.pledges.forms import PledgeTermsForm
from onemind.pledges.models import Pledge
from onemind.pledges.services import change_pledge_terms, current_pledge
from onemind.tenancy.access import AuthenticatedRequest, campaign_view
from onemind.tenancy.models import Agency
from onemind.tenancy.roles import CAMPAIGN_MANAGE


@campaign_view(CAMPAIGN_MANAGE)
def terms(request: AuthenticatedRequest, agency_slug: str) -> HttpResponse:
    agency = get_object_or_404(Agency, slug=agency_slug)
    with scope(agency=agency):
        pledge = current_pledge(agency)
        if pledge is None:
            raise Http404("This agency has not pledged")
        initial = {
            "edition": pledge.edition,
            "committed_months": pledge.committed_months,
            "pledged_on": pledge.pledged_on,
        }
        form = PledgeTermsForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                change_pledge_terms(actor=request.user, agency=agency, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"The pledge of {agency.name} is changed; the agency sees the reason.")
                return redirect("campaign:agency", agency_slug=agency.slug)
        history = list(Pledge.objects.filter(agency=agency).select_related("edition", "signed_by"))
    return render(
        request,
        "pledges/terms.html",
        {"agency": agency, "pledge": pledge, "form": form, "history": history},
        status=400 if form.errors else 200,
    )
