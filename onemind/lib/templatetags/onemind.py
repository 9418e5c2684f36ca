from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def can(access: Any, permission: str) -> bool:
    """`{% if request.access|can:"roster:write" %}`: the same check the views make."""
    return bool(access is not None and hasattr(access, "can") and access.can(permission))
