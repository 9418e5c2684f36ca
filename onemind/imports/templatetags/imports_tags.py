from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def shown(value: object) -> str:
    """A before/after value as the preview shows it: yes/no for flags, '(empty)' for nothing."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None or value == "":
        return "(empty)"
    return str(value)


_IN_LABEL = {"employee_number", "badge_number", "last_name", "first_name", "course_type_id", "completed_on"}


@register.filter
def new_values(changes: dict[str, list[object]]) -> str:
    """What a new row brings, for the preview: 'Rank / position: Sergeant · Unit: Traffic · …'."""
    from onemind.imports.mapping import FIELD_LABELS

    parts = [
        f"{FIELD_LABELS.get(name, name).split(' (')[0]}: {shown(pair[1])}"
        for name, pair in changes.items()
        if name not in _IN_LABEL and pair[1] not in (None, "")
    ]
    return " · ".join(parts)
