"""The campaign dashboard (C9) for staff: stored figures, composable filters in the URL, CSV/XLSX of every table."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onemind.campaign import charts, figures, standings
from onemind.campaign.exports import STANDINGS
from onemind.campaign.figures import BadFilter, parse_filters
from onemind.campaign.tables import COUNT_KEYS, TABLES, Table, dashboard_figures
from onemind.exports.services import start_export
from onemind.lib.agency_types import AGENCY_TYPES
from onemind.lib.ori import STATE_CODES
from onemind.lib.spreadsheet import export_response
from onemind.tenancy.access import AuthenticatedRequest, campaign_view
from onemind.tenancy.roles import CAMPAIGN_REVIEW


def bad_filter(request: HttpRequest, error: BadFilter) -> HttpResponse:
    """A filter value nobody offered (a hand-edited or stale link): say which, and how to go on. Never a 500."""
    return render(request, "campaign/bad_filter.html", {"error": str(error)}, status=400)


@campaign_view(CAMPAIGN_REVIEW)
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    try:
        filters = parse_filters(request.GET)
    except BadFilter as error:
        return bad_filter(request, error)
    today = timezone.localdate()
    board, freshness = dashboard_figures(filters, today)
    totals, tables = board.totals, board.tables
    context: dict[str, Any] = {"totals": totals, "tables": tables}
    state_values = {row[0]: row[2 + _figure_column(filters.figure)] for row in tables["states"].rows}
    figure_label = figures.MAP_FIGURES[filters.figure]
    history_rows = _history_points(tables["history"])
    context.update(
        {
            "filters": filters,
            "query": filters.query(),
            "today": today,
            "figure_label": figure_label,
            "map_svg": charts.us_map(state_values, figure_label=figure_label),
            "history_svg": charts.history_chart(history_rows),
            "funnel_svg": charts.bar_chart(totals.funnel, chart_id="funnel", title="Strategy funnel"),
            "sizes_svg": charts.bar_chart(
                [(row[0], row[1]) for row in tables["sizes"].rows], chart_id="sizes", title="Pledged agencies by size"
            ),
            "category_cards": [
                (label, totals[key], filters.query(category="" if key == "pledged" else key))
                for key, label, _q in figures.CATEGORIES
            ],
            "people_cards": [(key, label, totals[key]) for key, label in figures.PEOPLE],
            "freshness": freshness,
            "pending": figures.pending_refresh(),
            "choices": {
                "states": sorted(STATE_CODES.items()),
                "types": AGENCY_TYPES,
                "sizes": [(key, label) for key, label, *_rest in standings.SIZE_CLASSES],
                "categories": [(key, label) for key, label, _q in figures.CATEGORIES],
                "figures": list(figures.MAP_FIGURES.items()),
                "months": figures.HISTORY_CHOICES,
            },
        }
    )
    return render(request, "campaign/dashboard.html", context)


def _figure_column(figure: str) -> int:
    return COUNT_KEYS.index(figure)


def _history_points(table: Table) -> list[dict[str, Any]]:
    return [{"on": row[0], **dict(zip(COUNT_KEYS, row[1:], strict=True))} for row in table.rows]


@campaign_view(CAMPAIGN_REVIEW)
def export_table(request: AuthenticatedRequest, table: str, fmt: str) -> HttpResponse:
    try:
        filters = parse_filters(request.GET)
    except BadFilter as error:
        return bad_filter(request, error)
    figures.fresh()
    built = TABLES[table](filters, timezone.localdate())
    name = f"campaign-{table}-{timezone.localdate():%Y-%m-%d}"
    return export_response(name, built.headers, built.rows, fmt)  # type: ignore[return-value]


@campaign_view(CAMPAIGN_REVIEW)
@require_POST
def refresh(request: AuthenticatedRequest) -> HttpResponse:
    if figures.pending_refresh() is None:
        standings.request_refresh(actor=request.user)
        messages.info(request, "The figures are being refreshed by the background worker; reload in a minute.")
    else:
        messages.info(request, "A refresh is already under way.")
    return redirect("campaign:dashboard")


@campaign_view(CAMPAIGN_REVIEW)
@require_POST
def export_standings(request: AuthenticatedRequest) -> HttpResponse:
    try:
        filters = parse_filters(request.POST)
    except BadFilter as error:
        return bad_filter(request, error)
    fmt = request.POST.get("fmt", "")
    if fmt not in ("csv", "xlsx"):
        return bad_filter(request, BadFilter("Choose CSV or XLSX for the export."))
    chosen = {"state": filters.state, "type": filters.agency_type, "size": filters.size, "category": filters.category}
    params = {k: v for k, v in chosen.items() if v}
    job = start_export(actor=request.user, kind=STANDINGS, params=params, fmt=fmt)
    return redirect("exports:detail", job_id=job.public_id)
