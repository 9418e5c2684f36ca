from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from onemind.lib.ori import postal_state
from onemind.tenancy.models import Agency

_ORI_LIKE = re.compile(r"^[A-Za-z]{2}[A-Za-z0-9]{3,7}$")


def search_directory(query: str, limit: int = 20) -> QuerySet[Agency]:
    """Agencies matching a free-text query: ORI prefix, a trailing 2-letter state, and name words."""
    words = query.split()[:8]
    if not words:
        return Agency.objects.none()
    filters = Q()
    if len(words) == 1 and _ORI_LIKE.match(words[0]) and any(c.isdigit() for c in words[0]):
        filters &= Q(ori__startswith=words[0].upper())
        words = []
    elif len(words) >= 1 and len(words[-1]) == 2 and postal_state(words[-1]):
        filters &= Q(state=words[-1].upper())
        words = words[:-1]
    for word in words:
        filters &= Q(name__icontains=word)
    return Agency.objects.filter(filters).order_by("name")[:limit]
