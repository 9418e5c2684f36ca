from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from onemind.audit.models import AuditEntry
from onemind.tenancy.models import Agency


def audit_for_agency(agency: Agency) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(agency=agency).select_related("actor")


def audit_for_object(obj: models.Model) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
