"""The signed pledge as a PDF (reportlab: pure pip install, no system libraries)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from onemind.pledges.models import Pledge


def render_pledge_pdf(pledge: Pledge) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        title=f"One Mind pledge — {pledge.agency.name}",
        author="OneMind",
        leftMargin=inch,
        rightMargin=inch,
    )
    styles = getSampleStyleSheet()
    rows = [
        ["Agency", pledge.agency.name],
        ["ORI", pledge.agency.ori or "—"],
        ["Pledge date", pledge.pledged_on.strftime("%B %-d, %Y")],
        ["Committed months", str(pledge.committed_months)],
        ["Deadline", pledge.deadline.strftime("%B %-d, %Y")],
        ["Rule edition", f"{pledge.edition.code} — {pledge.edition.name}"],
        ["Sworn / non-sworn", f"{pledge.sworn_count} / {pledge.nonsworn_count}"],
        ["Signed by", f"{pledge.head_name}, {pledge.head_title}"],
        ["Recorded by", f"{pledge.signed_by.full_name} <{pledge.signed_by.email}>"],
        ["Recorded at", pledge.signed_at.strftime("%Y-%m-%d %H:%M UTC")],
        ["Record id", f"pledge-{pledge.pk}"],
    ]
    if pledge.supersedes_id:
        rows.append(["Corrects", f"pledge-{pledge.supersedes_id}: {pledge.correction_reason}"])
    table = Table(rows, colWidths=[1.8 * inch, 4.7 * inch])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story = [
        Paragraph("One Mind Campaign pledge", styles["Title"]),
        Paragraph(pledge.consent_text, styles["BodyText"]),
        Spacer(1, 0.3 * inch),
        table,
        Spacer(1, 0.3 * inch),
        Paragraph(f"/s/ {pledge.head_name}", styles["Heading2"]),
        Paragraph(
            "Electronic signature typed by the agency head or their designee with the agency head's consent.",
            styles["Italic"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
