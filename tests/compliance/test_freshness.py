"""Every write that can change an agency's figures leaves every view of them equal to a fresh computation.

The service functions are found from the code: every public function of the ``services`` module of each app whose
rows the engine or the campaign figures read. Each must have a scenario here (run, then checked) or a stated reason
why it cannot change a figure; a new service without either fails ``test_every_service_is_walked``.

After each scenario: the agency's version moved (``tenancy.changes.agency_changed`` ran), and the dashboard page
(whose body is the one cache), the printable report's figures, the API's compliance endpoint and the campaign
figures (the public "in numbers" page, the landing page and the staff dashboard) all equal a fresh computation.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from onemind.api.compose import compliance_on
from onemind.api.serializers import ComplianceSerializer
from onemind.campaign.models import AgencyStanding
from onemind.campaign.standings import seed_campaign_figures, store_standings
from onemind.compliance import views as compliance_views
from onemind.compliance.pages import render_body
from onemind.compliance.selectors import agency_dashboard
from onemind.partnerships.models import Partnership
from onemind.pledges.models import Pledge
from onemind.roster.models import Exemption, Person
from onemind.tenancy.changes import agency_changed, agency_version
from onemind.training.models import CourseType, TrainingRecord
from tests.api.conftest import ApiClient, make_token
from tests.conftest import Cast
from tests.evidence_helpers import make_partnership, make_policy, stored_pdf

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
TODAY = NOW.date()

# Apps whose rows the engine, the dashboard or the campaign figures read.
RECORD_APPS = (
    "roster",
    "training",
    "partnerships",
    "policies",
    "pledges",
    "reviews",
    "imports",
    "courses",
    "tenancy",
    "campaign",
    "directory",
)

# Service functions that cannot change any agency's figures, and why.
NO_FIGURES = {
    "roster.validate_person_fields": "reads only (validation)",
    "roster.link_officer_account": "links a login to a roster record; no figure reads the login",
    "training.validate_training_fields": "reads only (validation)",
    "training.details_from": "reads only (form data)",
    "training.log_certificate_download": "writes the audit log only",
    "partnerships.log_document_download": "writes the audit log only",
    "policies.log_file_download": "writes the audit log only",
    "pledges.current_pledge": "reads only",
    "pledges.default_edition": "reads only",
    "reviews.collect_evidence": "reads only",
    "reviews.add_comment": "a review comment; no figure reads it",
    "reviews.discard_attachment": "deletes an unsaved upload's file",
    "reviews.log_attachment_download": "writes the audit log only",
    "imports.storage_dir": "a path",
    "imports.batch_path": "a path",
    "imports.progress_path": "a path",
    "imports.read_batch_table": "reads the uploaded file",
    "imports.create_batch": "stores the uploaded file; records change only when the batch is applied",
    "imports.save_mapping": "remembers the column mapping; records change only when the batch is applied",
    "imports.live_progress": "reads only",
    "imports.make_plan": "reads only (the preview)",
    "imports.request_preview": "queues the preview",
    "imports.run_preview": "writes the preview's change list, not the records",
    "imports.request_apply": "queues the apply (apply_batch is walked)",
    "imports.checkpoint": "reports progress",
    "imports.change_count": "reads only",
    "imports.request_undo": "queues the undo (undo_batch is walked)",
    "imports.mark_stale": "marks a dead worker's batch failed; its transaction left the records unchanged",
    "imports.validate_options": "reads only",
    "imports.claim": "a worker claims a batch to run; records change only in apply_batch and undo_batch (walked)",
    "imports.default_options": "reads only",
    "imports.read_header": "reads the uploaded file",
    "imports.records_state": "reads only (whether a preview is still current)",
    "imports.recover_interrupted": "marks a dead worker's batch failed; its transaction left the records unchanged",
    "imports.worker_id": "names this worker process",
    "roster.check_person_rules": "reads only (validation)",
    "courses.create_provider": "a course provider, no agency's records",
    "courses.publish_session": "a course session, no agency's records",
    "courses.update_session": "a course session, no agency's records",
    "courses.cancel_session": "seats on a session, no training records",
    "courses.registration_problem": "reads only",
    "courses.register_people": "seats on a session, no training records",
    "courses.cancel_registration": "seats on a session, no training records",
    "tenancy.agency_has_admin": "reads only",
    "tenancy.create_agency": "a new agency has no pledge, so no figures (pledge_agency is walked)",
    "tenancy.make_administrator": "a membership",
    "tenancy.request_access": "an access request",
    "tenancy.decide_access_request": "a membership",
    "tenancy.open_personnel_data": "a staff access grant",
    "tenancy.claim_agency": "a claim to administer; no figure reads claims or memberships",
    "tenancy.approve_claim_automatically": "a membership",
    "tenancy.approve_pending_claims_of": "memberships",
    "tenancy.decide_claim": "a claim's decision and a membership",
    "tenancy.transfer_administration": "memberships",
    "reviews.assign_submission": "who reviews a submission; no figure reads it",
    "reviews.current_judgement": "reads only",
    "campaign.log_contact": "a staff contact note; no figure reads it",
    "campaign.send_announcement": "plans notifications; no figure reads them",
    "campaign.attach_syllabus": "a syllabus file for staff; approval is saved with save_reference",
    "campaign.remove_syllabus": "a syllabus file for staff",
}


def service_functions() -> list[str]:
    names = []
    for app in RECORD_APPS:
        module = importlib.import_module(f"onemind.{app}.services")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                names.append(f"{app}.{name}")
    return sorted(names)


@dataclass
class World:
    """The cast's agency with something of everything, and the clients that read its figures."""

    cast: Cast
    people: list[Person]
    partnership: Partnership

    @property
    def agency(self) -> Any:
        return self.cast.agency

    def course(self, code: str) -> CourseType:
        return CourseType.objects.get(code=code)


