"""Writes of campaign administration; each logs its audit entry (no agency: these are campaign-wide)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from onemind.accounts.models import User
from onemind.audit.services import log_action, snapshot
from onemind.campaign.models import Announcement, ContactLogEntry, SyllabusEvidence
from onemind.lib.uploads import delete_private_upload
from onemind.lib.versions import lock_current
from onemind.pledges.models import RuleEdition
from onemind.tenancy.changes import agencies_changed
from onemind.tenancy.models import Agency
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


def log_contact(*, actor: User, agency: Agency, kind: str, summary: str, contacted_on: dt.date) -> ContactLogEntry:
    summary = summary.strip()
    if not summary:
        raise ValidationError({"summary": "Say what was discussed."})
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": "A contact cannot be in the future."})
    entry = ContactLogEntry.objects.create(
        agency=agency, kind=kind, summary=summary, contacted_on=contacted_on, author=actor
    )
    log_action(
        actor=actor,
        action="campaign.contact_logged",
        obj=entry,
        agency=agency,
        after=snapshot(entry),
        reason=f"{entry.get_kind_display()}: {summary[:200]}",
    )
    return entry


@transaction.atomic
def send_announcement(*, actor: User, announcement: Announcement) -> int:
    """Send the announcement to the administrators and coordinators of the agencies it targets, in the app and by
    e-mail (through the reminders outbox: delivered by the worker, never twice). Returns the number of people."""
    from onemind.campaign.selectors import announcement_audience
    from onemind.notifications.kinds import Kind
    from onemind.notifications.planner import Planned, agency_recipients, save_planned

    if not announcement.is_published:
        raise ValidationError("Publish the announcement before sending it.")
    if announcement.sent_at is not None:
        raise ValidationError(f"This announcement was already sent on {announcement.sent_at:%Y-%m-%d}.")
    agency_ids = list(announcement_audience(announcement).values_list("pk", flat=True))
    today, now = timezone.localdate(), timezone.now()
    context = {"title": announcement.title, "body": announcement.body}
    planned = [
        Planned(
            Kind.ANNOUNCEMENT,
            user_id,
            agency_id,
            f"announcement:{announcement.pk}",
            today,
            f"{Kind.ANNOUNCEMENT}:a{announcement.pk}:u{user_id}",
            context,
            now,
        )
        for agency_id, users in agency_recipients(agency_ids).items()
        for user_id in users
    ]
    save_planned(planned)
    people = len({p.recipient_id for p in planned})
    before = snapshot(announcement)
    announcement.sent_at, announcement.sent_to = now, people
    announcement.save(update_fields=["sent_at", "sent_to"])
    log_action(
        actor=actor,
        action="campaign.announcement_sent",
        obj=announcement,
        before=before,
        after={"agencies": len(agency_ids), "people": people},
    )
    return people
