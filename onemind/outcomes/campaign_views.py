"""Campaign staff: outcomes across every reporting agency, and the researchers' export (aggregates only)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from onemind.campaign.standings import SIZE_CLASSES
from onemind.lib.spreadsheet import export_response
from onemind.outcomes import campaign
from onemind.outcomes.fields import FIELDS
from onemind.tenancy.access import AuthenticatedRequest, campaign_view
from onemind.tenancy.roles import CAMPAIGN_REVIEW


@campaign_view(CAMPAIGN_REVIEW)
def overview(request: AuthenticatedRequest) -> HttpResponse:
    f = campaign.parse_filters(request.GET, timezone.localdate())
    dimension = request.GET.get("by", "state")
    dimension = dimension if dimension in campaign.DIMENSIONS else "state"
    rows, total = campaign.aggregate(f, dimension)
    return render(
        request,
        "outcomes/campaign.html",
        {
            "filters": f,
            "dimension": dimension,
            "dimensions": campaign.DIMENSIONS.items(),
            "sizes": [(key, label) for key, label, *_rest in SIZE_CLASSES],
            "rows": rows,
            "total": total,
            "fields": FIELDS,
            "methodology": campaign.METHODOLOGY,
            "query": request.GET.urlencode(),
        },
    )


@campaign_view(CAMPAIGN_REVIEW)
def research_export(request: AuthenticatedRequest) -> HttpResponse:
    f = campaign.parse_filters(request.GET, timezone.localdate())
    headers = ["state", "month", "agencies_reporting", *(fl.name for fl in FIELDS)]
    rows = [*campaign.research_rows(f), [], *[["# " + line] for line in campaign.METHODOLOGY.splitlines()]]
    return export_response(  # type: ignore[return-value]
        f"onemind-outcomes-{f.first:%Y-%m}-to-{f.last:%Y-%m}", headers, rows, "csv"
    )