@pytest.fixture
def world(cast: Cast, settings: Any) -> Iterator[World]:
    settings.REQUIRE_TWO_FACTOR = False
    with time_machine.travel(NOW, tick=False):
        from onemind.roster.services import create_person, set_designated_positions
        from onemind.training.services import record_training

        with scope(agency=cast.agency):
            people = [
                create_person(
                    actor=cast.admin,
                    agency=cast.agency,
                    first_name="Sam",
                    last_name=f"Officer{i}",
                    employee_number=f"E{i}",
                    hire_date=dt.date(2020, 1, 1),
                    rank="Dispatcher" if i == 5 else "Officer",
                    sworn=i != 5,
                )
                for i in range(6)
            ]
            for person in people[:3]:
                record_training(
                    actor=cast.admin,
                    person=person,
                    course_type=CourseType.objects.get(code="MHFA-PS"),
                    completed_on=dt.date(2024, 3, 1),
                )
            set_designated_positions(actor=cast.admin, agency=cast.agency, positions=[("Dispatcher", True, False)])
        with scopes_disabled():
            partnership = make_partnership(cast.agency)
            make_policy(cast.agency)
            agency_changed(cast.agency)  # the helpers above write rows directly, as a fixture may
        seed_campaign_figures(months=3, today=TODAY)
        yield World(cast, people, partnership)


def dashboard_html(world: World, client: Any) -> str:
    response = client.get(reverse("compliance:dashboard", args=[world.agency.slug]))
    assert response.status_code == 200
    return str(response.content.decode())


def fresh_body(world: World) -> str:
    with scopes_disabled():
        board = agency_dashboard(world.agency, TODAY, today=TODAY, show_names=True)
    return render_body(board, staff_view=False)


def report_board(world: World, client: Any, monkeypatch: Any) -> Any:
    seen: list[Any] = []

    def capture(board: Any, **_kwargs: Any) -> bytes:
        seen.append(board)
        return b"%PDF-1.4"

    monkeypatch.setattr(compliance_views, "render_progress_pdf", capture)
    assert client.get(reverse("compliance:report", args=[world.agency.slug])).status_code == 200
    return seen[0]


