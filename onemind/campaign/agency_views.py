"""Campaign staff's view of every agency: the searchable list, and each agency's contact log."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from onemind.campaign import selectors, services
from onemind.campaign.forms import ContactLogForm
from onemind.campaign.models import Announcement, ContactLogEntry
from onemind.campaign.standings import SIZE_CLASSES
from onemind.lib.agency_types import AGENCY_TYPES
from onemind.lib.dates import add_months
from onemind.lib.ori import STATE_CODES
from onemind.reviews.staff_views import agency_status_context
from onemind.tenancy.access import AuthenticatedRequest, campaign_view
from onemind.tenancy.models import Agency
from onemind.tenancy.roles import CAMPAIGN_MANAGE, CAMPAIGN_REVIEW

PAGE_SIZE = 50


@campaign_view(CAMPAIGN_REVIEW)
def agencies(request: HttpRequest) -> HttpResponse:
    filters = selectors.AgencyFilters.from_query(request.GET)
    page = Paginator(selectors.agency_directory(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    for agency in page:
        months = agency.pledge_months
        agency.deadline = add_months(agency.pledge_on, months) if months else None
    chosen = {k: v for k, v in vars(filters).items() if v}
    query = {("type" if k == "agency_type" else k): v for k, v in chosen.items()}
    return render(
        request,
        "campaign/agencies.html",
        {
            "page": page,
            "filters": filters,
            "query_string": urlencode(query),
            "us_states": sorted(STATE_CODES.items()),
            "types": AGENCY_TYPES,
            "sizes": [(key, label) for key, label, _lo, _hi in SIZE_CLASSES],
            "statuses": selectors.STATUSES,
            "deadlines": selectors.DEADLINES,
            "recognition": selectors.RECOGNITION,
        },
    )


@campaign_view(CAMPAIGN_REVIEW)
def agency(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """One agency for staff: verification and recognition, its campaign timeline and the contact log."""
    found = get_object_or_404(Agency, slug=agency_slug)
    context = {
        **agency_status_context(found),
        "timeline": selectors.agency_timeline(found),
        "contacts": ContactLogEntry.objects.filter(agency=found).select_related("author")[:50],
        "contact_form": ContactLogForm(),
    }
    return render(request, "reviews/agency_status.html", context)


@campaign_view(CAMPAIGN_REVIEW)
@require_POST
def log_contact(request: AuthenticatedRequest, agency_slug: str) -> HttpResponse:
    agency = get_object_or_404(Agency, slug=agency_slug)
    form = ContactLogForm(request.POST)
    if form.is_valid():
        try:
            services.log_contact(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Contact logged.")
    else:
        messages.error(request, "Not logged: " + " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("campaign:agency", agency_slug=agency.slug)


@campaign_view(CAMPAIGN_MANAGE)
def send_announcement(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET: who would receive it; POST: send it (in the app and by e-mail), once."""
    announcement = get_object_or_404(Announcement, pk=pk)
    if request.method == "POST":
        try:
            people = services.send_announcement(actor=request.user, announcement=announcement)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Sent to {people} people, in the app and by e-mail.")
        return redirect("campaign:announcements")
    audience = selectors.announcement_audience(announcement)
    return render(
        request,
        "campaign/announcement_send.html",
        {"announcement": announcement, "count": audience.count(), "sample": list(audience[:20])},
    )
