from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.campaign.models import Announcement
from onemind.campaign.standings import SIZE_CLASSES
from onemind.lib.agency_types import AGENCY_TYPES
from onemind.lib.dates import add_months
from onemind.pledges.models import Pledge
from onemind.tenancy.models import Agency, AgencyClaim, Membership
from onemind.tenancy.roles import Role


def current_announcements() -> QuerySet[Announcement]:
    today = timezone.localdate()
    # Targeted announcements reach their agencies as notifications (campaign.services.send_announcement).
    return (
        Announcement.objects.filter(is_published=True, published_on__lte=today)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .filter(target_states="", target_status="", target_deadline_days__isnull=True)[:5]
    )


# --- The staff's list of every agency ---------------------------------------------------------------------------

STATUSES = [
    ("", "Any status"),
    ("unclaimed", "Nobody administers it"),
    ("claim_pending", "Claim waiting for staff"),
    ("not_pledged", "Administered, not pledged"),
    ("pledged", "Pledged, not recognized"),
]
DEADLINES = [
    ("", "Any deadline"),
    ("passed", "Deadline passed"),
    ("90", "Within 90 days"),
    ("180", "Within 180 days"),
    ("365", "Within a year"),
]
RECOGNITION = [("", "Recognized or not"), ("yes", "Recognized"), ("no", "Not recognized")]


@dataclass(frozen=True)
class AgencyFilters:
    q: str = ""
    us_state: str = ""
    agency_type: str = ""
    size: str = ""
    status: str = ""
    deadline: str = ""
    recognized: str = ""

    @classmethod
    def from_query(cls, query: Any) -> AgencyFilters:
        def get(name: str, limit: int) -> str:
            # NUL cannot be stored or compared by PostgreSQL; no real search contains one.
            return str(query.get(name, "")).replace("\x00", "")[:limit].strip()

        return cls(
            q=get("q", 100),
            us_state=get("us_state", 2).upper(),
            agency_type=get("type", 20),
            size=get("size", 8),
            status=get("status", 20),
            deadline=get("deadline", 6),
            recognized=get("recognized", 3),
        )


def _current_pledges() -> QuerySet[Pledge]:
    with scopes_disabled():
        return Pledge.objects.filter(agency=OuterRef("pk"), superseded_at__isnull=True)


