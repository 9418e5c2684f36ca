"""The agency dashboard (C4) and its printable progress report: thin views over selectors.py."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from onemind.compliance.charts import history_svg
from onemind.compliance.pdf import render_progress_pdf
from onemind.compliance.selectors import BadDate, Dashboard, agency_dashboard, parse_as_of
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view


def _dashboard_for(request: AgencyRequest) -> Dashboard | HttpResponse:
    today = timezone.localdate()
    try:
        on = parse_as_of(request.GET.get("on"), today)
    except BadDate as exc:
        context = {"agency": request.access.agency, "message": str(exc), "today": today}
        return render(request, "compliance/bad_date.html", context, status=400)
    # Named people are personnel data: staff without an "open with reason" grant see the figures only.
    show_names = request.access.can(roles.ROSTER_READ)
    return agency_dashboard(request.access.agency, on, today=today, show_names=show_names)


@agency_view(roles.DASHBOARD_READ)
def dashboard(request: AgencyRequest) -> HttpResponse:
    board = _dashboard_for(request)
    if isinstance(board, HttpResponse):
        return board
    context = {"agency": board.agency, "board": board, "chart": history_svg(board.history)}
    return render(request, "compliance/dashboard.html", context)


@agency_view(roles.DASHBOARD_READ)
def report(request: AgencyRequest) -> HttpResponse:
    board = _dashboard_for(request)
    if isinstance(board, HttpResponse):
        return board
    response = HttpResponse(render_progress_pdf(board, generated=timezone.now()), content_type="application/pdf")
    name = f"one-mind-progress-{board.agency.slug}-{board.on.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
