"""Writes for policies; each logs its audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from onemind.accounts.models import User
from onemind.audit.services import log_action, log_change, snapshot
from onemind.lib.uploads import delete_private_upload
from onemind.lib.versions import lock_current
from onemind.policies.models import ELEMENT_CHOICES, PolicyDocument, PolicyElement, PolicyVersion
from onemind.tenancy.changes import agency_changed
from onemind.tenancy.models import Agency


@transaction.atomic
def create_document(*, actor: User, agency: Agency, title: str, reference: str = "") -> PolicyDocument:
    document = PolicyDocument.objects.create(agency=agency, title=title, reference=reference)
    log_action(actor=actor, action="policies.document_created", obj=document, agency=agency, after=snapshot(document))
    agency_changed(agency)
    return document


@transaction.atomic
def add_version(*, actor: User, document: PolicyDocument, **fields: Any) -> PolicyVersion:
    version = PolicyVersion.objects.create(agency=document.agency, document=document, created_by=actor, **fields)
    PolicyElement.objects.bulk_create(
        PolicyElement(agency=document.agency, version=version, element=slug) for slug, _label in ELEMENT_CHOICES
    )
    log_action(
        actor=actor, action="policies.version_added", obj=version, agency=document.agency, after=snapshot(version)
    )
    agency_changed(document.agency_id)
    return version


@transaction.atomic
def update_version(
    *, actor: User, policy_version: PolicyVersion, expected_version: str | None = None, **fields: Any
) -> PolicyVersion:
    # `policy_version`, not `version`: "version" is one of the fields (its label, e.g. "2026-1").
    version = policy_version
    lock_current(version, expected_version)
    before = snapshot(version)
    old_file = version.file
    for name, value in fields.items():
        setattr(version, name, value)
    version.save()
    if old_file and old_file != version.file:
        transaction.on_commit(lambda: delete_private_upload(old_file))
    log_change(actor=actor, action="policies.version_updated", obj=version, before=before, agency=version.agency)
    agency_changed(version.agency_id)
    return version


@transaction.atomic
def record_checklist(*, actor: User, version: PolicyVersion, answers: dict[str, tuple[str, str]]) -> None:
    """Save each element's coverage and section; `answers` maps element slug -> (coverage, section)."""
    rows = {row.element: row for row in version.elements.select_for_update()}
    before = {slug: (row.coverage, row.section) for slug, row in rows.items()}
    for slug, (coverage, section) in answers.items():
        row = rows.get(slug) or PolicyElement(agency=version.agency, version=version, element=slug)
        row.coverage, row.section = coverage, section.strip()
        row.save()
    log_action(
        actor=actor,
        action="policies.checklist_recorded",
        obj=version,
        agency=version.agency,
        before={k: list(v) for k, v in before.items()},
        after={k: list(v) for k, v in answers.items()},
    )
    agency_changed(version.agency_id)


@transaction.atomic
def delete_version(*, actor: User, version: PolicyVersion) -> None:
    """Remove a version and its file; a submission that relied on it can no longer be verified."""
    before = snapshot(version)
    agency, name = version.agency, version.file
    log_action(actor=actor, action="policies.version_deleted", obj=version, agency=agency, before=before)
    version.delete()
    if name:
        transaction.on_commit(lambda: delete_private_upload(name))
    agency_changed(agency)


def log_file_download(*, actor: User, version: PolicyVersion) -> None:
    log_action(actor=actor, action="policies.file_downloaded", obj=version, agency=version.agency)
