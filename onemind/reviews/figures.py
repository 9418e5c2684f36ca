"""The engine's answer for one agency on one date, with strategies 1-2 read from this project's own records.

Used to freeze a submission's figures and a re-attestation's. Strategies 3-4 keep only numbers: a frozen
submission is read by campaign staff, who see personnel names only through the audited "open with reason" step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from typing import Any

from django_scopes import scope

from onemind.compliance.loader import load_agency
from onemind.engine import AgencyResult, Figure, StrategyResult, evaluate
from onemind.partnerships.selectors import engine_partnerships
from onemind.policies.selectors import engine_policies
from onemind.tenancy.models import Agency

NAMED_ITEMS = (1, 2)  # strategies whose missing items name documents, not people


def agency_result(agency: Agency, on: dt.date) -> AgencyResult:
    with scope(agency=agency):
        data = load_agency(agency, names=False)
    records = replace(
        data.records_on(on),
        partnerships=engine_partnerships([agency.pk], on).get(agency.pk, ()),
        policies=engine_policies([agency.pk], on).get(agency.pk, ()),
    )
    return evaluate(records, on, data.edition, detail=True)


def _figure(figure: Figure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    return {
        "population": figure.population,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "target": figure.target,
        "ever_trained": figure.ever_trained,
        "state": str(figure.state),
    }


def strategy_figures(result: AgencyResult, number: int) -> dict[str, Any]:
    s: StrategyResult = result.strategy(number)
    frozen: dict[str, Any] = {
        "on": result.on.isoformat(),
        "edition": result.edition,
        "strategy": number,
        "state": str(s.state),
        "numerator": s.numerator,
        "denominator": s.denominator,
        "target": s.target,
        "explanation": s.explanation if number in NAMED_ITEMS else _count_only(s),
        "missing_count": len(s.missing),
        "sworn": _figure(s.sworn),
        "designated": _figure(s.designated),
    }
    if number in NAMED_ITEMS:
        frozen["missing"] = [{"name": m.name, "reason": m.reason} for m in s.missing]
    return frozen


def _count_only(s: StrategyResult) -> str:
    if str(s.state) == "not_applicable":
        return "Not applicable: no one in scope."
    return f"{s.numerator} of {s.denominator} in scope; target {s.target}."


def fingerprint(figures: dict[str, Any], evidence: list[dict[str, Any]], attachment: str) -> str:
    """What a reviewer judged, minus the date: equal fingerprints mean nothing changed."""
    body = {k: v for k, v in figures.items() if k != "on"}
    payload = json.dumps([body, evidence, attachment], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()
