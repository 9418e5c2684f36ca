"""The agency administrator's retention page: the period, and a preview (counts and dates) of who falls due."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from onemind.lib.versions import StaleEdit, refuse_stale, submitted_version, track_version
from onemind.ops.forms import RetentionForm
from onemind.ops.retention import DEFAULT_YEARS, retention_preview, set_retention_period
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view


@agency_view(roles.AGENCY_WRITE)
def retention(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    form = RetentionForm(request.POST or None, initial={"years": agency.personnel_retention_years})
    track_version(form, agency, {"years": agency.personnel_retention_years})
    if request.method == "POST" and form.is_valid():
        years = form.cleaned_data["years"]
        try:
            set_retention_period(
                actor=request.user, agency=agency, years=years, expected_version=submitted_version(form)
            )
        except StaleEdit as exc:
            refuse_stale(form, exc.current, {"years": exc.current.personnel_retention_years})  # type: ignore[attr-defined]
        else:
            kept = "kept for good" if years is None else f"erased {years} years after separation"
            messages.success(request, f"Retention saved: separated personnel's identifying data is {kept}.")
            return redirect("ops:retention", agency_slug=agency.slug)
    today = timezone.localdate()
    context = {
        "agency": agency,
        "form": form,
        "preview": retention_preview(agency, today),
        "today": today,
        "default_years": DEFAULT_YEARS,
    }
    return render(request, "ops/retention.html", context)
