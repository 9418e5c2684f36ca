"""What erasure under an agency's retention period leaves of a person, and what exports and backups say about it.

The erasing itself (``ops/retention.py``) runs in the worker; these reads sit with the roster so that the API's
export, backups and the retention run all describe erasure the same way without importing the worker's module.
"""

from __future__ import annotations

from typing import Any

from django_scopes import scopes_disabled

from onemind.roster.models import Person
from onemind.tenancy.models import Agency

ERASED = "(erased)"
# The person's identifying fields and what each becomes once erased.
PERSON_BLANKS = {
    "first_name": "",
    "last_name": ERASED,
    "employee_number": "",
    "badge_number": "",
    "email": "",
    "separation_reason": "",
}


def erasure_summary(agency: Agency | None = None) -> dict[str, Any]:
    """What exports and backups say about erasure: how many people, and when the latest erasure ran."""
    with scopes_disabled():
        erased = Person.objects.filter(erased_at__isnull=False)
        if agency is not None:
            erased = erased.filter(agency=agency)
        last = erased.order_by("-erased_at").values_list("erased_at", flat=True).first()
        return {
            "erased_people": erased.count(),
            "last_erased_at": last.isoformat() if last else None,
            "erased_fields": sorted(PERSON_BLANKS) + ["certificate files and numbers", "notes", "audit copies"],
        }
