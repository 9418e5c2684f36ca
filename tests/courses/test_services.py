"""Publishing, registering, the waitlist, cancellations and attendance, through the service functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_scopes import scopes_disabled

from onemind.courses import services
from onemind.courses.models import CourseSession, Registration
from onemind.courses.signals import registration_changed, session_cancelled
from onemind.notifications.sender import send_due
from onemind.training.models import TrainingRecord
from tests.conftest import Cast, make_user
from tests.courses.helpers import make_session, past, session_values
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db


def _register(cast: Cast, session: CourseSession, *people: Any) -> services.RegisterResult:
    with scopes_disabled():
        return services.register_people(actor=cast.coordinator, session=session, agency=cast.agency, people=people)


def _statuses(session: CourseSession) -> dict[str, str]:
    with scopes_disabled():
        return {r.person.last_name: r.status for r in Registration.objects.filter(session=session)}


class TestPublishing:
    def test_it_publishes_a_session_with_coordinates_from_the_zip_code(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org, latitude=None, longitude=None, zip_code="62701")
        assert session.latitude == pytest.approx(39.8, abs=0.01)
        assert session.longitude == pytest.approx(-89.65, abs=0.01)

    def test_it_finds_coordinates_from_the_city_when_there_is_no_zip(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org, latitude=None, longitude=None, city="Decatur", state="IL")
        assert session.latitude == pytest.approx(39.84, abs=0.1)

    @pytest.mark.parametrize("seats", [0, -3])
    def test_it_rejects_zero_or_negative_seats(self, cast: Cast, provider_org: Any, seats: int) -> None:
        with pytest.raises(ValidationError) as err:
            make_session(provider_org, seats=seats)
        assert "seats" in err.value.message_dict
        assert not CourseSession.objects.exists()

    def test_the_database_refuses_zero_seats_too(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        with pytest.raises(IntegrityError), transaction.atomic():
            CourseSession.objects.filter(pk=session.pk).update(seats=0)

    def test_it_rejects_an_end_before_the_start(self, cast: Cast, provider_org: Any) -> None:
        values = session_values()
        with pytest.raises(ValidationError) as err:
            make_session(provider_org, ends_at=values["starts_at"] - dt.timedelta(hours=1))
        assert err.value.message_dict["ends_at"] == ["The session must end after it starts."]

    def test_it_rejects_a_time_without_a_time_zone(self, cast: Cast, provider_org: Any) -> None:
        naive = dt.datetime(2030, 5, 1, 8, 0)
        with pytest.raises(ValidationError) as err:
            make_session(provider_org, starts_at=naive, ends_at=naive + dt.timedelta(hours=8))
        assert err.value.message_dict["starts_at"] == ["Give the time with its time zone."]
        assert not CourseSession.objects.exists()

    def test_it_rejects_an_unknown_time_zone_name(self, cast: Cast, provider_org: Any) -> None:
        with pytest.raises(ValidationError) as err:
            make_session(provider_org, timezone="Mars/Olympus_Mons")
        assert "timezone" in err.value.message_dict

    def test_registration_must_close_before_the_start(self, cast: Cast, provider_org: Any) -> None:
        values = session_values()
        with pytest.raises(ValidationError) as err:
            make_session(provider_org, registration_deadline=values["starts_at"] + dt.timedelta(hours=1))
        assert "registration_deadline" in err.value.message_dict

    def test_seats_cannot_drop_below_the_seats_held(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org, seats=2)
        _register(cast, session, make_person(cast.agency), make_person(cast.agency))
        with pytest.raises(ValidationError) as err:
            services.update_session(actor=cast.provider, session=session, seats=1)
        assert "2 seats are already held" in err.value.message_dict["seats"][0]

    def test_more_seats_promote_the_waitlist(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org, seats=1)
        _register(
            cast, session, make_person(cast.agency, last_name="First"), make_person(cast.agency, last_name="Next")
        )
        services.update_session(actor=cast.provider, session=session, seats=2)
        assert _statuses(session) == {"First": "confirmed", "Next": "confirmed"}


class TestRegistration:
    def test_seats_are_held_then_the_rest_waitlisted_in_order(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org, seats=2)
        people = [make_person(cast.agency, last_name=n) for n in ("Ames", "Bell", "Cole")]
        result = _register(cast, session, *people)
        assert [r.person.last_name for r in result.confirmed] == ["Ames", "Bell"]
        assert [r.person.last_name for r in result.waitlisted] == ["Cole"]

    def test_a_cancellation_promotes_the_first_waiting(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org, seats=1)
        a, b, c = (make_person(cast.agency, last_name=n) for n in ("Ames", "Bell", "Cole"))
        first = _register(cast, session, a).confirmed[0]
        _register(cast, session, b)
        _register(cast, session, c)
        promoted = services.cancel_registration(actor=cast.coordinator, registration=first)
        assert promoted is not None and promoted.person == b
        assert _statuses(session) == {"Ames": "cancelled", "Bell": "confirmed", "Cole": "waitlisted"}

    def test_cancelling_a_waitlisted_person_promotes_nobody(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org, seats=1)
        result = _register(
            cast, session, make_person(cast.agency, last_name="A"), make_person(cast.agency, last_name="B")
        )
        assert services.cancel_registration(actor=cast.coordinator, registration=result.waitlisted[0]) is None
        assert _statuses(session) == {"A": "confirmed", "B": "cancelled"}

    def test_a_cancelled_registration_cannot_be_cancelled_again(self, cast: Cast, provider_org: Any) -> None:
        reg = _register(cast, make_session(provider_org), make_person(cast.agency)).confirmed[0]
        services.cancel_registration(actor=cast.coordinator, registration=reg)
        with pytest.raises(ValidationError):
            services.cancel_registration(actor=cast.coordinator, registration=reg)

    def test_registration_after_the_deadline_is_refused(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        CourseSession.objects.filter(pk=session.pk).update(
            registration_deadline=session.starts_at - dt.timedelta(days=400)
        )
        with pytest.raises(ValidationError, match="Registration closed on"):
            _register(cast, session, make_person(cast.agency))
        assert _statuses(session) == {}

    def test_registration_for_a_cancelled_session_is_refused(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        services.cancel_session(actor=cast.provider, session=session, reason="Instructor ill")
        with pytest.raises(ValidationError, match="cancelled"):
            _register(cast, session, make_person(cast.agency))

    def test_a_person_of_another_agency_cannot_be_registered(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        stranger = make_person(cast.other_agency)
        with pytest.raises(ValidationError, match="this agency's roster"):
            _register(cast, session, stranger)
        assert _statuses(session) == {}

    def test_a_duplicate_registration_is_refused(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        person = make_person(cast.agency, last_name="Twice")
        _register(cast, session, person)
        with pytest.raises(ValidationError, match="Already registered for this session: Alex Twice"):
            _register(cast, session, person)
        with scopes_disabled():
            assert Registration.objects.filter(session=session).count() == 1

    def test_the_database_refuses_two_active_registrations_of_one_person(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        person = make_person(cast.agency)
        reg = _register(cast, session, person).confirmed[0]
        with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
            Registration.objects.create(session=session, agency=cast.agency, person=person, status="waitlisted")
        # After a cancellation the person may register again.
        services.cancel_registration(actor=cast.coordinator, registration=reg)
        assert _register(cast, session, person).confirmed

    def test_it_announces_changes_after_commit_and_emails_the_coordinator_once_each(
        self, cast: Cast, provider_org: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        heard: list[str] = []

        def listener(sender: Any, registration: Registration, change: str, **kwargs: Any) -> None:
            heard.append(f"{registration.person.last_name}:{change}")

        registration_changed.connect(listener)
        try:
            session = make_session(provider_org, seats=1)
            with django_capture_on_commit_callbacks(execute=True):
                result = _register(
                    cast,
                    session,
                    make_person(cast.agency, last_name="Ames"),
                    make_person(cast.agency, last_name="Bell"),
                )
            assert heard == ["Ames:confirmed", "Bell:waitlisted"]
            assert mail.outbox == []  # e-mail goes through the notification worker, never straight from here
            with django_capture_on_commit_callbacks(execute=True):
                services.cancel_registration(actor=cast.coordinator, registration=result.confirmed[0])
            assert heard[2:] == ["Ames:cancelled", "Bell:promoted"]
        finally:
            registration_changed.disconnect(listener)
        send_due()
        send_due()  # a second run of the worker sends nothing again
        day = f"{session.starts_local:%Y-%m-%d}"
        assert sorted(m.subject for m in mail.outbox) == [
            f"OneMind: Registration cancelled: Alex Ames on CIT-40 {day}",
            f"OneMind: Seat held: Alex Ames on CIT-40 {day}",
            f"OneMind: Seat now held: Alex Bell on CIT-40 {day}",
            f"OneMind: Waitlisted: Alex Bell on CIT-40 {day}",
        ]
        assert [m.to for m in mail.outbox] == [["coordinator@example.org"]] * 4
        promoted = next(m for m in mail.outbox if "Seat now held" in m.subject)
        assert_describes_session(promoted, session)
        assert "A seat freed up and is now held for Alex Bell." in promoted.body


def assert_describes_session(message: Any, session: CourseSession) -> None:
    """What the registrant needs: the course, dates with the session's zone, the place, the provider, a link."""
    start, end = session.starts_local, session.ends_local
    for text in (
        "Course: CIT-40",
        f"When: {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} (America/Chicago)",
        "Where: 1 Training Way, Springfield, IL",
        "Provider: Prairie CIT Program (contact: cit@example.org)",
        f"/courses/{session.public_id}/",
    ):
        assert text in message.body
    html = message.alternatives[0][0]
    assert f'href="{settings.SITE_URL}/courses/{session.public_id}/"' in html
    assert "America/Chicago" in html


