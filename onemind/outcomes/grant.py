"""The quarterly figures that federal mental-health collaboration grants ask agencies to report, as CSV and a
one-page PDF: calls, the share handled by a CIT-trained officer, people diverted or referred, arrests, use of force,
partnerships in place and people trained. Built from the monthly figures and the dashboard's own history.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from onemind.compliance.engine import PARTNERSHIP
from onemind.compliance.selectors import agency_dashboard
from onemind.lib.dates import add_months
from onemind.outcomes.models import OutcomeMonth
from onemind.tenancy.models import Agency

QUARTERS = 4
DIVERTED = ("referred", "transported_voluntary", "crisis_line_transfers")
HEADERS = [
    "quarter",
    "months_reported",
    "mental_health_calls",
    "calls_with_cit_officer_on_scene",
    "share_with_cit_officer_percent",
    "diverted_or_referred",
    "arrests",
    "use_of_force_fbi",
    "use_of_force_any",
    "sworn_with_current_mhfa",
    "sworn_with_cit",
]
DEFINITIONS = (
    "Diverted or referred = referred to services + transported voluntarily + transferred to 988 or a crisis line. "
    "Share with a CIT officer = calls with a CIT-trained officer on scene / mental-health calls, over months "
    "reporting both. Training figures are the sworn officers counted by the compliance engine at the quarter's end. "
    "Months not collected and figures not reported are left out, never counted as zero."
)


@dataclass
class Quarter:
    label: str
    cells: list[object]


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def grant_quarters(agency: Agency, today: dt.date) -> tuple[list[Quarter], int | None]:
    """The last four complete quarters, oldest first, and the qualifying partnership agreements in force today."""
    last_start = add_months(_quarter_start(today), -3)
    starts = [add_months(last_start, -3 * i) for i in range(QUARTERS - 1, -1, -1)]
    rows = list(
        OutcomeMonth.objects.filter(
            agency=agency,
            status=OutcomeMonth.Status.COLLECTED,
            month__gte=starts[0],
            month__lt=add_months(last_start, 3),
        )
    )
    board = agency_dashboard(agency, today, today=today, show_names=False)
    history = {p.on.replace(day=1): p for p in board.history}
    quarters = []
    for start in starts:
        inside = [r for r in rows if start <= r.month < add_months(start, 3)]
        calls = sum(r.mh_calls or 0 for r in inside)
        paired = [r for r in inside if r.mh_calls and r.cit_arrived is not None]
        on_scene = sum(r.cit_arrived or 0 for r in paired)
        paired_calls = sum(r.mh_calls or 0 for r in paired)
        share = round(100 * on_scene / paired_calls, 1) if paired_calls else None
        point = history.get(add_months(start, 2))
        quarters.append(
            Quarter(
                f"{start.year} Q{(start.month - 1) // 3 + 1}",
                [
                    len(inside),
                    calls,
                    on_scene if paired else None,
                    share,
                    sum(getattr(r, n) or 0 for r in inside for n in DIVERTED) if inside else None,
                    sum(r.arrest or 0 for r in inside) if inside else None,
                    sum(r.force_fbi or 0 for r in inside) if any(r.force_fbi is not None for r in inside) else None,
                    sum(r.force_any or 0 for r in inside) if any(r.force_any is not None for r in inside) else None,
                    point.mhfa.numerator if point else None,
                    point.cit.numerator if point else None,
                ],
            )
        )
    return quarters, board.result.strategy(PARTNERSHIP).numerator


def grant_pdf(agency: Agency, quarters: list[Quarter], partnerships: int | None, generated: dt.datetime) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(letter),
        title=f"Quarterly outcomes — {agency.name}",
        author="OneMind",
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.6 * inch,
        pageCompression=0,  # one small page: left readable, so its text can be checked
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    header = [Paragraph(escape(h.replace("_", " ")), small) for h in HEADERS]
    body = [[q.label, *("—" if c is None else str(c) for c in q.cells)] for q in quarters]
    table = Table([header, *body], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe1e2")),
                ("FONTSIZE", (0, 1), (-1, -1), 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story = [
        Paragraph(f"Quarterly crisis-response outcomes: {escape(agency.name)}", styles["Title"]),
        Paragraph(
            f"{escape(agency.state)} · generated {generated:%Y-%m-%d} · qualifying partnership agreements in force "
            f"today: {partnerships if partnerships is not None else 'not known'}",
            styles["BodyText"],
        ),
        Spacer(1, 0.2 * inch),
        table,
        Spacer(1, 0.2 * inch),
        Paragraph(escape(DEFINITIONS), small),
    ]
    doc.build(story)
    return buffer.getvalue()
