from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from onemind.campaign.models import Announcement


def current_announcements() -> QuerySet[Announcement]:
    today = timezone.localdate()
    return Announcement.objects.filter(is_published=True, published_on__lte=today).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )[:5]
