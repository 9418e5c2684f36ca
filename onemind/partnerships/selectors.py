"""Reads of partnerships: the engine's strategy-1 inputs for many agencies, and the sustainability score."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django_scopes import scopes_disabled

from onemind import engine
from onemind.partnerships.models import JointActivity, Partnership, recent_activity_cutoff


def engine_partnerships(agency_ids: list[int], on: dt.date) -> dict[int, tuple[engine.Partnership, ...]]:
    """Every agreement of the given agencies as the engine's input, in one query.

    ``on`` is accepted for symmetry with the loader: the engine itself judges effective and end dates on D,
    so agreements entered but not yet effective are passed through and reported as such.
    """
    del on
    found: dict[int, list[engine.Partnership]] = defaultdict(list)
    with scopes_disabled():
        rows = (
            Partnership.objects.filter(agency_id__in=list(agency_ids))
            .order_by("agency_id", "effective_on", "pk")
            .values_list(
                "agency_id",
                "organization__name",
                "organization__kind",
                "effective_on",
                "ends_on",
                "agency_signed_on",
                "partner_signed_on",
                "agency_liaison_name",
                "partner_liaison_name",
                "document",
                "countersigned_document",
                "partner_status",
            )
        )
        for agency_id, name, kind, effective, ends, a_signed, p_signed, a_liaison, p_liaison, doc, counter, st in rows:
            found[agency_id].append(
                engine.Partnership(
                    partner_name=name,
                    partner_kind=kind,
                    effective_on=effective,
                    ends_on=ends,
                    signed_by_agency=a_signed is not None,
                    signed_by_partner=p_signed is not None,
                    agency_liaison=a_liaison,
                    partner_liaison=p_liaison,
                    has_document=bool(doc or counter),
                    disputed=st == Partnership.PartnerStatus.DISPUTED,
                )
            )
    return {agency_id: tuple(items) for agency_id, items in found.items()}


@dataclass(frozen=True)
class Sustainability:
    items: tuple[tuple[str, bool], ...]

    @property
    def score(self) -> int:
        return sum(1 for _, done in self.items if done)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def pct_class(self) -> str:
        pct = round(100 * self.score / self.total / 5) * 5 if self.total else 0
        return f"om-pct-{pct}"


def sustainability(partnership: Partnership, last_activity: dt.date | None, on: dt.date) -> Sustainability:
    recent = last_activity is not None and last_activity >= recent_activity_cutoff(on)
    return Sustainability(
        items=(
            ("Information-sharing agreement", partnership.info_sharing_agreement),
            ("Meeting cadence agreed", bool(partnership.meeting_cadence)),
            ("Joint training", partnership.joint_training),
            ("Response model (CIT / co-responder / mobile crisis)", bool(partnership.response_model)),
            ("Designated receiving facility", partnership.designated_receiving_facility),
            ("Last joint activity within 6 months", recent),
        )
    )


def partnership_list(agency: Any) -> list[tuple[Partnership, dt.date | None]]:
    """The agency's agreements with the date of each one's last joint activity (two queries)."""
    partnerships = list(Partnership.objects.filter(agency=agency).select_related("organization"))
    last = dict(
        JointActivity.objects.filter(agency=agency)
        .values("partnership_id")
        .annotate(last=Max("occurred_on"))
        .values_list("partnership_id", "last")
    )
    return [(p, last.get(p.pk)) for p in partnerships]


def last_activity_on(partnership: Partnership) -> dt.date | None:
    return partnership.activities.aggregate(last=Max("occurred_on"))["last"]


def liaison_partnerships(user: Any, agency: Any) -> Any:
    """The partnerships a partner-liaison account is bound to in this agency: by account, never by e-mail address
    (an invitation binds the account that accepted its token; see services.bind_liaison_links)."""
    return Partnership.objects.filter(liaison_links__user=user, agency=agency).distinct()
