"""Reads for outcomes pages: a fixed number of queries whatever the number of months or imports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from onemind.lib.dates import add_months
from onemind.outcomes.models import OutcomeImport, OutcomeMonth
from onemind.tenancy.models import Agency


@dataclass
class MonthLine:
    month: dt.date
    row: OutcomeMonth | None

    @property
    def key(self) -> str:
        return self.month.strftime("%Y-%m")


def recent_months(agency: Agency, today: dt.date, count: int = 24) -> list[MonthLine]:
    """The last ``count`` months, newest first, each with its row if one was saved (one query)."""
    first = add_months(today.replace(day=1), -(count - 1))
    rows = {r.month: r for r in OutcomeMonth.objects.filter(agency=agency, month__gte=first)}
    return [MonthLine(m, rows.get(m)) for m in (add_months(first, i) for i in range(count - 1, -1, -1))]


def months_between(agency: Agency, first: dt.date, last: dt.date) -> list[OutcomeMonth]:
    return list(OutcomeMonth.objects.filter(agency=agency, month__gte=first, month__lte=last).order_by("month"))


def month_row(agency: Agency, month: dt.date) -> OutcomeMonth | None:
    return OutcomeMonth.objects.filter(agency=agency, month=month).first()


def imports_for(agency: Agency) -> QuerySet[OutcomeImport]:
    return OutcomeImport.objects.filter(agency=agency).select_related("created_by")
