from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet

from onemind.audit.models import AuditEntry
from onemind.tenancy.models import Agency

# Entries about the organization (its profile, pledge, partnerships, policy, submissions, API tokens, staff access),
# which name no person of the agency's personnel. Every other entry (roster, training, imports, members,
# invitations, accounts, course registrations, and any action added later) is personnel data.
ORGANIZATION_ACTIONS = (
    "agency.",
    "pledge.",
    "partnerships.",
    "policies.",
    "reviews.",
    "staff.",
    "api.token_",
    "notifications.agency_settings_changed",
)


def audit_for_agency(agency: Agency, *, personnel: bool = True) -> QuerySet[AuditEntry]:
    """The agency's trail, newest first; without `personnel` (campaign staff outside a grant, see
    AgencyAccess.sees_personnel) only the organization's entries."""
    entries = AuditEntry.objects.filter(agency=agency).select_related("actor")
    if not personnel:
        organization = Q()
        for prefix in ORGANIZATION_ACTIONS:
            organization |= Q(action__startswith=prefix)
        entries = entries.filter(organization)
    return entries


def audit_for_object(obj: models.Model) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
