from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from onemind.campaign.charts import history_chart, us_map
from onemind.campaign.figures import SUPPRESS_BELOW, WITHHELD, public_figures
from onemind.campaign.standings import NIGHTLY_HOUR
from onemind.lib.agency_types import AGENCY_TYPE_LABELS, AGENCY_TYPES
from onemind.lib.ori import postal_state
from onemind.lib.spreadsheet import export_response
from onemind.pledges.services import default_edition
from onemind.public.models import Resource
from onemind.public.selectors import (
    pledged_agencies,
    pledged_states,
    public_pledge,
    recognized_agencies,
)
from onemind.tenancy.models import Agency
from onemind.tenancy.services import STAFF_GRANT_HOURS


def landing(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/landing.html",
        {
            # The same figures as the campaign in numbers (one computation, one definition of each count).
            "figures": public_figures(),
            "edition": default_edition(),
            "resources": Resource.objects.filter(is_published=True)[:8],
        },
    )


def numbers(request: HttpRequest) -> HttpResponse:
    """The campaign in numbers: the staff dashboard's figures, with counts of people under 5 suppressed."""
    figures = public_figures(with_tables=True)
    map_values = {row["state"]: row["pledged"] for row in figures.state_rows if row["state"]}
    return render(
        request,
        "public/numbers.html",
        {
            "figures": figures,
            "map_svg": us_map(map_values, figure_label="Pledged agencies", chart_id="public-map"),
            "history_svg": history_chart(figures.history, chart_id="public-history"),
        },
    )


def _filters(request: HttpRequest) -> tuple[str, str]:
    """State and type from the query string; unknown values are ignored rather than failing the page."""
    state = postal_state(request.GET.get("state", "")[:30])
    agency_type = request.GET.get("type", "")
    return state, agency_type if agency_type in AGENCY_TYPE_LABELS else ""


def pledged(request: HttpRequest) -> HttpResponse:
    state, agency_type = _filters(request)
    page = Paginator(pledged_agencies(state=state, agency_type=agency_type), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "public/pledged.html",
        {
            "page": page,
            "state": state,
            "agency_type": agency_type,
            "states": pledged_states(),
            "types": AGENCY_TYPES,
            "query_string": _query_string(state, agency_type),
        },
    )


def recognized(request: HttpRequest) -> HttpResponse:
    state, agency_type = _filters(request)
    page = Paginator(recognized_agencies(state=state, agency_type=agency_type), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "public/recognized.html",
        {
            "page": page,
            "state": state,
            "agency_type": agency_type,
            "states": pledged_states(),
            "types": AGENCY_TYPES,
            "query_string": _query_string(state, agency_type),
        },
    )


PLEDGED_HEADERS = ("Agency", "State", "Type", "Pledged on", "Deadline")
RECOGNIZED_HEADERS = ("Agency", "State", "Type", "Recognized on")


def pledged_export(request: HttpRequest, fmt: str) -> HttpResponse:
    state, agency_type = _filters(request)
    rows = (
        (p.agency.name, p.agency.state, p.agency.get_agency_type_display(), p.pledged_on, p.deadline)
        for p in pledged_agencies(state=state, agency_type=agency_type).iterator(chunk_size=2000)
    )
    return export_response("pledged-agencies", PLEDGED_HEADERS, rows, fmt)  # type: ignore[return-value]


def recognized_export(request: HttpRequest, fmt: str) -> HttpResponse:
    state, agency_type = _filters(request)
    rows = (
        (a.name, a.state, a.get_agency_type_display(), a.recognized_on)
        for a in recognized_agencies(state=state, agency_type=agency_type).iterator(chunk_size=2000)
    )
    return export_response("recognized-agencies", RECOGNIZED_HEADERS, rows, fmt)  # type: ignore[return-value]


def _query_string(state: str, agency_type: str) -> str:
    parts = [f"state={state}" if state else "", f"type={agency_type}" if agency_type else ""]
    return "&".join(p for p in parts if p)


def agency_public(request: HttpRequest, slug: str) -> HttpResponse:
    pledge = public_pledge(slug)
    if pledge is None:
        raise Http404("This agency has no public page")
    return render(request, "public/agency.html", {"pledge": pledge, "agency": pledge.agency})


def resources(request: HttpRequest) -> HttpResponse:
    return render(request, "public/resources.html", {"resources": Resource.objects.filter(is_published=True)})


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "public/about.html", {"contact": settings.CAMPAIGN_CONTACT_EMAIL})


def methodology(request: HttpRequest) -> HttpResponse:
    """How each public figure is made; how current they are is read from the figures the pages show."""
    return render(
        request,
        "public/methodology.html",
        {
            "freshness": public_figures().freshness,
            "suppress_below": SUPPRESS_BELOW,
            "withheld": WITHHELD,
            "nightly_hour": NIGHTLY_HOUR,
            "time_zone": settings.TIME_ZONE,
            "contact": settings.CAMPAIGN_CONTACT_EMAIL,
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/privacy.html",
        {
            "contact": settings.CAMPAIGN_CONTACT_EMAIL,
            "retention_years": Agency._meta.get_field("personnel_retention_years").default,
            "grant_hours": STAFF_GRANT_HOURS,
        },
    )


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "database unavailable"}, status=503)