STANDING_FIELDS = (
    "status",
    "state",
    "agency_type",
    "size_class",
    "s1_met",
    "s2_met",
    "s3_met",
    "s4_met",
    "submitted",
    "recognized",
    "mhfa_trained",
    "cit_trained",
)


def standings_of(agency_id: int) -> dict[tuple[dt.date, bool], tuple[Any, ...]]:
    rows = AgencyStanding.objects.filter(agency_id=agency_id).values_list("on", "current", *STANDING_FIELDS)
    return {(on, current): tuple(rest) for on, current, *rest in rows}


def fresh_standings(agency_id: int) -> dict[tuple[dt.date, bool], tuple[Any, ...]]:
    """The campaign-wide evaluation of this agency on every stored date, in a savepoint rolled back after."""
    ends = sorted(set(AgencyStanding.objects.filter(current=False).values_list("on", flat=True)))
    saved = transaction.savepoint()
    store_standings(TODAY, current=True, agency_ids=[agency_id])
    for end in ends:
        store_standings(end, current=False, agency_ids=[agency_id])
    found = standings_of(agency_id)
    transaction.savepoint_rollback(saved)
    return found


def assert_every_view_is_fresh(world: World, monkeypatch: Any) -> None:
    cast = world.cast
    viewer = cast.client_for("viewer")
    page = dashboard_html(world, viewer)
    cache.clear()  # nothing kept: what a fresh process computes
    assert fresh_body(world) in page
    with scopes_disabled():
        board = agency_dashboard(world.agency, TODAY, today=TODAY, show_names=True)
    printed = report_board(world, viewer, monkeypatch)
    assert (printed.result, printed.history, printed.lists) == (board.result, board.history, board.lists)
    api = ApiClient(make_token(cast.admin, world.agency, ["read"]))
    answer = api.get("/api/v1/compliance/", {"on": TODAY.isoformat()})
    assert answer.status_code == 200
    with scopes_disabled():
        assert answer.json() == json.loads(json.dumps(ComplianceSerializer(compliance_on(world.agency, TODAY)).data))
    public = cast.client_for("anonymous")
    numbers = public.get(reverse("public:numbers")).context["figures"]
    landing = public.get(reverse("public:landing")).context["figures"]
    staff = cast.client_for("staff").get(reverse("campaign:dashboard")).context["totals"]
    assert numbers.freshness.current
    assert standings_of(world.agency.pk) == fresh_standings(world.agency.pk)
    for key in ("pledged", "recognized", "completed", "mhfa_trained", "cit_trained"):
        assert numbers.totals[key] == landing.totals[key] == staff[key], key


# ---- the scenarios: one per service function that can change figures ----------------------------------------

Scenario = Callable[[World], None]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    def register(function: Scenario) -> Scenario:
        SCENARIOS[name] = function
        return function

    return register


@scenario("roster.create_person")
def _create_person(w: World) -> None:
    from onemind.roster.services import create_person

    create_person(actor=w.cast.admin, agency=w.agency, first_name="New", last_name="Hire", hire_date=TODAY)


@scenario("roster.update_person")
def _update_person(w: World) -> None:
    from onemind.roster.services import update_person

    update_person(actor=w.cast.admin, person=w.people[0], sworn=False, effective_on=dt.date(2026, 3, 1))


@scenario("roster.separate_person")
def _separate_person(w: World) -> None:
    from onemind.roster.services import separate_person

    separate_person(actor=w.cast.admin, person=w.people[4], on=dt.date(2026, 2, 1), reason="Retired")


@scenario("roster.rehire_person")
def _rehire_person(w: World) -> None:
    from onemind.roster.services import rehire_person, separate_person

    separate_person(actor=w.cast.admin, person=w.people[4], on=dt.date(2026, 2, 1), reason="Retired")
    refresh_views(w)
    rehire_person(actor=w.cast.admin, person=w.people[4], on=dt.date(2026, 4, 1))