def _deadline_before(limit: dt.date) -> Q:
    """Current pledges whose deadline (pledge date + committed months) falls before ``limit``: exact calendar
    months for each committed length in use, as one condition the database can answer."""
    with scopes_disabled():
        current = Pledge.objects.filter(superseded_at__isnull=True)
        months = sorted(set(current.values_list("committed_months", flat=True)))
    condition = Q(pk__in=[])
    for m in months:
        start = _months_before(limit, m)
        while add_months(start, m) < limit:  # month-end clamping: step to the first date that reaches ``limit``
            start += dt.timedelta(days=1)
        condition |= Q(committed_months=m, pledged_on__lt=start)
    return condition


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def agency_directory(filters: AgencyFilters, today: dt.date | None = None) -> QuerySet[Any]:
    """Every agency with what staff filter on, as one query (plus the paginator's count)."""
    today = today or timezone.localdate()
    pledges = _current_pledges()
    rows: QuerySet[Any] = Agency.objects.annotate(
        pledge_on=Subquery(pledges.values("pledged_on")[:1]),
        pledge_months=Subquery(pledges.values("committed_months")[:1]),
        pledge_edition=Subquery(pledges.values("edition__code")[:1]),
        has_admin=Exists(Membership.objects.filter(agency=OuterRef("pk"), role=Role.AGENCY_ADMIN)),
        claim_pending=Exists(AgencyClaim.objects.filter(agency=OuterRef("pk"), status=AgencyClaim.Status.PENDING)),
        verified_count=Coalesce(
            Subquery(
                _verified_submissions()
                .filter(agency=OuterRef("pk"))
                .order_by()
                .values("agency")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        ),
    ).order_by("name", "pk")
    f = filters
    if f.q:
        ori = "".join(ch for ch in f.q.upper() if ch.isalnum())
        match = Q(name__icontains=f.q)
        if ori and len(ori) <= 9:
            match |= Q(ori__startswith=ori)
        rows = rows.filter(match)
    if len(f.us_state) == 2 and f.us_state.isascii() and f.us_state.isalpha():
        rows = rows.filter(state=f.us_state)
    if f.agency_type in dict(AGENCY_TYPES):
        rows = rows.filter(agency_type=f.agency_type)
    for key, _label, low, high in SIZE_CLASSES:
        if f.size == key:
            rows = rows.filter(sworn_count__gte=low) if high is None else rows.filter(sworn_count__range=(low, high))
    rows = _status_filter(rows, f.status)
    if f.recognized == "yes":
        rows = rows.filter(recognized_on__isnull=False)
    elif f.recognized == "no":
        rows = rows.filter(recognized_on__isnull=True)
    if f.deadline in dict(DEADLINES) and f.deadline:
        limit = today if f.deadline == "passed" else today + dt.timedelta(days=int(f.deadline) + 1)
        rows = rows.filter(Exists(_current_pledges().filter(_deadline_before(limit))))
    return rows


def _verified_submissions() -> QuerySet[Any]:
    from onemind.reviews.models import Submission

    with scopes_disabled():
        return Submission.objects.filter(state="verified")


def _status_filter(rows: QuerySet[Any], status: str) -> QuerySet[Any]:
    has_pledge = Exists(_current_pledges())
    if status == "unclaimed":
        return rows.filter(has_admin=False, claim_pending=False)
    if status == "claim_pending":
        return rows.filter(claim_pending=True)
    if status == "not_pledged":
        return rows.filter(has_admin=True).exclude(has_pledge)
    if status == "pledged":
        return rows.filter(has_pledge, recognized_on__isnull=True)
    return rows


def announcement_audience(announcement: Announcement, today: dt.date | None = None) -> QuerySet[Agency]:
    """The agencies a targeted announcement is for."""
    states = [s.strip().upper() for s in announcement.target_states.split(",") if s.strip()]
    rows: QuerySet[Any] = Agency.objects.all()
    if states:
        rows = rows.filter(state__in=states)
    status = announcement.target_status
    if status == Announcement.Audience.RECOGNIZED:
        rows = rows.filter(recognized_on__isnull=False)
    elif status:
        rows = _status_filter(
            rows.annotate(
                has_admin=Exists(Membership.objects.filter(agency=OuterRef("pk"), role=Role.AGENCY_ADMIN)),
                claim_pending=Exists(
                    AgencyClaim.objects.filter(agency=OuterRef("pk"), status=AgencyClaim.Status.PENDING)
                ),
            ),
            status,
        )
    if announcement.target_deadline_days is not None:
        today = today or timezone.localdate()
        limit = today + dt.timedelta(days=announcement.target_deadline_days + 1)
        rows = rows.filter(Exists(_current_pledges().filter(_deadline_before(limit))))
    return rows.order_by("pk")


TIMELINE_ACTIONS = {
    "agency.claim_filed": "Claim to administer filed",
    "agency.claim_approved": "Claim approved",
    "agency.claim_declined": "Claim declined",
    "agency.dispute_filed": "Administration disputed",
    "agency.dispute_approved": "Dispute approved",
    "agency.administration_transferred": "Administration transferred",
    "pledge.signed": "Pledge signed",
    "pledge.corrected": "Pledge signatory corrected",
    "pledge.terms_changed": "Pledge terms changed by staff",
    "reviews.strategy_submitted": "Strategy submitted",
    "reviews.strategy_returned": "Strategy returned",
    "reviews.strategy_verified": "Strategy verified",
    "reviews.strategy_verified_over_engine": "Strategy verified over the engine's “not met”",
    "reviews.strategy_reopened": "Strategy reopened",
    "reviews.agency_recognized": "Agency recognized",
    "reviews.recognition_revoked": "Recognition revoked",
    "reviews.reattested": "Re-attested",
    "campaign.contact_logged": "Contact logged",
    "campaign.announcement_sent": "Announcement sent",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    label: str
    who: str
    detail: str


def agency_timeline(agency: Agency, limit: int = 100) -> list[TimelineEntry]:
    """What happened to the agency in the campaign, newest first, read from its audit log."""
    from onemind.audit.models import AuditEntry

    entries = AuditEntry.objects.filter(agency=agency, action__in=list(TIMELINE_ACTIONS)).order_by("-at", "-pk")
    result = []
    for e in entries[:limit]:
        detail = e.reason or e.object_repr
        result.append(TimelineEntry(e.at, TIMELINE_ACTIONS[e.action], e.actor_label or "system", detail))
    return result
