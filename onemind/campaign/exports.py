"""Campaign lists that export in the background (exports/registry.py): every agency's stored standing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from onemind.campaign.figures import current_rows, fresh, parse_filters, status_label
from onemind.campaign.standings import SIZE_LABELS
from onemind.exports.registry import Exporter, register
from onemind.lib.agency_types import AGENCY_TYPE_LABELS
from onemind.tenancy.access import campaign_permissions
from onemind.tenancy.roles import CAMPAIGN_REVIEW

STANDINGS = "campaign.standings"
STANDING_HEADERS = (
    "Agency",
    "ORI",
    "State",
    "Agency type",
    "Size class",
    "Sworn",
    "Status",
    "Pledged on",
    "Deadline",
    "Partnership met",
    "Policy met",
    "MHFA met",
    "CIT met",
    "Strategies met",
    "Submitted for review",
    "Recognized",
    "People trained in MHFA",
    "People trained in CIT",
    "Figures as of",
)
_FIELDS = (
    "agency__name",
    "agency__ori",
    "state",
    "agency_type",
    "size_class",
    "sworn",
    "status",
    "pledged_on",
    "deadline",
    "s1_met",
    "s2_met",
    "s3_met",
    "s4_met",
    "strategies_met",
    "submitted",
    "recognized",
    "mhfa_trained",
    "cit_trained",
    "on",
)
_LABELS: dict[int, Any] = {3: AGENCY_TYPE_LABELS, 4: SIZE_LABELS}
STATUS_COLUMN = 6


def _yes(value: Any) -> Any:
    return ("yes" if value else "no") if isinstance(value, bool) else value


def standing_rows(params: dict[str, Any]) -> tuple[int, Iterable[Sequence[Any]]]:
    fresh()
    rows = current_rows(parse_filters(params)).order_by("state", "agency__name")

    def lines() -> Iterable[Sequence[Any]]:
        for values in rows.values_list(*_FIELDS).iterator(chunk_size=2000):
            row = [_yes(_LABELS[i].get(v, v)) if i in _LABELS else _yes(v) for i, v in enumerate(values)]
            row[STATUS_COLUMN] = status_label(row[STATUS_COLUMN])
            yield row

    return rows.count(), lines()


def _staff(user: Any) -> bool:
    return CAMPAIGN_REVIEW in campaign_permissions(user)


register(
    Exporter(
        kind=STANDINGS,
        title="Every pledged agency's standing",
        headers=STANDING_HEADERS,
        rows=standing_rows,
        allowed=_staff,
        file_stem="campaign-standings",
    )
)