@scenario("roster.add_exemption")
def _add_exemption(w: World) -> None:
    from onemind.roster.services import add_exemption

    add_exemption(actor=w.cast.admin, person=w.people[4], reason="military", start=TODAY, end=dt.date(2026, 12, 1))


@scenario("roster.end_exemption")
def _end_exemption(w: World) -> None:
    from onemind.roster.services import add_exemption, end_exemption

    exemption = add_exemption(
        actor=w.cast.admin, person=w.people[4], reason="military", start=dt.date(2026, 5, 1), end=dt.date(2026, 12, 1)
    )
    refresh_views(w)
    end_exemption(actor=w.cast.admin, exemption=Exemption.objects.get(pk=exemption.pk), on=dt.date(2026, 5, 20))


@scenario("roster.set_designated_positions")
def _set_designated_positions(w: World) -> None:
    from onemind.roster.services import set_designated_positions

    set_designated_positions(actor=w.cast.admin, agency=w.agency, positions=[("Dispatcher", True, True)])


@scenario("roster.invite_officer")
def _invite_officer(w: World) -> None:
    from onemind.roster.services import invite_officer

    invite_officer(actor=w.cast.admin, person=w.people[1], email="officer1@example.org")


@scenario("training.record_training")
def _record_training(w: World) -> None:
    from onemind.training.services import record_training

    record_training(actor=w.cast.admin, person=w.people[3], course_type=w.course("MHFA-PS"), completed_on=TODAY)


@scenario("training.record_class")
def _record_class(w: World) -> None:
    from onemind.training.services import record_class

    record_class(
        actor=w.cast.admin,
        agency=w.agency,
        attendees=w.people[2:5],
        course_type=w.course("CIT-40"),
        completed_on=dt.date(2026, 2, 10),  # back-dated: the history changes too
    )


def _pending(w: World) -> TrainingRecord:
    from onemind.training.services import record_training

    record = record_training(
        actor=w.cast.admin, person=w.people[4], course_type=w.course("MHFA-PS"), completed_on=TODAY, status="pending"
    )
    refresh_views(w)
    return record


@scenario("training.accept_training")
def _accept_training(w: World) -> None:
    from onemind.training.services import accept_training

    accept_training(actor=w.cast.admin, record=_pending(w))


@scenario("training.reject_training")
def _reject_training(w: World) -> None:
    from onemind.training.services import reject_training

    reject_training(actor=w.cast.admin, record=_pending(w), reason="Not the officer's certificate")


@scenario("training.submit_own_training")
def _submit_own_training(w: World) -> None:
    from onemind.training.services import submit_own_training

    person = w.people[4]
    Person.objects.filter(pk=person.pk).update(user=w.cast.officer)
    person.refresh_from_db()
    submit_own_training(
        actor=w.cast.officer,
        person=person,
        course_type=w.course("MHFA-PS"),
        completed_on=TODAY,
        certificate_file=stored_pdf(),
    )


@scenario("partnerships.create_organization")
def _create_organization(w: World) -> None:
    from onemind.partnerships.services import create_organization

    create_organization(actor=w.cast.admin, agency=w.agency, name="Crisis Line", kind="crisis_line")


@scenario("partnerships.update_organization")
def _update_organization(w: World) -> None:
    from onemind.partnerships.services import update_organization

    update_organization(actor=w.cast.admin, organization=w.partnership.organization, kind="other")


@scenario("partnerships.create_partnership")
def _create_partnership(w: World) -> None:
    from onemind.partnerships.services import create_partnership, update_partnership

    update_partnership(actor=w.cast.admin, partnership=w.partnership, ends_on=dt.date(2025, 6, 30))
    refresh_views(w)
    create_partnership(  # back-dated: the history must show it in force from February
        actor=w.cast.admin,
        agency=w.agency,
        organization=w.partnership.organization,
        agreement_type="mou",
        effective_on=dt.date(2026, 2, 1),
        agency_signed_on=dt.date(2026, 1, 20),
        partner_signed_on=dt.date(2026, 1, 21),
        agency_liaison_name="Sgt. Liaison",
        partner_liaison_name="Dr. Partner",
        document=stored_pdf(),
    )


