"""A server-side SVG line chart: no JavaScript, readable without colour (pattern and marker differ per series).

The caller gives the words: a title, a description stating the figures, and the page prints the same numbers as a
table beside the chart. Vertical rules mark dates (a pledge, a deadline) with their own label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 70
PALETTE = (("#005ea2", "", "circle"), ("#8b0a03", "8 5", "square"), ("#1b1b1b", "2 3", "diamond"))


@dataclass(frozen=True)
class Line:
    label: str
    values: Sequence[float | None]


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return (
            f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#ffffff" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    if kind == "diamond":
        points = f"M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f} Z"
        return f'<path d="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    lines: Sequence[Line],
    y_suffix: str = "",
    rules: Sequence[tuple[int, str]] = (),
    y_max: float | None = None,
) -> SafeString:
    n = len(labels)
    top = y_max or max([v for line in lines for v in line.values if v is not None] + [1.0])
    top = _nice(top)

    def x_of(i: int) -> float:
        span = WIDTH - LEFT - RIGHT
        return LEFT + (span * i / (n - 1) if n > 1 else span / 2)

    def y_of(v: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - v / top)

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg class="om-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(description)}</desc>',
        '<g font-family="Source Sans Pro, Helvetica, Arial, sans-serif" font-size="12" fill="#1b1b1b">',
    ]
    for step in range(5):
        value = top * step / 4
        y = y_of(value)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dfe1e2"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value:g}{escape(y_suffix)}</text>')
    every = max(1, (n + 7) // 8)
    for i, label in enumerate(labels):
        # The last label always shows; a regular one too close before it is dropped so the two never overlap.
        if (i % every == 0 and (i == n - 1 or n - 1 - i >= every / 2 + 1)) or i == n - 1:
            anchor = "end" if i == n - 1 and n > 1 else ("start" if i == 0 and n > 1 else "middle")
            parts.append(
                f'<text x="{x_of(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}">{escape(label)}</text>'
            )
    for j, (index, label) in enumerate(rules):
        if 0 <= index < n:
            x = x_of(index)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#1b1b1b" '
                'stroke-dasharray="4 3"/>'
            )
            anchor = "end" if x > WIDTH / 2 else "start"
            dx = -4 if anchor == "end" else 4
            parts.append(
                f'<text x="{x + dx:.1f}" y="{TOP - 8 + 12 * (j % 2)}" text-anchor="{anchor}">{escape(label)}</text>'
            )
    for line, (colour, dash, marker) in zip(lines, PALETTE, strict=False):
        coords = [(x_of(i), y_of(v)) for i, v in enumerate(line.values) if v is not None]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        # A month without a value breaks the line: a gap is never drawn as if it had been measured.
        for run in _runs(line.values):
            if len(run) > 1:
                path = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in run)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dashed}/>')
        mark_every = max(1, len(coords) // 40)
        for k, (x, y) in enumerate(coords):
            if k % mark_every == 0 or k == len(coords) - 1:
                parts.append(_marker(marker, x, y, colour))
    x = LEFT
    for line, (colour, dash, marker) in zip(lines, PALETTE, strict=False):
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        ly = HEIGHT - 22
        parts.append(f'<line x1="{x}" x2="{x + 36}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="2.5"{dashed}/>')
        parts.append(_marker(marker, x + 18, ly, colour))
        parts.append(f'<text x="{x + 44}" y="{ly + 4}">{escape(line.label)}</text>')
        x += 220
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    runs: list[list[tuple[int, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((i, value))
    return [run for run in runs if run]


def _nice(value: float) -> float:
    """A round top for the axis at or above ``value``."""
    for top in (1, 2, 4, 5, 10, 20, 25, 40, 50, 100, 200, 250, 500, 1000):
        if value <= top:
            return float(top)
    magnitude = 10 ** (len(str(int(value))) - 1)
    return float(-(-value // magnitude) * magnitude)
