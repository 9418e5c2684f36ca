"""The campaign dashboard's tables: the page prints them and the CSV/XLSX downloads write the same rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from onemind.campaign import figures
from onemind.campaign.figures import CATEGORIES, PEOPLE, Filters, status_label

COUNT_HEADERS = [label for _key, label, _q in CATEGORIES] + [label for _key, label in PEOPLE]
COUNT_KEYS = [key for key, _label, _q in CATEGORIES] + [key for key, _label in PEOPLE]


def _cell(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]

    def body_html(self) -> SafeString:
        """The <tbody> rows, built in Python: template loops over ~1,000 cells cost ~30 ms a page."""
        if not self.rows:
            return format_html('<tr><td colspan="{}">No figures for these filters yet.</td></tr>', len(self.headers))
        lines = []
        for row in self.rows:
            head = format_html('<th scope="row" class="text-no-wrap">{}</th>', _cell(row[0]))
            cells = format_html_join("", "<td>{}</td>", ((_cell(v),) for v in row[1:]))
            lines.append(format_html("<tr>{}{}</tr>", head, cells))
        return mark_safe("".join(lines))  # noqa: S308 - every part is built by format_html above


def _counts(row: dict[str, Any]) -> list[int]:
    return [row[key] for key in COUNT_KEYS]


def history_table(filters: Filters, today: dt.date) -> Table:
    rows = [[row["on"], *_counts(row)] for row in figures.history(filters, today=today)]
    return Table("history", "Agencies and people trained at each month-end", ["Month-end", *COUNT_HEADERS], rows)


def states_table(filters: Filters, today: dt.date) -> Table:
    return _states(figures.by_state(filters))


def types_table(filters: Filters, today: dt.date) -> Table:
    return _types(figures.by_type(filters))


def sizes_table(filters: Filters, today: dt.date) -> Table:
    return _sizes(figures.by_size(filters))


def _states(rows: list[dict[str, Any]]) -> Table:
    rows_out = [[row["state"] or "—", row["label"], *_counts(row)] for row in rows]
    return Table("states", "By state", ["Code", "State", *COUNT_HEADERS], rows_out)


def _types(rows: list[dict[str, Any]]) -> Table:
    rows_out = [[row["label"], *_counts(row)] for row in rows]
    return Table("types", "By agency type", ["Agency type", *COUNT_HEADERS], rows_out)


def _sizes(rows: list[dict[str, Any]]) -> Table:
    rows_out = [[row["label"], *_counts(row)] for row in rows]
    return Table("sizes", "By size (sworn officers)", ["Size class", *COUNT_HEADERS], rows_out)


def funnel_table(filters: Filters, today: dt.date) -> Table:
    totals = figures.totals(filters, today=today)
    return funnel_from(totals)


def funnel_from(totals: figures.Totals) -> Table:
    pledged = totals["pledged"] or 1
    rows = [[label, value, round(100 * value / pledged)] for label, value in totals.funnel]
    rows += [[f"Strategy met: {name}", value, round(100 * value / pledged)] for name, value in totals.strategies]
    return Table("funnel", "Strategy funnel", ["Stage", "Agencies", "% of pledged"], rows)


def deadlines_table(filters: Filters, today: dt.date) -> Table:
    rows = [
        [row.name, row.state, row.deadline, status_label(row.status), row.strategies_met]
        for row in figures.upcoming_deadlines(filters, today=today)
    ]
    caption = f"Deadlines in the next {figures.DEADLINE_DAYS} days (agencies not yet completed)"
    return Table("deadlines", caption, ["Agency", "State", "Deadline", "Status", "Strategies met"], rows)


TABLES: dict[str, Callable[[Filters, dt.date], Table]] = {
    "history": history_table,
    "states": states_table,
    "types": types_table,
    "sizes": sizes_table,
    "funnel": funnel_table,
    "deadlines": deadlines_table,
}


@dataclass(frozen=True)
class DashboardFigures:
    totals: figures.Totals
    tables: dict[str, Table]


def dashboard_figures(filters: Filters, today: dt.date) -> tuple[DashboardFigures, figures.Freshness]:
    """Every number on the dashboard for ``filters``: three queries (the "now" groups, the history, the
    deadlines) once the stored figures are current."""
    freshness = figures.fresh(today)
    now = figures.current_figures(filters, today=today)
    tables = {
        "history": history_table(filters, today),
        "states": _states(now.states),
        "types": _types(now.types),
        "sizes": _sizes(now.sizes),
        "funnel": funnel_from(now.totals),
        "deadlines": deadlines_table(filters, today),
    }
    return DashboardFigures(now.totals, {key: tables[key] for key in TABLES}), freshness
