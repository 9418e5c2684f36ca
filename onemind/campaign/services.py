"""Writes of campaign administration; each logs its audit entry (no agency: these are campaign-wide)."""

from __future__ import annotations

from django.db import models, transaction

from onemind.accounts.models import User
from onemind.audit.services import log_action, snapshot
from onemind.campaign.models import SyllabusEvidence
from onemind.lib.uploads import delete_private_upload
from onemind.lib.versions import lock_current
from onemind.pledges.models import RuleEdition
from onemind.tenancy.changes import agencies_changed
from onemind.training.models import CourseType

# Rows every agency's figures are judged by: saving one changes every agency's figures.
RULES_MODELS: tuple[type[models.Model], ...] = (RuleEdition, CourseType)


@transaction.atomic
def save_reference(
    *, actor: User, instance: models.Model, action: str, expected_version: str | None = None
) -> models.Model:
    """Save an edited or new reference row (edition, course type, resource, announcement) and audit it. With
    `expected_version` (the edit form's), a row another staff member saved since is refused with StaleEdit."""
    before = None
    if instance.pk is not None:
        before = snapshot(lock_current(instance, expected_version))
    instance.save()
    log_action(actor=actor, action=action, obj=instance, before=before, after=snapshot(instance))
    if isinstance(instance, RULES_MODELS):
        agencies_changed()
    return instance


def attach_syllabus(*, actor: User, course_type: CourseType, stored_name: str) -> SyllabusEvidence:
    evidence = SyllabusEvidence.objects.create(course_type=course_type, file=stored_name, uploaded_by=actor)
    log_action(actor=actor, action="campaign.syllabus_attached", obj=course_type, after={"file": stored_name})
    return evidence


def remove_syllabus(*, actor: User, evidence: SyllabusEvidence) -> None:
    name = evidence.file
    log_action(actor=actor, action="campaign.syllabus_removed", obj=evidence.course_type, before={"file": name})
    evidence.delete()
    transaction.on_commit(lambda: delete_private_upload(name))
