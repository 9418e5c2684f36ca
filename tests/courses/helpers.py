"""Builders for course tests: a provider organization and sessions (generated names only)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django.utils import timezone

from onemind.courses import services
from onemind.courses.models import CourseProvider, CourseSession, ProviderMember
from onemind.training.models import CourseType

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
# Springfield, IL (ZIP 62701) and a town about 25 miles east of it.
SPRINGFIELD = (39.8, -89.6495)
DECATUR = (39.8403, -88.9548)


def make_provider(*members: Any, name: str = "Prairie CIT Program") -> CourseProvider:
    provider = CourseProvider.objects.create(slug=name.lower().replace(" ", "-"), name=name)
    for user in members:
        ProviderMember.objects.create(provider=provider, user=user)
    return provider


def session_values(code: str = "CIT-40", days: int = 30, **overrides: Any) -> dict[str, Any]:
    start = (
        (timezone.now() + dt.timedelta(days=days))
        .astimezone(CHICAGO)
        .replace(hour=8, minute=0, second=0, microsecond=0)
    )
    values: dict[str, Any] = {
        "course_type": CourseType.objects.get(code=code),
        "starts_at": start,
        "ends_at": start + dt.timedelta(days=4, hours=9),
        "timezone": "America/Chicago",
        "hours": Decimal("40"),
        "format": "in_person",
        "address": "1 Training Way",
        "city": "Springfield",
        "state": "IL",
        "latitude": SPRINGFIELD[0],
        "longitude": SPRINGFIELD[1],
        "seats": 2,
        "registration_deadline": start - dt.timedelta(days=2),
        "cost": Decimal("0"),
        "contact": "cit@example.org",
    }
    values.update(overrides)
    return values


def make_session(provider: CourseProvider, actor: Any = None, **overrides: Any) -> CourseSession:
    """A published session; ``actor`` defaults to the provider's first member."""
    actor = actor or provider.members.first().user  # type: ignore[union-attr]
    return services.publish_session(actor=actor, provider=provider, **session_values(**overrides))


def past(session: CourseSession, days: int = 10) -> CourseSession:
    """Move a session into the past, as if time had passed since registration (the constraints still hold)."""
    shift = dt.timedelta(days=days) + (session.ends_at - timezone.now())
    CourseSession.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at - shift,
        ends_at=session.ends_at - shift,
        registration_deadline=session.registration_deadline - shift,
    )
    session.refresh_from_db()
    return session
