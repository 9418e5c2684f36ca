from __future__ import annotations

from typing import Any

from django import template

from onemind.campaign.selectors import current_announcements as _current

register = template.Library()


@register.simple_tag
def current_announcements() -> Any:
    """Announcements campaign staff published to agencies; include campaign/_announcements.html to show them."""
    return list(_current())
