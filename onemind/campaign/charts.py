"""Server-side SVG for the campaign figures: bar charts, a monthly line chart and the US state map.

Like the agency history chart (compliance/charts.py): no JavaScript, every chart has a <title> and a <desc> stating
the figures in words, values are printed as text (bars) or told apart by line pattern and marker shape (lines), and
the page prints the same numbers as a table beside each chart. The map's shading steps also differ in lightness
enough to read in greyscale, states without agencies are hatched, and each state carries its name and value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from django.utils.safestring import SafeString, mark_safe

FONT = '<g font-family="Source Sans Pro, Helvetica, Arial, sans-serif" font-size="13" fill="#1b1b1b">'
MAP_FILE = Path(__file__).resolve().parents[1] / "static" / "maps" / "us-states.json"


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg class="om-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        FONT,
    ]


def bar_chart(rows: Sequence[tuple[str, int]], *, chart_id: str, title: str) -> SafeString:
    """Horizontal bars, each with its label on the left and its value printed at its end."""
    width, label_w, bar_h, gap = 720, 230, 22, 10
    height = max(1, len(rows)) * (bar_h + gap) + gap
    top = max((value for _label, value in rows), default=0) or 1
    desc = "; ".join(f"{label}: {value:,}" for label, value in rows) or "No figures."
    parts = _open(chart_id, width, height, title, desc)
    span = width - label_w - 80
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = span * value / top
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#005ea2"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 16}">{value:,}</text>')
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    colour: str
    dash: str
    marker: str  # circle | square | triangle | diamond


LINES = (
    Line("pledged", "Pledged", "#1b1b1b", "", "circle"),
    Line("in_progress", "In progress", "#005ea2", "8 4", "square"),
    Line("completed", "Completed", "#00a91c", "2 3", "triangle"),
    Line("overdue", "Overdue", "#b50909", "12 4 2 4", "diamond"),
)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    hollow = f'fill="#ffffff" stroke="{colour}" stroke-width="2"'
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" {hollow}/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} L{x - 5:.1f},{y + 4:.1f} Z" fill="{colour}"/>'
    if kind == "diamond":
        points = f"M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y:.1f} L{x:.1f},{y + 5:.1f} L{x - 5:.1f},{y:.1f} Z"
        return f'<path d="{points}" {hollow}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def history_chart(points: Sequence[Mapping[str, Any]], *, chart_id: str = "campaign-history") -> SafeString:
    """Agencies per category at each month-end: four lines, each with its own pattern and marker."""
    width, height, left, right, top_pad, bottom = 720, 300, 56, 16, 16, 70
    n = len(points)
    top = max((max(p[line.key] for line in LINES) for p in points), default=0) or 1
    if n:
        first, last = points[0], points[-1]
        desc = (
            f"From {first['on']:%B %Y} to {last['on']:%B %Y}: "
            + "; ".join(f"{line.label} went from {first[line.key]:,} to {last[line.key]:,}" for line in LINES)
            + "."
        )
    else:
        desc = "No month-end figures are stored yet."
    parts = _open(chart_id, width, height, "Agencies by status at each month-end", desc)

    def x_at(i: int) -> float:
        span = width - left - right
        return left + (span * i / (n - 1) if n > 1 else span / 2)

    def y_at(value: float) -> float:
        return top_pad + (height - top_pad - bottom) * (1 - value / top)

    for k in range(5):
        value = round(top * k / 4)
        y = y_at(value)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dfe1e2"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value:,}</text>')
    step = max(1, (n + 5) // 6)
    for i, point in enumerate(points):
        # Regular ticks, plus the last month; a regular tick too close to the last is dropped so labels never collide.
        if (i % step == 0 and n - 1 - i >= step / 2) or i == n - 1:
            anchor = "end" if i == n - 1 and n > 1 else ("start" if i == 0 else "middle")
            parts.append(
                f'<text x="{x_at(i):.1f}" y="{height - bottom + 18}" text-anchor="{anchor}">{point["on"]:%b %Y}</text>'
            )
    for line in LINES:
        coords = [(x_at(i), y_at(p[line.key])) for i, p in enumerate(points)]
        if len(coords) > 1:
            dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{line.colour}" stroke-width="2.5"{dash}/>')
        every = max(1, len(coords) // 24)
        parts += [
            _marker(line.marker, x, y, line.colour)
            for j, (x, y) in enumerate(coords)
            if j % every == 0 or j == len(coords) - 1
        ]
    legend_y, x = height - 22, left
    for line in LINES:
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        stroke = f'stroke="{line.colour}" stroke-width="2.5"{dash}'
        parts.append(f'<line x1="{x}" x2="{x + 34}" y1="{legend_y}" y2="{legend_y}" {stroke}/>')
        parts.append(_marker(line.marker, x + 17, legend_y, line.colour))
        parts.append(f'<text x="{x + 40}" y="{legend_y + 4}">{escape(line.label)}</text>')
        x += 160
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


# The US map -------------------------------------------------------------------------------------------------------

# Five steps of one blue, light to dark, distinct in greyscale too (USWDS blue-10 … blue-80).
SHADES = ("#d9e8f6", "#aacdec", "#73b3e7", "#2378c3", "#162e51")
NONE_FILL = "url(#om-map-none)"


@cache
def state_shapes() -> dict[str, Any]:
    """The committed outlines (see onemind/static/maps/README.md), read once per process."""
    return dict(json.loads(MAP_FILE.read_text()))


def _steps(values: Sequence[int]) -> list[int]:
    """Upper bounds of up to five shading steps over the non-zero values (equal-count steps, rounded)."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    bounds: list[int] = []
    for k in range(1, len(SHADES) + 1):
        bound = positive[min(len(positive) - 1, round(k * len(positive) / len(SHADES)) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


@dataclass(frozen=True)
class LegendStep:
    low: int
    high: int
    fill: str

    @property
    def label(self) -> str:
        return f"{self.low:,}" if self.low == self.high else f"{self.low:,}–{self.high:,}"


def legend(values: Sequence[int]) -> list[LegendStep]:
    bounds = _steps(values)
    shades = SHADES[len(SHADES) - len(bounds) :] if len(bounds) < len(SHADES) else SHADES
    steps, low = [], 1
    for bound, shade in zip(bounds, shades, strict=True):
        steps.append(LegendStep(low, bound, shade))
        low = bound + 1
    return steps


def _fill(value: int, steps: Sequence[LegendStep]) -> str:
    for step in steps:
        if value <= step.high:
            return step.fill
    return NONE_FILL


def us_map(values: Mapping[str, int], *, figure_label: str, chart_id: str = "us-map") -> SafeString:
    """States shaded by ``values`` (state code → count), with a legend; no value or zero is hatched."""
    shapes = state_shapes()
    steps = legend([values.get(s["code"], 0) for s in shapes["states"]])
    ranked = sorted(((v, code) for code, v in values.items() if v > 0), reverse=True)
    top = ", ".join(f"{code} {v:,}" for v, code in ranked[:5])
    drawn = {s["code"] for s in shapes["states"]}
    none = sum(1 for s in drawn if values.get(s, 0) == 0)
    desc = (
        f"Map of the United States, states shaded by {figure_label.lower()}. "
        + (f"Highest: {top}. " if top else "No state has any. ")
        + f"{none} of {len(drawn)} states and DC have none (hatched). The table below lists every state."
    )
    parts = _open(chart_id, 975, 700, f"{figure_label} by state", desc)
    parts[-1] = parts[-1].replace('font-size="13"', 'font-size="17"')
    parts.append(
        '<defs><pattern id="om-map-none" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#a9aeb1" stroke-width="2"/></pattern></defs>'
    )
    for state in shapes["states"]:
        value = values.get(state["code"], 0)
        fill = _fill(value, steps) if value > 0 else NONE_FILL
        parts.append(
            f'<path d="{state["d"]}" fill="{fill}" stroke="#1b1b1b" stroke-width="0.6">'
            f"<title>{escape(state['name'])}: {value:,}</title></path>"
        )
    x, y = 40, 640
    parts.append(f'<text x="{x}" y="{y - 12}" font-weight="bold">{escape(figure_label)}</text>')
    parts.append(f'<rect x="{x}" y="{y}" width="28" height="18" fill="{NONE_FILL}" stroke="#1b1b1b"/>')
    parts.append(f'<text x="{x + 34}" y="{y + 14}">none</text>')
    x += 100
    for step in steps:
        parts.append(f'<rect x="{x}" y="{y}" width="28" height="18" fill="{step.fill}" stroke="#1b1b1b"/>')
        parts.append(f'<text x="{x + 34}" y="{y + 14}">{escape(step.label)}</text>')
        x += 145
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - names come from the committed file and are escaped
