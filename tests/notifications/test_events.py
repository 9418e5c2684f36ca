"""Reminders caused by events: a submission verified or returned, a course registration changing."""

from __future__ import annotations

import importlib
import sys
import types
import uuid
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import transaction
from django.dispatch import Signal
from django_scopes import scope, scopes_disabled

from onemind.courses import services as courses
from onemind.courses.models import Registration as CourseRegistration
from onemind.courses.signals import registration_changed, session_cancelled
from onemind.notifications import events
from onemind.notifications.kinds import Kind
from onemind.notifications.models import Notification, Reminder
from onemind.notifications.sender import send_due
from onemind.reviews import services as reviews
from tests.conftest import Cast, make_user
from tests.courses.helpers import make_provider, make_session
from tests.notifications.helpers import kinds_by_recipient
from tests.roster.helpers import make_person


def _rows() -> list[tuple[str, str]]:
    with scopes_disabled():
        return sorted(Reminder.objects.values_list("recipient__email", "kind"))


def _submit(cast: Cast, strategy: int = 3):  # type: ignore[no-untyped-def]
    with scope(agency=cast.agency):
        return reviews.submit_strategy(actor=cast.admin, agency=cast.agency, strategy=strategy)


def test_a_verified_submission_tells_the_agency_once(cast: Cast) -> None:
    submission = _submit(cast)
    with scope(agency=cast.agency):
        reviews.verify_submission(actor=cast.staff, submission=submission)
    assert _rows() == [
        ("admin@example.org", Kind.SUBMISSION_VERIFIED),
        ("coordinator@example.org", Kind.SUBMISSION_VERIFIED),
    ]
    send_due()
    send_due()
    assert kinds_by_recipient() == {
        "admin@example.org": [Kind.SUBMISSION_VERIFIED],
        "coordinator@example.org": [Kind.SUBMISSION_VERIFIED],
    }


def test_each_return_of_a_resubmitted_submission_is_its_own_notice(cast: Cast) -> None:
    submission = _submit(cast)
    with scope(agency=cast.agency):
        reviews.return_submission(actor=cast.staff, submission=submission, comment="Add the class rosters")
    assert {kind for _e, kind in _rows()} == {Kind.SUBMISSION_RETURNED}
    with scopes_disabled():
        submission.round += 1
        submission.state = "submitted"
        submission.save()
    with scope(agency=cast.agency):
        reviews.return_submission(actor=cast.staff, submission=submission, comment="Still missing")
    assert len(_rows()) == 4


def test_a_review_that_rolls_back_leaves_no_reminder(cast: Cast) -> None:
    submission = _submit(cast)
    with pytest.raises(RuntimeError), scope(agency=cast.agency), transaction.atomic():
        reviews.verify_submission(actor=cast.staff, submission=submission)
        raise RuntimeError("the request failed after the review")
    assert _rows() == []


def _session(cast: Cast, seats: int = 1):  # type: ignore[no-untyped-def]
    with scopes_disabled():
        return make_session(make_provider(cast.provider), seats=seats, title="MHFA for Public Safety")


def _register(cast: Cast, session: object, people: list, capture) -> object:  # type: ignore[no-untyped-def,type-arg]
    with capture(execute=True), scope(agency=cast.agency):
        return courses.register_people(actor=cast.coordinator, session=session, agency=cast.agency, people=people)


def test_a_confirmed_and_a_waitlisted_registration_tell_the_coordinator_and_the_officer(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(f"reg-{uuid.uuid4().hex[:6]}@example.org", "Officer")
    seated = make_person(cast.agency, first_name="Rory", user=officer)
    waiting = make_person(cast.agency, first_name="Sam")
    _register(cast, _session(cast, seats=1), [seated, waiting], django_capture_on_commit_callbacks)
    assert _rows() == sorted(
        [
            ("coordinator@example.org", Kind.REGISTRATION_CONFIRMED),
            ("coordinator@example.org", Kind.REGISTRATION_WAITLISTED),
            (officer.email, Kind.REGISTRATION_CONFIRMED),
        ]
    )
    mail.outbox.clear()  # the courses app's own e-mails to the coordinator
    send_due()
    # The coordinator already has the courses app's e-mail: in-app only from us. The officer gets an e-mail.
    assert kinds_by_recipient() == {officer.email: [Kind.REGISTRATION_CONFIRMED]}
    assert mail.outbox[0].subject == "OneMind: Registration confirmed: MHFA for Public Safety"
    with scopes_disabled():
        titles = sorted(Notification.objects.filter(user=cast.coordinator).values_list("title", flat=True))
    assert titles == [
        "Registration confirmed: MHFA for Public Safety",
        "Registration waitlisted: MHFA for Public Safety",
    ]


def test_a_cancelled_session_tells_every_registration(cast: Cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    session = _session(cast, seats=2)
    _register(cast, session, [make_person(cast.agency), make_person(cast.agency)], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True), scopes_disabled():
        courses.cancel_session(actor=cast.provider, session=session, reason="Instructor ill")
    with scopes_disabled():
        cancelled = Reminder.objects.filter(kind=Kind.REGISTRATION_CANCELLED).values_list("recipient__email", flat=True)
        assert sorted(cancelled) == ["coordinator@example.org"] * 2


def test_a_repeated_signal_plans_one_reminder(cast: Cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    _register(cast, _session(cast), [make_person(cast.agency)], django_capture_on_commit_callbacks)
    with scopes_disabled():
        registration = CourseRegistration.objects.get()
    registration_changed.send(sender=CourseRegistration, registration=registration, change="confirmed")
    assert _rows() == [("coordinator@example.org", Kind.REGISTRATION_CONFIRMED)]


def test_a_registration_nobody_owns_goes_to_the_agencys_coordinators_and_administrators(cast: Cast) -> None:
    stand_in = SimpleNamespace(
        pk=41,
        session=SimpleNamespace(title="CIT-40 week", starts_at=None),
        agency=cast.agency,
        agency_id=cast.agency.pk,
        person=make_person(cast.agency),
        registered_by_id=None,
    )
    events.on_registration_changed(sender=None, registration=stand_in, change="waitlisted")
    assert _rows() == [
        ("admin@example.org", Kind.REGISTRATION_WAITLISTED),
        ("coordinator@example.org", Kind.REGISTRATION_WAITLISTED),
    ]


def test_a_broken_receiver_never_breaks_the_action(cast: Cast) -> None:
    broken = SimpleNamespace(pk=1, agency_id=cast.agency.pk)  # no session, no person
    events.on_registration_changed(sender=None, registration=broken, change="confirmed")
    assert _rows() == []


def test_the_receivers_connect_to_any_module_with_the_agreed_signals(monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in = types.ModuleType("onemind.courses.signals")
    stand_in.registration_changed = Signal()  # type: ignore[attr-defined]
    stand_in.session_cancelled = Signal()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "onemind.courses.signals", stand_in)
    monkeypatch.setattr(importlib.import_module("onemind.courses"), "signals", stand_in, raising=False)
    events.connect()
    assert stand_in.registration_changed.has_listeners()  # type: ignore[attr-defined]
    assert stand_in.session_cancelled.has_listeners()  # type: ignore[attr-defined]


def test_the_real_course_signals_are_connected() -> None:
    assert registration_changed.has_listeners() and session_cancelled.has_listeners()
    receivers = [r[1]() for r in registration_changed.receivers]  # type: ignore[misc]
    assert events.on_registration_changed in receivers
