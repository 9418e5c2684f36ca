from __future__ import annotations

import datetime as dt
from typing import Any

from django_scopes import scopes_disabled

from onemind.outcomes.models import OutcomeMonth


def make_month(agency: Any, month: dt.date, **values: Any) -> OutcomeMonth:
    with scopes_disabled():
        return OutcomeMonth.objects.create(agency=agency, month=month.replace(day=1), **values)
