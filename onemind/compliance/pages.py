"""The dashboard's rendered body, kept under the agency's version so a repeated visit skips the computation.

This is the one cache of the agency pages. Its key holds ``tenancy.changes.agency_version``, which every write that
can change the agency's figures bumps in its own transaction (see that module), plus everything else the body
depends on: the date shown, today (strategies 1 and 2 are judged by what is in force today), whether names are
shown and whether the visitor is campaign staff. The version is read before the records, so a body is never older
than its key says. No expiry is needed for correctness; it only bounds memory.

The body is rendered without the request: nothing about the visitor but the two facts in the key can end up in it.
The page around it (navigation, CSRF token, CSP nonce) is rendered on every request.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.template.loader import render_to_string

from onemind.compliance.charts import history_svg
from onemind.compliance.selectors import Dashboard, agency_dashboard
from onemind.tenancy.changes import agency_version
from onemind.tenancy.models import Agency

# Bump when the rendered body's template or shape changes, so bodies of an older release are never read back.
GENERATION = "v3"
KEEP_SECONDS = 24 * 60 * 60


def render_body(board: Dashboard, *, staff_view: bool) -> str:
    context = {
        "agency": board.agency,
        "board": board,
        "chart": history_svg(board.history, board.edition),
        "staff_view": staff_view,
    }
    return render_to_string("compliance/_dashboard_body.html", context)


def body_key(agency: Agency, on: dt.date, *, today: dt.date, show_names: bool, staff_view: bool) -> str:
    version = agency_version(agency)
    return f"onemind:dashboard:{GENERATION}:{agency.pk}:{version}:{on}:{today}:{int(show_names)}:{int(staff_view)}"


def dashboard_body(agency: Agency, on: dt.date, *, today: dt.date, show_names: bool, staff_view: bool) -> str:
    """The rendered body: kept under the agency's current version, else computed now (and kept)."""
    key = body_key(agency, on, today=today, show_names=show_names, staff_view=staff_view)
    html: str | None = cache.get(key)
    if html is None:
        board = agency_dashboard(agency, on, today=today, show_names=show_names)
        html = render_body(board, staff_view=staff_view)
        cache.set(key, html, KEEP_SECONDS)
    return html
