"""The progress report for the chief or city council (reportlab: pip only, no system libraries).

Built from the same ``Dashboard`` the page renders, so the figures cannot disagree. Names are printed only when
the dashboard carries them (roster access); the report otherwise gives counts.
"""

from __future__ import annotations

import datetime as dt
import io

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from onemind.compliance.charts import describe
from onemind.compliance.history import HistoryPoint
from onemind.compliance.selectors import Dashboard, PeopleGroup

MAX_NAMES_IN_PDF = 30
HISTORY_ROWS = 24


def render_progress_pdf(board: Dashboard, *, generated: dt.datetime, compress: bool | None = None) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        title=f"One Mind progress report — {board.agency.name}",
        author="OneMind",
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
        pageCompression=compress,
    )
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["Italic"]
    result = board.result
    story: list = [
        Paragraph(f"One Mind Campaign progress report: {_esc(board.agency.name)}", styles["Title"]),
        Paragraph(f"As of {board.on:%B %-d, %Y} · rule edition {result.edition}", body),
        Paragraph(f"Status: <b>{board.status_label}</b>. {_esc(result.status_reason)}", body),
        Paragraph(
            f"Deadline: {result.deadline:%B %-d, %Y} · time left: {board.time_left}"
            if result.deadline
            else "No pledge.",
            body,
        ),
        Spacer(1, 0.15 * inch),
        _strategy_table(board),
        Spacer(1, 0.15 * inch),
        Paragraph("What's left", styles["Heading2"]),
    ]
    for panel in board.panels:
        for line in panel.left:
            story.append(Paragraph(f"Strategy {panel.number}: {_esc(line)}", body))
        for group in panel.groups:
            story.append(Paragraph(_group_text(group, board.show_names), body))
        if panel.note:
            story.append(Paragraph(_esc(panel.note), small))
    for group in board.lists:
        story.append(Paragraph(_group_text(group, board.show_names), body))
    if board.history and board.pledged_on:
        story += [
            Paragraph("History since the pledge", styles["Heading2"]),
            _chart(board.history),
            Paragraph(_esc(describe(board.history, board.edition)), small),
            Spacer(1, 0.1 * inch),
            _history_table(board.history[-HISTORY_ROWS:]),
        ]
    story.append(Spacer(1, 0.2 * inch))
    story.append(Paragraph(f"Generated {generated:%Y-%m-%d %H:%M %Z} by OneMind.", small))
    doc.build(story)
    return buffer.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def figure_text(board: Dashboard, number: int) -> str:
    """The one line of numbers per strategy the page shows too (the test compares them)."""
    s = board.result.strategy(number)
    if number in (1, 2):
        return f"{s.numerator} of {s.denominator}"
    return f"{s.numerator} of {s.denominator}, target {s.target}"


def _strategy_table(board: Dashboard) -> Table:
    rows = [["Strategy", "State", "Figures"]]
    for panel in board.panels:
        rows.append(
            [
                Paragraph(f"{panel.number}. {_esc(panel.title)}"),
                panel.state_label,
                Paragraph(figure_text(board, panel.number)),
            ]
        )
    table = Table(rows, colWidths=[3.4 * inch, 1.1 * inch, 2.3 * inch])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _group_text(group: PeopleGroup, names: bool) -> str:
    text = f"{_esc(group.label)}: {group.count}"
    if names and group.count:
        shown = ", ".join(_esc(p.name) for p in group.people[:MAX_NAMES_IN_PDF])
        more = group.count - min(len(group.people), MAX_NAMES_IN_PDF)
        text += f" — {shown}" + (f" and {more} more" if more else "")
    return text


def _chart(points: list[HistoryPoint]) -> Drawing:
    drawing = Drawing(6.8 * inch, 2.4 * inch)
    plot = LinePlot()
    plot.x, plot.y = 40, 30
    plot.width, plot.height = 6.8 * inch - 60, 2.4 * inch - 50
    mhfa = [(i, p.mhfa.percent) for i, p in enumerate(points) if p.mhfa.percent is not None]
    cit = [(i, p.cit.percent) for i, p in enumerate(points) if p.cit.percent is not None]
    plot.data = [mhfa or [(0, 0)], cit or [(0, 0)]]
    plot.lines[0].strokeColor = colors.HexColor("#005ea2")
    plot.lines[0].symbol = makeMarker("FilledCircle")
    plot.lines[1].strokeColor = colors.HexColor("#8b0a03")
    plot.lines[1].strokeDashArray = [6, 3]
    plot.lines[1].symbol = makeMarker("Square")
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 100, 20
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, max(1, len(points) - 1)
    step = max(1, len(points) // 6)
    plot.xValueAxis.valueSteps = list(range(0, len(points), step))
    plot.xValueAxis.labelTextFormat = lambda i: points[int(i)].on.strftime("%b %Y") if 0 <= i < len(points) else ""
    drawing.add(plot)
    drawing.add(String(40, 4, "Solid, circles: MHFA % of sworn.  Dashed, squares: CIT % of sworn.", fontSize=8))
    return drawing


def _history_table(points: list[HistoryPoint]) -> Table:
    rows = [["Date", "Status", "MHFA", "CIT (target)"]]
    for p in points:
        rows.append(
            [
                p.on.isoformat(),
                str(p.status).replace("_", " "),
                f"{p.mhfa.numerator} / {p.mhfa.denominator}",
                f"{p.cit.numerator} / {p.cit.denominator} ({p.cit.target})",
            ]
        )
    table = Table(rows, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    return table