@scenario("partnerships.update_partnership")
def _update_partnership(w: World) -> None:
    from onemind.partnerships.services import update_partnership

    update_partnership(actor=w.cast.admin, partnership=w.partnership, ends_on=dt.date(2026, 3, 31))


@scenario("partnerships.remove_document")
def _remove_document(w: World) -> None:
    from onemind.partnerships.services import remove_document

    remove_document(actor=w.cast.admin, partnership=w.partnership)


@scenario("partnerships.log_activity")
def _log_activity(w: World) -> None:
    from onemind.partnerships.services import log_activity

    log_activity(actor=w.cast.admin, partnership=w.partnership, kind="joint_training", occurred_on=TODAY)


@scenario("partnerships.invite_liaison")
def _invite_liaison(w: World) -> None:
    from onemind.partnerships.services import invite_liaison

    invite_liaison(actor=w.cast.admin, partnership=w.partnership, email="partner@example.org", name="Dr. New")


@scenario("partnerships.bind_liaison_links")
def _bind_liaison_links(w: World) -> None:
    from onemind.accounts.models import Invitation
    from onemind.partnerships.services import bind_liaison_links, invite_liaison

    invite_liaison(actor=w.cast.admin, partnership=w.partnership, email="new-partner@example.org")
    invitation = Invitation.objects.get(agency=w.agency, email="new-partner@example.org")
    refresh_views(w)
    bind_liaison_links(invitation=invitation, user=w.cast.liaison)


@scenario("partnerships.answer_partnership")
def _answer_partnership(w: World) -> None:
    from onemind.partnerships.services import answer_partnership

    answer_partnership(actor=w.cast.liaison, partnership=w.partnership, confirm=False, note="The dates are wrong")


@scenario("partnerships.attach_countersigned")
def _attach_countersigned(w: World) -> None:
    from onemind.partnerships.services import attach_countersigned

    attach_countersigned(
        actor=w.cast.liaison, partnership=w.partnership, stored_name=stored_pdf(), signed_on=dt.date(2026, 5, 2)
    )


@scenario("policies.create_document")
def _create_document(w: World) -> None:
    from onemind.policies.services import create_document

    create_document(actor=w.cast.admin, agency=w.agency, title="Crisis response, draft")


def _version(w: World) -> Any:
    from onemind.policies.models import PolicyVersion

    return PolicyVersion.objects.filter(agency=w.agency).first()


@scenario("policies.add_version")
def _add_version(w: World) -> None:
    from onemind.policies.services import add_version

    add_version(
        actor=w.cast.admin,
        document=_version(w).document,
        version="2026-1",
        adopted_on=dt.date(2026, 3, 1),
        effective_on=dt.date(2026, 3, 15),
        signing_authority="Chief",
    )


@scenario("policies.update_version")
def _update_version(w: World) -> None:
    from onemind.policies.services import update_version

    update_version(actor=w.cast.admin, policy_version=_version(w), effective_on=dt.date(2026, 7, 1))


@scenario("policies.record_checklist")
def _record_checklist(w: World) -> None:
    from onemind.policies.models import ELEMENT_CHOICES
    from onemind.policies.services import record_checklist

    slug = ELEMENT_CHOICES[0][0]
    record_checklist(actor=w.cast.admin, version=_version(w), answers={slug: ("missing", "")})


@scenario("policies.delete_version")
def _delete_version(w: World) -> None:
    from onemind.policies.services import delete_version

    delete_version(actor=w.cast.admin, version=_version(w))