class TestCancellingASession:
    def test_it_cancels_every_registration_and_tells_each_registrant_once(
        self, cast: Cast, provider_org: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        heard: list[int] = []

        def listener(sender: Any, session: CourseSession, registrations: list[Registration], **kw: Any) -> None:
            heard.append(len(registrations))

        session_cancelled.connect(listener)
        officer = make_user("own-login@example.org", "Own Login")
        try:
            session = make_session(provider_org, seats=1)
            with django_capture_on_commit_callbacks(execute=True):
                _register(
                    cast,
                    session,
                    make_person(cast.agency, last_name="A"),
                    make_person(cast.agency, last_name="B", user=officer),
                )
            send_due()
            mail.outbox.clear()
            with django_capture_on_commit_callbacks(execute=True):
                services.cancel_session(actor=cast.provider, session=session, reason="Venue flooded")
        finally:
            session_cancelled.disconnect(listener)
        assert heard == [2]
        assert _statuses(session) == {"A": "cancelled", "B": "cancelled"}
        send_due()
        send_due()
        by_recipient = {m.to[0]: m for m in mail.outbox}
        assert len(mail.outbox) == 2 and set(by_recipient) == {"coordinator@example.org", officer.email}
        to_coordinator, to_officer = by_recipient["coordinator@example.org"], by_recipient[officer.email]
        assert to_coordinator.subject == f"OneMind: Session cancelled: CIT-40 {session.starts_local:%Y-%m-%d}"
        assert "The provider cancelled this session: Venue flooded" in to_coordinator.body
        assert "Registrations cancelled: Alex A, Alex B." in to_coordinator.body
        assert "Your registration is cancelled." in to_officer.body
        assert_describes_session(to_coordinator, session)

    def test_it_needs_a_reason(self, cast: Cast, provider_org: Any) -> None:
        with pytest.raises(ValidationError):
            services.cancel_session(actor=cast.provider, session=make_session(provider_org), reason="  ")


class TestChangingASession:
    def _registered(self, cast: Cast, provider_org: Any, capture: Any) -> tuple[CourseSession, Any]:
        officer = make_user("moved-officer@example.org", "Moved Officer")
        session = make_session(provider_org, seats=1)
        with capture(execute=True):
            _register(cast, session, make_person(cast.agency, last_name="A"), make_person(cast.agency, user=officer))
        send_due()
        mail.outbox.clear()
        return session, officer

    def test_a_new_date_and_place_tell_each_registrant_what_changed(
        self, cast: Cast, provider_org: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        session, officer = self._registered(cast, provider_org, django_capture_on_commit_callbacks)
        old_when = session.when_label
        with django_capture_on_commit_callbacks(execute=True):
            moved = services.update_session(
                actor=cast.provider,
                session=session,
                starts_at=session.starts_at + dt.timedelta(days=1),
                ends_at=session.ends_at + dt.timedelta(days=1),
                address="9 Lake Road",
                city="Decatur",
                latitude=None,
                longitude=None,
            )
        send_due()
        send_due()
        by_recipient = {m.to[0]: m for m in mail.outbox}
        assert len(mail.outbox) == 2 and set(by_recipient) == {"coordinator@example.org", officer.email}
        body = by_recipient["coordinator@example.org"].body
        assert by_recipient[officer.email].subject == f"OneMind: Session changed: CIT-40 {moved.starts_local:%Y-%m-%d}"
        assert f"When: {old_when} → {moved.when_label}" in body
        assert "Where: 1 Training Way, Springfield, IL → 9 Lake Road, Decatur, IL" in body
        assert "(America/Chicago)" in body and f"/courses/{session.public_id}/" in body
        assert "Registered: Alex A, Alex Testperson" in body
        assert "You are registered." in by_recipient[officer.email].body

    def test_a_new_time_zone_alone_is_a_change(
        self, cast: Cast, provider_org: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        session, _officer = self._registered(cast, provider_org, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            services.update_session(actor=cast.provider, session=session, timezone="America/Denver")
        send_due()
        changed = [m for m in mail.outbox if m.to == ["coordinator@example.org"]]
        assert len(changed) == 1
        assert "(America/Chicago) → " in changed[0].body and "(America/Denver)" in changed[0].body
        assert "Where: 1 Training Way, Springfield, IL" in changed[0].body  # unchanged, stated plainly

    def test_notes_hours_or_contact_edits_tell_nobody(
        self, cast: Cast, provider_org: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        session, _officer = self._registered(cast, provider_org, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.update_session(
                actor=cast.provider, session=session, notes="Bring a notebook", hours=32, contact="desk@example.org"
            )
        send_due()
        assert mail.outbox == [] and callbacks == []

    def test_a_session_without_registrants_tells_nobody(
        self, cast: Cast, provider_org: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        session = make_session(provider_org)
        with django_capture_on_commit_callbacks(execute=True):
            services.update_session(actor=cast.provider, session=session, city="Decatur", latitude=None, longitude=None)
        send_due()
        assert mail.outbox == []


class TestAttendance:
    def _attended(self, cast: Cast, provider_org: Any, n: int = 2) -> tuple[CourseSession, list[Registration]]:
        session = make_session(provider_org, seats=n)
        regs = _register(cast, session, *(make_person(cast.agency) for _ in range(n))).confirmed
        return past(session), regs

    def test_completions_become_pending_course_records_in_the_agency(self, cast: Cast, provider_org: Any) -> None:
        session, (done, absent) = self._attended(cast, provider_org)
        result = services.record_attendance(
            actor=cast.provider,
            session=session,
            marks=[
                services.Mark(str(done.public_id), attended=True, completed=True, certificate_number="CIT-0042"),
                services.Mark(str(absent.public_id), attended=False),
            ],
        )
        assert len(result.records) == 1
        with scopes_disabled():
            record = TrainingRecord.objects.get()
        assert (record.status, record.source, record.person_id) == ("pending", "course", done.person_id)
        assert record.course_type.code == "CIT-40" and record.certificate_number == "CIT-0042"
        assert record.provider == provider_org.name and record.hours == 40
        assert record.completed_on == session.ends_local.date()

    def test_recording_again_never_sends_a_record_twice(self, cast: Cast, provider_org: Any) -> None:
        session, (reg, _) = self._attended(cast, provider_org)
        mark = services.Mark(str(reg.public_id), attended=True, completed=True)
        services.record_attendance(actor=cast.provider, session=session, marks=[mark])
        again = services.record_attendance(actor=cast.provider, session=session, marks=[mark])
        assert again.records == []
        with scopes_disabled():
            assert TrainingRecord.objects.count() == 1

    def test_a_record_the_agency_already_typed_is_linked_not_duplicated(self, cast: Cast, provider_org: Any) -> None:
        session, (reg, _) = self._attended(cast, provider_org)
        typed = make_training(reg.person, "CIT-40", session.ends_local.date())
        result = services.record_attendance(
            actor=cast.provider, session=session, marks=[services.Mark(str(reg.public_id), True, True)]
        )
        assert result.records == [] and len(result.already_on_file) == 1
        with scopes_disabled():
            assert Registration.objects.get(pk=reg.pk).training_record == typed

    def test_attendance_for_someone_not_registered_is_refused(self, cast: Cast, provider_org: Any) -> None:
        session, (reg, _) = self._attended(cast, provider_org)
        other = make_session(provider_org, seats=1)
        elsewhere = _register(cast, other, make_person(cast.agency)).confirmed[0]
        for stranger in (str(elsewhere.public_id), "not-a-registration"):
            with pytest.raises(ValidationError, match="holding a seat on this session"):
                services.record_attendance(
                    actor=cast.provider,
                    session=session,
                    marks=[services.Mark(str(reg.public_id), True, True), services.Mark(stranger, True, True)],
                )
        with scopes_disabled():
            assert not TrainingRecord.objects.exists()

    def test_a_waitlisted_person_cannot_be_marked(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org, seats=1)
        result = _register(cast, session, make_person(cast.agency), make_person(cast.agency))
        past(session)
        with pytest.raises(ValidationError):
            services.record_attendance(
                actor=cast.provider, session=session, marks=[services.Mark(str(result.waitlisted[0].public_id), True)]
            )

    def test_attendance_waits_for_the_session_to_start(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        reg = _register(cast, session, make_person(cast.agency)).confirmed[0]
        with pytest.raises(ValidationError, match="once the session has started"):
            services.record_attendance(
                actor=cast.provider, session=session, marks=[services.Mark(str(reg.public_id), True, True)]
            )

    def test_a_registration_with_attendance_cannot_be_cancelled(self, cast: Cast, provider_org: Any) -> None:
        session, (reg, _) = self._attended(cast, provider_org)
        services.record_attendance(
            actor=cast.provider, session=session, marks=[services.Mark(str(reg.public_id), True)]
        )
        with pytest.raises(ValidationError, match="Attendance is recorded"):
            services.cancel_registration(actor=cast.coordinator, registration=reg)
