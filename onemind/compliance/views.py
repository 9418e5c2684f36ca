"""The agency dashboard (C4) and its printable progress report: thin views over selectors.py and pages.py."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from onemind.compliance.pages import dashboard_body
from onemind.compliance.pdf import render_progress_pdf
from onemind.compliance.selectors import BadDate, agency_dashboard, parse_as_of
from onemind.lib.downloads import as_download
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view


def _as_of(request: AgencyRequest, today: dt.date) -> dt.date | HttpResponse:
    try:
        return parse_as_of(request.GET.get("on"), today)
    except BadDate as exc:
        context = {"agency": request.access.agency, "message": str(exc), "today": today}
        return render(request, "compliance/bad_date.html", context, status=400)


def _show_names(request: AgencyRequest) -> bool:
    # Named people are personnel data: staff without an "open with reason" grant see the figures only.
    return request.access.sees_personnel


@agency_view(roles.DASHBOARD_READ)
def dashboard(request: AgencyRequest) -> HttpResponse:
    today = timezone.localdate()
    on = _as_of(request, today)
    if isinstance(on, HttpResponse):
        return on
    access = request.access
    body = dashboard_body(
        access.agency, on, today=today, show_names=_show_names(request), staff_view=access.is_staff_view
    )
    # The body was rendered from escaped template output only (pages.render_body), never from request data.
    context = {"agency": access.agency, "body": mark_safe(body)}  # noqa: S308
    return render(request, "compliance/dashboard.html", context)


@agency_view(roles.DASHBOARD_READ)
def report(request: AgencyRequest) -> HttpResponse:
    today = timezone.localdate()
    on = _as_of(request, today)
    if isinstance(on, HttpResponse):
        return on
    board = agency_dashboard(request.access.agency, on, today=today, show_names=_show_names(request))
    response = HttpResponse(render_progress_pdf(board, generated=timezone.now()), content_type="application/pdf")
    name = f"one-mind-progress-{board.agency.slug}-{board.on.isoformat()}.pdf"
    return as_download(response, name)
