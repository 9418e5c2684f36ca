"""Server-side SVG for the history chart: no JavaScript, readable without colour.

Each series differs by line pattern (solid / dashed) and marker shape (circle / square) as well as colour; the
chart carries a <title> and a <desc> that states the figures in words, and the page prints the same numbers as a
table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from onemind.compliance.engine import Edition
from onemind.compliance.history import HistoryPoint

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 64


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str
    dash: str  # SVG stroke-dasharray; "" = solid
    marker: str  # "circle" | "square"


SERIES = (
    Series("mhfa", "MHFA (strategy 3), % of sworn", "#005ea2", "", "circle"),
    Series("cit", "CIT (strategy 4), % of sworn", "#8b0a03", "8 5", "square"),
)


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * i / (n - 1) if n > 1 else span / 2)


def _y(percent: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return (
            f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#ffffff" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def describe(points: Sequence[HistoryPoint], edition: Edition) -> str:
    """The chart in words; the targets are the edition's."""
    if not points:
        return "No history: the agency has not pledged."
    first, last = points[0], points[-1]

    def pct(value: int | None) -> str:
        return "not applicable" if value is None else f"{value}%"

    return (
        f"From {first.on:%B %Y} to {last.on:%B %-d, %Y}: MHFA coverage of sworn officers went from "
        f"{pct(first.mhfa.percent)} to {pct(last.mhfa.percent)} (target {edition.s3_target_percent}%); CIT coverage "
        f"went from {pct(first.cit.percent)} to {pct(last.cit.percent)} (target {edition.s4_target_percent}%, "
        f"{last.cit.target} people)."
    )


def history_svg(points: Sequence[HistoryPoint], edition: Edition, chart_id: str = "history") -> SafeString:
    n = len(points)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg class="om-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">Training coverage month by month</title>',
        f'<desc id="{desc_id}">{escape(describe(points, edition))}</desc>',
        '<g font-family="Source Sans Pro, Helvetica, Arial, sans-serif" font-size="12" fill="#1b1b1b">',
    ]
    for tick in (0, 20, 40, 60, 80, 100):
        y = _y(tick)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dfe1e2"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}%</text>')
    # The CIT target: a dotted rule with its own words, not a colour.
    target = edition.s4_target_percent
    y_target = _y(target)
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y_target:.1f}" y2="{y_target:.1f}" '
        'stroke="#1b1b1b" stroke-dasharray="2 3"/>'
    )
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{y_target - 4:.1f}" text-anchor="end">CIT target {target}%</text>')
    step = max(1, (n + 7) // 8)
    for i, point in enumerate(points):
        if i % step == 0 or i == n - 1:
            x = _x(i, n)
            anchor = "end" if i == n - 1 and n > 1 else ("start" if i == 0 and n > 1 else "middle")
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}">{point.on:%b %Y}</text>')
    for series in SERIES:
        coords = []
        for i, point in enumerate(points):
            value = getattr(point, series.key).percent
            if value is not None:
                coords.append((_x(i, n), _y(value)))
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            dash = f' stroke-dasharray="{series.dash}"' if series.dash else ""
            parts.append(f'<polyline points="{path}" fill="none" stroke="{series.colour}" stroke-width="2.5"{dash}/>')
        # Markers on at most ~40 points keep long histories legible.
        mark_step = max(1, len(coords) // 40)
        for j, (x, y) in enumerate(coords):
            if j % mark_step == 0 or j == len(coords) - 1:
                parts.append(_marker(series.marker, x, y, series.colour))
    legend_y = HEIGHT - 18
    x = LEFT
    for series in SERIES:
        dash = f' stroke-dasharray="{series.dash}"' if series.dash else ""
        parts.append(
            f'<line x1="{x}" x2="{x + 36}" y1="{legend_y}" y2="{legend_y}" stroke="{series.colour}" '
            f'stroke-width="2.5"{dash}/>'
        )
        parts.append(_marker(series.marker, x + 18, legend_y, series.colour))
        parts.append(f'<text x="{x + 44}" y="{legend_y + 4}">{escape(series.label)}</text>')
        x += 300
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
