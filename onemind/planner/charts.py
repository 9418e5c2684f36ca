"""The planner's chart and table: projected MHFA and CIT coverage against their targets, month by month."""

from __future__ import annotations

from django.utils.safestring import SafeString

from onemind.lib.linechart import Line, line_chart
from onemind.planner.projection import CIT_40, MHFA_PS, MHFA_RECERT, Projection
from onemind.planner.selectors import whole


def _percent(count: object, total: object) -> float | None:
    return None if not total else round(float(count) / float(total) * 100, 1)  # type: ignore[arg-type]


def projection_chart(plan: Projection) -> SafeString:
    months = plan.months
    labels = [m.month.strftime("%b %Y") for m in months]
    mhfa = [_percent(m.mhfa, m.sworn) for m in months]
    cit = [_percent(m.cit, m.sworn) for m in months]
    rules = [(plan.deadline_index - 1, f"Deadline {plan.start.deadline:%b %Y}")] if plan.deadline_index >= 1 else []
    last = months[-1] if months else None
    description = (
        f"Projected from {labels[0]} to {labels[-1]}: MHFA coverage of sworn officers ends at "
        f"{mhfa[-1]}% (target {plan.start.mhfa_percent}%), CIT at {cit[-1]}% (target {plan.start.cit_percent}%)."
        if last
        else "Nothing to project."
    )
    return line_chart(
        chart_id="projection",
        title="Projected training coverage month by month",
        description=description,
        labels=labels,
        lines=[Line("MHFA, % of sworn", mhfa), Line("CIT, % of sworn", cit)],
        y_suffix="%",
        y_max=100,
        rules=rules,
    )


def projection_rows(plan: Projection) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for m in plan.months:
        rows.append(
            (
                m.month.strftime("%b %Y"),
                whole(m.sworn),
                f"{whole(m.mhfa)} / {whole(m.mhfa_target)}" + (" met" if m.mhfa_met else ""),
                f"{whole(m.cit)} / {whole(m.cit_target)}" + (" met" if m.cit_met else ""),
                whole(m.trained[MHFA_PS]),
                whole(m.trained[MHFA_RECERT]),
                whole(m.lapsed),
                whole(m.trained[CIT_40]),
            )
        )
    return rows
