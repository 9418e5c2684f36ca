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
from onemind.courses.models import CourseProvider
from onemind.courses.models import Registration as CourseRegistration
from onemind.courses.signals import registration_changed, session_cancelled, session_changed
from onemind.notifications import events
from onemind.notifications.kinds import Category, Kind
from onemind.notifications.models import Notification, NotificationPreference, Reminder
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


def _session(cast: Cast, seats: int = 1, title: str = "MHFA for Public Safety"):  # type: ignore[no-untyped-def]
    with scopes_disabled():
        provider = CourseProvider.objects.filter(members__user=cast.provider).first() or make_provider(cast.provider)
        return make_session(provider, seats=seats, title=title)


def _register(cast: Cast, session: object, people: list, capture) -> object:  # type: ignore[no-untyped-def,type-arg]
    with capture(execute=True), scope(agency=cast.agency):
        return courses.register_people(actor=cast.coordinator, session=session, agency=cast.agency, people=people)


def test_a_confirmed_and_a_waitlisted_registration_tell_the_coordinator_and_the_officer(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(f"reg-{uuid.uuid4().hex[:6]}@example.org", "Officer")
    seated = make_person(cast.agency, first_name="Rory", last_name="Ash", user=officer)
    waiting = make_person(cast.agency, first_name="Sam", last_name="Birch")
    session = _session(cast, seats=1)
    _register(cast, session, [seated, waiting], django_capture_on_commit_callbacks)
    assert _rows() == sorted(
        [
            ("coordinator@example.org", Kind.REGISTRATION_CONFIRMED),
            ("coordinator@example.org", Kind.REGISTRATION_WAITLISTED),
            (officer.email, Kind.REGISTRATION_CONFIRMED),
        ]
    )
    assert mail.outbox == []  # nothing is e-mailed before the worker runs
    send_due()
    send_due()
    # One e-mail per recipient per event: the coordinator for both people, the officer for their own seat.
    assert kinds_by_recipient() == {
        "coordinator@example.org": [Kind.REGISTRATION_CONFIRMED, Kind.REGISTRATION_WAITLISTED],
        officer.email: [Kind.REGISTRATION_CONFIRMED],
    }
    day = f"{session.starts_local:%Y-%m-%d}"
    subjects = {(m.to[0], m.subject) for m in mail.outbox}
    assert subjects == {
        ("coordinator@example.org", f"OneMind: Seat held: Rory Ash on MHFA for Public Safety {day}"),
        ("coordinator@example.org", f"OneMind: Waitlisted: Sam Birch on MHFA for Public Safety {day}"),
        (officer.email, f"OneMind: Seat held: MHFA for Public Safety {day}"),
    }
    own = next(m for m in mail.outbox if m.to == [officer.email])
    assert "A seat is held for you." in own.body and "Session: MHFA for Public Safety" in own.body
    with scopes_disabled():
        titles = sorted(Notification.objects.filter(user=cast.coordinator).values_list("title", flat=True))
    assert titles == [
        f"Seat held: Rory Ash on MHFA for Public Safety {day}",
        f"Waitlisted: Sam Birch on MHFA for Public Safety {day}",
    ]


def test_registration_notices_follow_the_coordinators_preferences(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    NotificationPreference.objects.create(
        user=cast.coordinator, category=Category.REGISTRATIONS, email=False, in_app=True
    )
    _register(cast, _session(cast), [make_person(cast.agency)], django_capture_on_commit_callbacks)
    send_due()
    assert mail.outbox == []
    with scopes_disabled():
        assert Notification.objects.filter(user=cast.coordinator, kind=Kind.REGISTRATION_CONFIRMED).count() == 1
    NotificationPreference.objects.filter(user=cast.coordinator).update(in_app=False)
    _register(cast, _session(cast, title="Second"), [make_person(cast.agency)], django_capture_on_commit_callbacks)
    send_due()
    with scopes_disabled():
        assert Notification.objects.filter(user=cast.coordinator).count() == 1
        assert Reminder.objects.filter(status=Reminder.Status.SKIPPED).count() == 1
    assert mail.outbox == []


def test_a_cancelled_session_tells_each_coordinator_once(cast: Cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    session = _session(cast, seats=2)
    _register(cast, session, [make_person(cast.agency), make_person(cast.agency)], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True), scopes_disabled():
        courses.cancel_session(actor=cast.provider, session=session, reason="Instructor ill")
    with scopes_disabled():
        cancelled = Reminder.objects.filter(kind=Kind.SESSION_CANCELLED).values_list("recipient__email", flat=True)
        assert list(cancelled) == ["coordinator@example.org"]
        assert not Reminder.objects.filter(kind=Kind.REGISTRATION_CANCELLED).exists()


def test_a_repeated_signal_plans_one_reminder(cast: Cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    _register(cast, _session(cast), [make_person(cast.agency)], django_capture_on_commit_callbacks)
    with scopes_disabled():
        registration = CourseRegistration.objects.get()
    registration_changed.send(sender=CourseRegistration, registration=registration, change="confirmed")
    assert _rows() == [("coordinator@example.org", Kind.REGISTRATION_CONFIRMED)]


def test_a_repeated_session_change_plans_one_reminder_but_each_edit_its_own(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    session = _session(cast)
    _register(cast, session, [make_person(cast.agency)], django_capture_on_commit_callbacks)
    with scopes_disabled():
        active = list(CourseRegistration.objects.all())
    changes = {"where": ("Springfield, IL", "Decatur, IL")}
    for change_id in (7, 7, 8):
        session_changed.send(sender=None, session=session, registrations=active, changes=changes, change_id=change_id)
    with scopes_disabled():
        assert Reminder.objects.filter(kind=Kind.SESSION_CHANGED).count() == 2
    send_due()
    changed = [m for m in mail.outbox if "Session changed" in m.subject]
    assert len(changed) == 2 and all(m.to == ["coordinator@example.org"] for m in changed)
    assert "Where: Springfield, IL → Decatur, IL" in changed[0].body


def test_a_registration_nobody_owns_goes_to_the_agencys_coordinators_and_administrators(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _register(cast, _session(cast), [make_person(cast.agency)], django_capture_on_commit_callbacks)
    with scopes_disabled():
        registration = CourseRegistration.objects.select_related("session", "person", "agency").get()
        Reminder.objects.all().delete()
    registration.registered_by = None  # the coordinator's account was deleted since
    events.on_registration_changed(sender=None, registration=registration, change="waitlisted")
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
    stand_in.session_changed = Signal()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "onemind.courses.signals", stand_in)
    monkeypatch.setattr(importlib.import_module("onemind.courses"), "signals", stand_in, raising=False)
    events.connect()
    assert stand_in.registration_changed.has_listeners()  # type: ignore[attr-defined]
    assert stand_in.session_cancelled.has_listeners()  # type: ignore[attr-defined]
    assert stand_in.session_changed.has_listeners()  # type: ignore[attr-defined]


def test_the_real_course_signals_are_connected() -> None:
    assert (
        registration_changed.has_listeners() and session_cancelled.has_listeners() and session_changed.has_listeners()
    )
    receivers = [r[1]() for r in registration_changed.receivers]  # type: ignore[misc]
    assert events.on_registration_changed in receivers
    # Course e-mail goes only through notifications: the courses app has no receiver of its own any more.
    for signal in (registration_changed, session_cancelled, session_changed):
        assert not [r for r in (ref[1]() for ref in signal.receivers) if r.__module__.startswith("onemind.courses")]  # type: ignore[misc,union-attr]