@scenario("pledges.pledge_agency")
def _pledge_agency(w: World) -> None:
    from onemind.pledges.services import pledge_agency

    old = Pledge.objects.get(pk=w.cast.pledge.pk)
    Pledge.objects.filter(pk=old.pk).update(superseded_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    pledge_agency(
        actor=w.cast.admin,
        agency=w.agency,
        edition=old.edition,
        committed_months=12,
        pledged_on=dt.date(2025, 5, 1),  # a year's commitment from last May: now overdue
        sworn_count=5,
        nonsworn_count=1,
        head_name="Pat Chief",
        head_title="Chief of Police",
        consent_given=True,
    )


@scenario("pledges.change_pledge_terms")
def _change_pledge_terms(w: World) -> None:
    from onemind.pledges.services import change_pledge_terms

    old = Pledge.objects.get(pk=w.cast.pledge.pk)
    change_pledge_terms(
        actor=w.cast.staff,
        agency=w.agency,
        edition=old.edition,
        committed_months=12,
        pledged_on=dt.date(2025, 5, 1),  # now overdue
        reason="The pledge was signed last year",
    )


@scenario("pledges.correct_signatory")
def _correct_signatory(w: World) -> None:
    from onemind.pledges.services import correct_signatory

    correct_signatory(
        actor=w.cast.admin, agency=w.agency, head_name="Pat Chiefe", head_title="Chief of Police", reason="Typo"
    )


@scenario("reviews.recognize_or_propose")
def _recognize_or_propose(w: World) -> None:
    from onemind.reviews.services import recognize_or_propose

    _all_verified(w)
    recognize_or_propose(actor=w.cast.staff, agency=w.agency)


def _submitted(w: World, number: int) -> Any:
    from onemind.reviews.services import submit_strategy

    submission = submit_strategy(actor=w.cast.admin, agency=w.agency, strategy=number, acknowledge_unmet=True)
    refresh_views(w)
    return submission


@scenario("reviews.submit_strategy")
def _submit_strategy(w: World) -> None:
    from onemind.reviews.services import submit_strategy

    submit_strategy(actor=w.cast.admin, agency=w.agency, strategy=1)


@scenario("reviews.return_submission")
def _return_submission(w: World) -> None:
    from onemind.reviews.services import return_submission

    return_submission(actor=w.cast.staff, submission=_submitted(w, 1), comment="The MOU is unsigned.")


@scenario("reviews.verify_submission")
def _verify_submission(w: World) -> None:
    from onemind.reviews.services import verify_submission

    verify_submission(actor=w.cast.staff, submission=_submitted(w, 2), override_reason="Checked the annex.")


def _all_verified(w: World) -> None:
    from onemind.reviews.services import submit_strategy, verify_submission

    for number in (1, 2, 3, 4):
        submission = submit_strategy(actor=w.cast.admin, agency=w.agency, strategy=number, acknowledge_unmet=True)
        verify_submission(actor=w.cast.staff, submission=submission, override_reason="Checked by hand.")
    refresh_views(w)


@scenario("reviews.recognize_agency")
def _recognize_agency(w: World) -> None:
    from onemind.reviews.services import recognize_agency

    _all_verified(w)
    recognize_agency(actor=w.cast.staff, agency=w.agency)


@scenario("reviews.revoke_recognition")
def _revoke_recognition(w: World) -> None:
    from onemind.reviews.services import recognize_agency, revoke_recognition

    _all_verified(w)
    recognize_agency(actor=w.cast.staff, agency=w.agency)
    refresh_views(w)
    revoke_recognition(actor=w.cast.staff, agency=w.agency, reason="The agreement ended.", reopen=(1,))


@scenario("reviews.reattest")
def _reattest(w: World) -> None:
    from onemind.reviews.services import reattest, recognize_agency

    _all_verified(w)
    recognize_agency(actor=w.cast.staff, agency=w.agency)
    refresh_views(w)
    try:
        reattest(actor=w.cast.admin, agency=w.agency, statement="All four strategies remain in place.")
    except Exception as refused:  # noqa: BLE001 - the engine may say a strategy is unmet: then nothing changed
        assert "Not re-attested" in str(refused)


def _applied_import(w: World) -> Any:
    from tests.imports.conftest import ROSTER_HEADER, apply, csv_bytes, roster_rows, upload

    return apply(upload(w.agency, w.cast.coordinator, csv_bytes([ROSTER_HEADER, *roster_rows(3)])), w.cast.coordinator)


@scenario("imports.apply_batch")
def _apply_batch(w: World) -> None:
    _applied_import(w)


@scenario("imports.undo_batch")
def _undo_batch(w: World) -> None:
    from onemind.imports.services import undo_batch

    batch = _applied_import(w)
    refresh_views(w)
    undo_batch(actor=w.cast.coordinator, batch=batch)


@scenario("imports.run_undo")
def _run_undo(w: World) -> None:
    from onemind.imports.services import request_undo, run_undo

    batch = _applied_import(w)
    refresh_views(w)
    with mock.patch("onemind.imports.services.INLINE_UNDO_CHANGES", 0):  # as for a large import: the worker's
        queued = request_undo(actor=w.cast.coordinator, batch=batch, enqueue=False)
    run_undo(queued)


@scenario("courses.record_attendance")
def _record_attendance(w: World) -> None:
    from onemind.courses.services import Mark, record_attendance, register_people
    from tests.courses.helpers import make_provider, make_session, past

    with scopes_disabled():
        provider = make_provider(w.cast.provider)
        session = make_session(provider, seats=2)
        registered = register_people(
            actor=w.cast.coordinator, session=session, agency=w.agency, people=[w.people[4]]
        ).confirmed
        refresh_views(w)
        record_attendance(
            actor=w.cast.provider,
            session=past(session),
            marks=[Mark(str(registered[0].public_id), attended=True, completed=True)],
        )


@scenario("tenancy.update_agency_profile")
def _update_agency_profile(w: World) -> None:
    from onemind.tenancy.services import update_agency_profile

    update_agency_profile(actor=w.cast.admin, agency=w.agency, sworn_count=600)  # a new size class


@scenario("campaign.save_reference")
def _save_reference(w: World) -> None:
    from onemind.campaign.services import save_reference

    edition = Pledge.objects.get(pk=w.cast.pledge.pk).edition
    edition.s4_target_percent = 50
    save_reference(actor=w.cast.staff, instance=edition, action="campaign.edition_saved")


@scenario("directory.import_agencies")
def _import_agencies(w: World) -> None:
    import tempfile

    from onemind.directory.services import import_agencies

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
        handle.write(f"ori,name,type,state,county\n{w.agency.ori},{w.agency.name},county,WY,Laramie\n")
    import_agencies(handle.name, actor=w.cast.staff)
    Path(handle.name).unlink()


def refresh_views(w: World) -> None:
    """Read every view once, so a cached or stored answer exists that the next write must not leave stale."""
    w.cast.client_for("viewer").get(reverse("compliance:dashboard", args=[w.agency.slug]))
    w.cast.client_for("anonymous").get(reverse("public:numbers"))


# ---- the tests ------------------------------------------------------------------------------------------------


def test_every_service_is_walked() -> None:
    unknown = [name for name in service_functions() if name not in SCENARIOS and name not in NO_FIGURES]
    assert not unknown, f"Add a scenario to {__name__} (or a reason to NO_FIGURES) for: {', '.join(unknown)}"
    gone = sorted((set(SCENARIOS) | set(NO_FIGURES)) - set(service_functions()))
    assert not gone, f"No longer services: {gone}"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_after_each_write_every_view_equals_a_fresh_computation(world: World, name: str, monkeypatch: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        refresh_views(world)
        assert_every_view_is_fresh(world, monkeypatch)  # the starting point is fresh too
        refresh_views(world)
        before = agency_version(world.agency)
        with scope(agency=world.agency):
            SCENARIOS[name](world)
        world.agency.refresh_from_db()
        assert agency_version(world.agency) > before, f"{name} did not call agency_changed"
        assert_every_view_is_fresh(world, monkeypatch)


# ---- the stale answers once reproduced, each pinned -----------------------------------------------------------


def _dashboard_board(world: World) -> Any:
    return world.cast.client_for("viewer").get(reverse("compliance:dashboard", args=[world.agency.slug]))


def test_a_class_entered_reaches_the_dashboard_and_the_report_at_once(world: World, monkeypatch: Any) -> None:
    from onemind.training.services import record_class

    with time_machine.travel(NOW, tick=False):
        viewer = world.cast.client_for("viewer")
        assert "CIT" in dashboard_html(world, viewer)  # the body is now kept under the agency's version
        with scope(agency=world.agency):
            record_class(
                actor=world.cast.coordinator,
                agency=world.agency,
                attendees=world.people[:5],
                course_type=world.course("CIT-40"),
                completed_on=TODAY - dt.timedelta(days=1),
            )
        page = dashboard_html(world, viewer)
        printed = report_board(world, viewer, monkeypatch)
    cit = printed.result.strategy(4)
    assert cit.numerator == 5
    assert f"{cit.numerator} of {cit.denominator}" in page or f"{cit.numerator} / {cit.denominator}" in page


def test_changed_designated_positions_reach_the_dashboard_body(world: World) -> None:
    from onemind.roster.services import set_designated_positions

    with time_machine.travel(NOW, tick=False):
        viewer = world.cast.client_for("viewer")
        before = dashboard_html(world, viewer)
        with scope(agency=world.agency):
            set_designated_positions(actor=world.cast.admin, agency=world.agency, positions=[])
        after = dashboard_html(world, viewer)
        assert after != before
        cache.clear()
        assert fresh_body(world) in after


def test_a_back_dated_partnership_reaches_the_history(world: World) -> None:
    from onemind.partnerships.services import create_partnership, update_partnership

    with time_machine.travel(NOW, tick=False):
        with scope(agency=world.agency):
            update_partnership(actor=world.cast.admin, partnership=world.partnership, ends_on=dt.date(2025, 6, 30))
        with scopes_disabled():
            first = agency_dashboard(world.agency, TODAY, today=TODAY, show_names=True)
        assert {p.partnership.value for p in first.history} == {"unmet"}
        dashboard_html(world, world.cast.client_for("viewer"))
        with scope(agency=world.agency):
            create_partnership(
                actor=world.cast.admin,
                agency=world.agency,
                organization=world.partnership.organization,
                agreement_type="mou",
                effective_on=dt.date(2026, 2, 1),
                agency_signed_on=dt.date(2026, 1, 20),
                partner_signed_on=dt.date(2026, 1, 21),
                agency_liaison_name="Sgt. Liaison",
                partner_liaison_name="Dr. Partner",
                document=stored_pdf(),
            )
        with scopes_disabled():
            board = agency_dashboard(world.agency, TODAY, today=TODAY, show_names=True)
        states = {p.on: p.partnership.value for p in board.history}
        assert states[dt.date(2026, 1, 31)] == "unmet"
        assert states[dt.date(2026, 2, 28)] == states[TODAY] == "met"
        page = dashboard_html(world, world.cast.client_for("viewer"))
        cache.clear()
        assert fresh_body(world) in page


def _public_counts(world: World) -> tuple[int, int, int]:
    public = world.cast.client_for("anonymous")
    numbers = public.get(reverse("public:numbers")).context["figures"].totals["recognized"]
    landing = public.get(reverse("public:landing")).context["figures"].totals["recognized"]
    listed = public.get(reverse("public:recognized")).context["page"].paginator.count
    return numbers, landing, listed


def test_numbers_landing_and_recognized_list_agree_after_recognition_and_revocation(world: World) -> None:
    from onemind.reviews.services import recognize_agency, revoke_recognition

    with time_machine.travel(NOW, tick=False):
        assert _public_counts(world) == (0, 0, 0)
        with scope(agency=world.agency):
            _all_verified(world)
            recognize_agency(actor=world.cast.staff, agency=world.agency)
        assert _public_counts(world) == (1, 1, 1)
        with scope(agency=world.agency):
            revoke_recognition(actor=world.cast.staff, agency=world.agency, reason="The agreement ended.")
        assert _public_counts(world) == (0, 0, 0)
