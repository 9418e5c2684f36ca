"""Demo course sessions: one provider organization and upcoming sessions in every demo state.

Called after ``seed_demo`` (it needs the demo agencies and the provider login). Demo agencies get approximate
coordinates near a real ZIP centroid of their state when they have none, so "near my agency" works in the demo.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.accounts.models import User
from onemind.courses import services
from onemind.courses.models import CourseProvider
from onemind.tenancy.models import Agency, Membership
from onemind.training.models import CourseType

PROVIDER_NAME = "Regional Crisis Training Collaborative"
DEMO_DOMAIN = "demo.onemind.test"
# A representative ZIP per demo state and its zone (the ZIP gives the coordinates offline).
STATE_PLACES = {
    "IL": ("62701", "Springfield", "America/Chicago"),
    "OH": ("43215", "Columbus", "America/New_York"),
    "TX": ("78701", "Austin", "America/Chicago"),
    "GA": ("30303", "Atlanta", "America/New_York"),
    "WA": ("98501", "Olympia", "America/Los_Angeles"),
    "NJ": ("08608", "Trenton", "America/New_York"),
    "CO": ("80202", "Denver", "America/Denver"),
    "NC": ("27601", "Raleigh", "America/New_York"),
    "VA": ("23219", "Richmond", "America/New_York"),
    "AZ": ("85003", "Phoenix", "America/Phoenix"),
}


def seed_courses(*, seed: int = 7) -> CourseProvider | None:
    """Create the demo provider and its sessions once; running it again changes nothing."""
    from onemind.courses.geo import locate

    with scopes_disabled(), transaction.atomic():
        if CourseProvider.objects.filter(name=PROVIDER_NAME).exists():
            return None
        rng = random.Random(seed)  # noqa: S311 - demo data, not security
        user = User.objects.filter(email=f"provider@{DEMO_DOMAIN}").first()
        actor = user or User.objects.filter(is_campaign_staff=True).first()
        provider = services.create_provider(
            actor=actor, name=PROVIDER_NAME, members=[user] if user else [], contact_email=f"courses@{DEMO_DOMAIN}"
        )
        points = {state: locate(place[0]) for state, place in STATE_PLACES.items()}
        for agency in Agency.objects.filter(latitude__isnull=True, state__in=list(STATE_PLACES)):
            point = points[agency.state]
            if point is not None:
                agency.latitude = round(point.latitude + rng.uniform(-0.6, 0.6), 4)
                agency.longitude = round(point.longitude + rng.uniform(-0.6, 0.6), 4)
                agency.save(update_fields=["latitude", "longitude"])
        types = {c.code: c for c in CourseType.objects.filter(code__in=["CIT-40", "MHFA-PS", "CIT-911"])}
        home = _home_state()
        for state, place in STATE_PLACES.items():
            plans = [("CIT-40", 24, 40), ("MHFA-PS", 30, 8)]
            if state == home:
                plans += [("CIT-40", 3, 40), ("CIT-911", 20, 8), ("MHFA-PS", 12, 8)]
            for code, seats, hours in plans:
                _session(provider, actor, types[code], state, place, seats, hours, rng)
    return provider


def _home_state() -> str:
    membership = Membership.objects.filter(user__email=f"coordinator@{DEMO_DOMAIN}").select_related("agency").first()
    return membership.agency.state if membership else "IL"


def _session(
    provider: CourseProvider,
    actor: User | None,
    course: CourseType,
    state: str,
    place: tuple[str, str, str],
    seats: int,
    hours: int,
    rng: random.Random,
) -> None:
    zip_code, city, zone = place
    day = timezone.localdate() + dt.timedelta(days=rng.randint(14, 120))
    tz = zoneinfo.ZoneInfo(zone)
    start = dt.datetime.combine(day, dt.time(8, 0), tzinfo=tz)
    days = max(1, hours // 8)
    services.publish_session(
        actor=actor,
        provider=provider,
        course_type=course,
        title=f"{course.code} — {state} {('spring', 'summer', 'autumn', 'winter')[day.month % 4]} session",
        starts_at=start,
        ends_at=start + dt.timedelta(days=days - 1, hours=9),
        timezone=zone,
        hours=Decimal(hours),
        format="in_person",
        address="Regional Training Center",
        city=city,
        state=state,
        zip_code=zip_code,
        seats=seats,
        registration_deadline=start - dt.timedelta(days=5),
        cost=Decimal("0") if course.code != "CIT-40" else Decimal("150"),
        contact=f"courses@{DEMO_DOMAIN}",
    )
