"""The dashboard's rendered body, cached in two levels so a visit costs one query and no template work.

1. The process's own memory (the ``local`` cache) holds the body under the data stamp's key: the key changes with
   the data, so a kept body is never stale, and a visit pays no round trip to a shared cache for it.
2. ``DashboardPage`` rows share it between web processes and carry the worker's precomputed pages (tasks.py),
   so even a process's first visit to a 36,000-person agency does not recompute the history.

The body is rendered without the request: nothing about the visitor but the two facts in the key (whether names
are shown, whether the visitor is campaign staff) can end up in it. The page around it (navigation, CSRF token,
CSP nonce) is rendered on every request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import timezone

from onemind.compliance.charts import history_svg
from onemind.compliance.models import DashboardPage
from onemind.compliance.selectors import DASHBOARD_CACHE_SECONDS, Dashboard, agency_dashboard, dashboard_key
from onemind.compliance.stamp import dashboard_stamp
from onemind.tenancy.models import Agency

# Shared pages outlive the process cache: the worker refreshes them after every write, and this bound is the
# backstop for bulk writes that skip the DataVersion bump.
SHARED_PAGE_SECONDS = 60 * 60


def render_body(board: Dashboard, *, staff_view: bool) -> str:
    context = {"agency": board.agency, "board": board, "chart": history_svg(board.history), "staff_view": staff_view}
    return render_to_string("compliance/_dashboard_body.html", context)


def dashboard_body(
    agency: Agency,
    on: dt.date,
    *,
    today: dt.date,
    show_names: bool,
    staff_view: bool,
    stamp_row: tuple[Any, ...] | None = None,
) -> str:
    """The rendered body: from the process cache, else a shared page, else computed (and shared).

    ``stamp_row`` is the stamp's columns when the access check already read them (stamp.py)."""
    stamp = f"{today}:{dashboard_stamp(agency, stamp_row)}"  # pages of other days or data go when one is shared
    key = dashboard_key(agency, on, today=today, show_names=show_names, stamp=stamp)
    page_key = f"{key}:page:{int(staff_view)}"
    local = caches["local"]
    html: str | None = local.get(page_key)
    if html is not None:
        return html
    fresh_after = timezone.now() - dt.timedelta(seconds=SHARED_PAGE_SECONDS)
    html = (
        DashboardPage.objects.filter(agency=agency, key=page_key, stored_at__gt=fresh_after)
        .values_list("html", flat=True)
        .first()
    )
    if html is None:
        board = agency_dashboard(agency, on, today=today, show_names=show_names, key=key)
        html = render_body(board, staff_view=staff_view)
        _share(agency, page_key, stamp, html)
    local.set(page_key, html, DASHBOARD_CACHE_SECONDS)
    return html


def _share(agency: Agency, page_key: str, stamp: str, html: str) -> None:
    """Keep only the agency's pages of this day and data (two queries; a lost race only costs a recompute)."""
    DashboardPage.objects.filter(agency=agency).exclude(stamp=stamp).delete()
    DashboardPage.objects.bulk_create(
        [DashboardPage(agency=agency, key=page_key, stamp=stamp, html=html, stored_at=timezone.now())],
        ignore_conflicts=True,
    )


def warm_dashboard(agency: Agency, today: dt.date) -> None:
    """Compute and share today's dashboard in each variant a visitor can get (the worker calls this)."""
    for show_names in (True, False):
        for staff_view in (False, True):
            dashboard_body(agency, today, today=today, show_names=show_names, staff_view=staff_view)
