"""The recognition certificate as a PDF (reportlab), with its verification code and URL."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.urls import reverse
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from onemind.reviews.models import STRATEGIES, Recognition


def verification_url(recognition: Recognition) -> str:
    return settings.SITE_URL + reverse("verify:code", args=[recognition.code])


def render_certificate_pdf(recognition: Recognition) -> bytes:
    agency = recognition.agency
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(letter),
        title=f"One Mind Campaign recognition — {agency.name}",
        author="One Mind Campaign",
        leftMargin=inch,
        rightMargin=inch,
        topMargin=0.8 * inch,
    )
    styles = getSampleStyleSheet()
    rows = [["Strategy", "Verified on"]]
    for number, title in STRATEGIES.items():
        day = recognition.verified.get(str(number))
        rows.append([f"{number}. {title}", dt.date.fromisoformat(day).strftime("%B %-d, %Y") if day else "—"])
    table = Table(rows, colWidths=[4.5 * inch, 2.5 * inch])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, "#1b1b1b"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    url = verification_url(recognition)
    story = [
        Paragraph("One Mind Campaign", styles["Title"]),
        Paragraph("Certificate of recognition", styles["Heading1"]),
        Spacer(1, 0.2 * inch),
        Paragraph(
            f"<b>{_escape(agency.name)}</b>{', ' + _escape(agency.state) if agency.state else ''} has implemented "
            "all four strategies of the One Mind Campaign, verified by the campaign team.",
            styles["BodyText"],
        ),
        Spacer(1, 0.2 * inch),
        table,
        Spacer(1, 0.3 * inch),
        Paragraph(f"Recognized on {recognition.recognized_on:%B %-d, %Y}.", styles["BodyText"]),
        Paragraph(f"Verification code: <b>{recognition.code}</b>", styles["BodyText"]),
        Paragraph(f"Verify this certificate at {_escape(url)}", styles["BodyText"]),
    ]
    doc.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
