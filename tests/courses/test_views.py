"""The course pages through their URLs: finder, session page, provider pages, agency registration and demand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.compliance.selectors import agency_dashboard
from onemind.courses import services
from onemind.courses.models import CourseSession, Registration
from onemind.engine import CIT
from onemind.notifications.sender import send_due
from onemind.training.models import TrainingRecord
from tests.conftest import Cast
from tests.courses.helpers import DECATUR, make_provider, make_session, past
from tests.roster.helpers import make_person

pytestmark = pytest.mark.django_db


def _finder(client: Any, **params: str) -> Any:
    return client.get(reverse("courses:finder"), params)


class TestFinder:
    def test_it_lists_upcoming_sessions_to_anyone(self, cast: Cast, provider_org: Any) -> None:
        make_session(provider_org, title="Spring academy")
        response = _finder(cast.client_for("anonymous"))
        assert response.status_code == 200
        assert "Spring academy" in response.content.decode()

    def test_it_filters_by_type_state_format_and_dates(self, cast: Cast, provider_org: Any) -> None:
        make_session(provider_org, code="CIT-40", title="Cit here", days=10)
        make_session(provider_org, code="MHFA-PS", title="Mhfa here", hours=8, days=40)
        make_session(
            provider_org,
            code="CIT-40",
            title="Virtual one",
            format="virtual",
            city="",
            state="",
            days=20,
            latitude=None,
            longitude=None,
        )
        make_session(
            provider_org,
            code="CIT-40",
            title="Indiana one",
            city="Indianapolis",
            state="IN",
            latitude=39.77,
            longitude=-86.16,
            days=12,
        )
        client = cast.client_for("anonymous")

        def titles(**params: str) -> set[str]:
            return {f.session.title for f in _finder(client, **params).context["page"]}

        assert titles(type="MHFA-PS") == {"Mhfa here"}
        assert titles(state="in") == {"Indiana one"}
        assert titles(format="virtual") == {"Virtual one"}
        soon = (timezone.localdate() + dt.timedelta(days=15)).isoformat()
        assert titles(to=soon) == {"Cit here", "Indiana one"}
        assert titles(**{"from": soon}) == {"Virtual one", "Mhfa here"}

    def test_it_finds_sessions_by_distance_from_a_zip_code_nearest_first(self, cast: Cast, provider_org: Any) -> None:
        make_session(provider_org, title="Far", latitude=DECATUR[0], longitude=DECATUR[1], days=5)
        make_session(provider_org, title="Near", days=9)
        make_session(provider_org, title="Chicago", latitude=41.88, longitude=-87.63, days=3)
        response = _finder(cast.client_for("anonymous"), near="62701", radius="50", sort="distance")
        found = list(response.context["page"])
        assert [f.session.title for f in found] == ["Near", "Far"]
        assert found[0].miles < 1 and 30 < found[1].miles < 40
        assert "within 50 miles of ZIP 62701" in response.content.decode()

    def test_it_finds_sessions_near_a_city(self, cast: Cast, provider_org: Any) -> None:
        make_session(provider_org, title="Near")
        response = _finder(cast.client_for("anonymous"), near="Springfield, IL", radius="25")
        assert [f.session.title for f in response.context["page"]] == ["Near"]

    def test_it_finds_sessions_near_the_signed_in_users_agency(self, cast: Cast, provider_org: Any) -> None:
        cast.agency.latitude, cast.agency.longitude = DECATUR
        cast.agency.save()
        make_session(provider_org, title="Near")
        make_session(provider_org, title="Chicago", latitude=41.88, longitude=-87.63)
        response = _finder(cast.client_for("coordinator"), agency=cast.agency.slug, radius="50", sort="distance")
        assert [f.session.title for f in response.context["page"]] == ["Near"]
        # Someone else's agency is not a starting point: the filter is dropped with a message.
        response = _finder(cast.client_for("outsider"), agency=cast.agency.slug, radius="50")
        assert "for its signed-in members" in response.content.decode()
        assert len(response.context["page"]) == 2

    def test_an_unknown_place_is_explained_not_an_error(self, cast: Cast, provider_org: Any) -> None:
        make_session(provider_org)
        response = _finder(cast.client_for("anonymous"), near="Atlantis, ZZ", sort="distance")
        assert response.status_code == 200
        assert "was not found" in response.content.decode()

    def test_it_can_hide_full_sessions(self, cast: Cast, provider_org: Any) -> None:
        full = make_session(provider_org, title="Full", seats=1)
        make_session(provider_org, title="Open", seats=1)
        with scopes_disabled():
            services.register_people(
                actor=cast.coordinator, session=full, agency=cast.agency, people=[make_person(cast.agency)]
            )
        assert {f.session.title for f in _finder(cast.client_for("anonymous"), seats="1").context["page"]} == {"Open"}

    def test_cancelled_and_past_sessions_are_not_listed(self, cast: Cast, provider_org: Any) -> None:
        services.cancel_session(actor=cast.provider, session=make_session(provider_org, title="Gone"), reason="x")
        past(make_session(provider_org, title="Over"))
        assert len(_finder(cast.client_for("anonymous")).context["page"]) == 0

    def test_the_list_costs_a_fixed_number_of_queries(
        self, cast: Cast, provider_org: Any, django_assert_max_num_queries: Any
    ) -> None:
        for i in range(12):
            make_session(provider_org, days=10 + i)
        client = cast.client_for("coordinator")
        with django_assert_max_num_queries(8):
            response = _finder(client, near="62701", sort="distance")
        assert response.context["count"] == 12


class TestSessionPage:
    def test_it_shows_the_session_and_the_agencies_where_the_user_can_register(
        self, cast: Cast, provider_org: Any
    ) -> None:
        session = make_session(provider_org, seats=3, notes="Bring a laptop")
        response = cast.client_for("coordinator").get(reverse("courses:session", args=[session.public_id]))
        text = response.content.decode()
        assert "Bring a laptop" in text and "3 left of 3" in text
        assert reverse("courses_agency:register", args=[cast.agency.slug, session.public_id]) in text
        viewer = cast.client_for("viewer").get(reverse("courses:session", args=[session.public_id]))
        assert "/register/" not in viewer.content.decode()

    def test_times_are_shown_in_the_sessions_own_time_zone(self, cast: Cast, provider_org: Any) -> None:
        # 08:00 in Chicago is 09:00 in the site's default zone (New York): the page must say 08:00.
        session = make_session(provider_org)
        text = cast.client_for("anonymous").get(reverse("courses:session", args=[session.public_id])).content.decode()
        assert f"{session.starts_local:%B} {session.starts_local.day}, {session.starts_local.year}, 08:00" in text
        assert "(America/Chicago)" in text

    def test_a_missing_session_is_not_found(self, cast: Cast) -> None:
        url = reverse("courses:session", args=["00000000-0000-0000-0000-000000000000"])
        assert cast.client_for("anonymous").get(url).status_code == 404


class TestProviderPages:
    def _form(self, **overrides: str) -> dict[str, str]:
        day = timezone.localdate() + dt.timedelta(days=30)
        data = {
            "course_type": str(
                CourseSession._meta.get_field("course_type").related_model.objects.get(code="CIT-40").pk
            ),  # type: ignore[union-attr]
            "start_date": day.isoformat(),
            "start_time": "08:00",
            "end_date": (day + dt.timedelta(days=4)).isoformat(),
            "end_time": "17:00",
            "timezone": "America/Chicago",
            "deadline_date": (day - dt.timedelta(days=3)).isoformat(),
            "hours": "40",
            "format": "in_person",
            "address": "1 Training Way",
            "city": "Springfield",
            "state": "il",
            "zip_code": "62701",
            "seats": "20",
            "cost": "0",
        }
        data.update(overrides)
        return data

    def test_a_provider_publishes_a_session_from_the_form(self, cast: Cast, provider_org: Any) -> None:
        url = reverse("courses:publish", args=[provider_org.slug])
        response = cast.client_for("provider").post(url, self._form())
        session = CourseSession.objects.get()
        assert response.status_code == 302
        assert session.state == "IL" and session.latitude is not None
        assert session.starts_local.hour == 8 and str(session.starts_local.tzinfo) == "America/Chicago"
        assert session.registration_deadline.astimezone(session.zone).time() == dt.time(23, 59)

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"seats": "0"}, "seats", "at least one seat"),
            ({"seats": "-5"}, "seats", "at least one seat"),
            (
                {"end_date": (timezone.localdate() + dt.timedelta(days=20)).isoformat()},
                "end_date",
                "end after it starts",
            ),
            ({"timezone": ""}, "timezone", "required"),
            ({"timezone": "Nowhere/Special"}, "timezone", "Select a valid choice"),
        ],
    )
    def test_the_form_rejects_bad_input(
        self, cast: Cast, provider_org: Any, overrides: dict[str, str], field: str, message: str
    ) -> None:
        url = reverse("courses:publish", args=[provider_org.slug])
        response = cast.client_for("provider").post(url, self._form(**overrides))
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors[field])
        assert not CourseSession.objects.exists()

    def test_a_provider_cannot_edit_another_providers_session(self, cast: Cast, provider_org: Any) -> None:
        rival = make_provider(cast.outsider, name="Rival Training Group")
        theirs = make_session(rival, actor=cast.outsider, seats=5)
        client = cast.client_for("provider")
        assert client.get(reverse("courses:edit", args=[theirs.public_id])).status_code == 404
        response = client.post(reverse("courses:edit", args=[theirs.public_id]), self._form(seats="1"))
        assert response.status_code == 404
        assert client.post(reverse("courses:cancel", args=[theirs.public_id]), {"reason": "x"}).status_code == 404
        assert client.get(reverse("courses:publish", args=[rival.slug])).status_code == 404
        theirs.refresh_from_db()
        assert theirs.seats == 5 and theirs.status == "scheduled"

    def test_the_provider_edits_its_own_session(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        url = reverse("courses:edit", args=[session.public_id])
        client = cast.client_for("provider")
        assert client.get(url).status_code == 200
        assert client.post(url, self._form(seats="30")).status_code == 302
        session.refresh_from_db()
        assert session.seats == 30

    def test_an_edit_of_the_time_tells_registrants_and_a_notes_edit_does_not(
        self, cast: Cast, provider_org: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        client = cast.client_for("provider")
        client.post(reverse("courses:publish", args=[provider_org.slug]), self._form())
        session = CourseSession.objects.get()
        with django_capture_on_commit_callbacks(execute=True), scopes_disabled():
            services.register_people(
                actor=cast.coordinator, session=session, agency=cast.agency, people=[make_person(cast.agency)]
            )
        send_due()
        mail.outbox.clear()
        url = reverse("courses:edit", args=[session.public_id])
        assert b"Registrants are told" in client.get(url).content
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, self._form(notes="Park at the back")).status_code == 302
        send_due()
        assert mail.outbox == []
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, self._form(start_time="09:30")).status_code == 302
        send_due()
        (message,) = mail.outbox
        day = timezone.localdate() + dt.timedelta(days=30)
        assert message.to == ["coordinator@example.org"]
        assert f"When: {day} 08:00 to" in message.body and f"→ {day} 09:30 to" in message.body

    def test_registrants_are_listed_per_agency(
        self, cast: Cast, provider_org: Any, django_assert_max_num_queries: Any
    ) -> None:
        session = make_session(provider_org, seats=3)
        with scopes_disabled():
            for agency, actor in ((cast.agency, cast.coordinator), (cast.other_agency, cast.outsider)):
                people = [make_person(agency) for _ in range(2)]
                services.register_people(actor=actor, session=session, agency=agency, people=people)
        client = cast.client_for("provider")
        with django_assert_max_num_queries(12):
            response = client.get(reverse("courses:registrants", args=[session.public_id]))
        groups = response.context["groups"]
        assert [a.name for a, _ in groups] == ["Shelbyville Police Department", "Springfield Police Department"]
        assert sorted(r.status for _, regs in groups for r in regs) == ["confirmed"] * 3 + ["waitlisted"]

    def test_attendance_from_the_page_sends_pending_records(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org, seats=2)
        with scopes_disabled():
            regs = services.register_people(
                actor=cast.coordinator,
                session=session,
                agency=cast.agency,
                people=[make_person(cast.agency), make_person(cast.agency)],
            ).confirmed
        past(session)
        a, b = (str(r.public_id) for r in regs)
        data = {"registration": [a, b], f"attended-{a}": "on", f"completed-{a}": "on", f"certificate-{a}": "C-1"}
        response = cast.client_for("provider").post(reverse("courses:attendance", args=[session.public_id]), data)
        assert response.status_code == 302
        with scopes_disabled():
            assert list(TrainingRecord.objects.values_list("status", "source", "certificate_number")) == [
                ("pending", "course", "C-1")
            ]
            assert Registration.objects.get(public_id=b).attended is False

    def test_attendance_for_someone_not_registered_is_refused_on_the_page(self, cast: Cast, provider_org: Any) -> None:
        session = past(make_session(provider_org))
        other = make_session(provider_org)
        with scopes_disabled():
            reg = services.register_people(
                actor=cast.coordinator, session=other, agency=cast.agency, people=[make_person(cast.agency)]
            ).confirmed[0]
        rid = str(reg.public_id)
        client = cast.client_for("provider")
        data = {"registration": [rid], f"attended-{rid}": "on", f"completed-{rid}": "on"}
        response = client.post(reverse("courses:attendance", args=[session.public_id]), data, follow=True)
        assert "holding a seat on this session" in response.content.decode()
        with scopes_disabled():
            assert not TrainingRecord.objects.exists()

    def test_the_provider_sees_demand_by_state(self, cast: Cast, provider_org: Any) -> None:
        make_session(provider_org, seats=12)
        response = cast.client_for("provider").get(reverse("courses:state_demand"))
        rows = {r.state: r for r in response.context["rows"]}
        # Both cast agencies are in IL and pledged under the 2016 edition with nobody on the roster yet.
        assert rows["IL"].agencies == 2
        assert rows["IL"].offered["cit"] == 12

    def test_a_non_provider_gets_not_found(self, cast: Cast) -> None:
        assert cast.client_for("coordinator").get(reverse("courses:provider_home")).status_code == 404


class TestAgencyRegistration:
    def _url(self, cast: Cast, session: CourseSession) -> str:
        return reverse("courses_agency:register", args=[cast.agency.slug, session.public_id])

    def test_a_coordinator_registers_three_and_one_is_waitlisted(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org, seats=2)
        people = [make_person(cast.agency, last_name=n) for n in ("Ames", "Bell", "Cole")]
        client = cast.client_for("coordinator")
        assert client.get(self._url(cast, session)).status_code == 200
        response = client.post(self._url(cast, session), {"people": [str(p.public_id) for p in people]}, follow=True)
        text = response.content.decode()
        assert "Seats held for Alex Ames, Alex Bell." in text and "Waitlisted: Alex Cole." in text

    def test_a_person_of_another_agency_is_refused(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        stranger = make_person(cast.other_agency)
        response = cast.client_for("coordinator").post(self._url(cast, session), {"people": [str(stranger.public_id)]})
        assert response.status_code == 400
        assert "not on this agency&#x27;s roster" in response.content.decode()
        with scopes_disabled():
            assert not Registration.objects.exists()

    def test_a_duplicate_registration_is_refused_on_the_page(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        person = make_person(cast.agency, last_name="Twice")
        client = cast.client_for("coordinator")
        client.post(self._url(cast, session), {"people": [str(person.public_id)]})
        response = client.post(self._url(cast, session), {"people": [str(person.public_id)]})
        assert response.status_code == 400
        assert "Already registered for this session: Alex Twice" in response.content.decode()

    def test_after_the_deadline_the_page_says_so(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        CourseSession.objects.filter(pk=session.pk).update(registration_deadline=timezone.now() - dt.timedelta(hours=1))
        person = make_person(cast.agency)
        client = cast.client_for("coordinator")
        assert "Registration closed on" in client.get(self._url(cast, session)).content.decode()
        response = client.post(self._url(cast, session), {"people": [str(person.public_id)]})
        assert response.status_code == 400 and "Registration closed on" in response.content.decode()

    def test_a_cancelled_session_refuses_registration_on_the_page(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        services.cancel_session(actor=cast.provider, session=session, reason="Low enrolment")
        response = cast.client_for("coordinator").post(
            self._url(cast, session), {"people": [str(make_person(cast.agency).public_id)]}
        )
        assert response.status_code == 400 and "This session is cancelled." in response.content.decode()

    def test_cancelling_promotes_the_waitlisted_and_says_so(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org, seats=1)
        a, b = make_person(cast.agency, last_name="Ames"), make_person(cast.agency, last_name="Bell")
        with scopes_disabled():
            result = services.register_people(
                actor=cast.coordinator, session=session, agency=cast.agency, people=[a, b]
            )
        url = reverse("courses_agency:cancel", args=[cast.agency.slug, result.confirmed[0].public_id])
        response = cast.client_for("coordinator").post(url, follow=True)
        assert "Alex Bell moved from the waitlist to a seat." in response.content.decode()

    def test_another_agencys_registration_cannot_be_cancelled(self, cast: Cast, provider_org: Any) -> None:
        session = make_session(provider_org)
        with scopes_disabled():
            theirs = services.register_people(
                actor=cast.outsider, session=session, agency=cast.other_agency, people=[make_person(cast.other_agency)]
            ).confirmed[0]
        url = reverse("courses_agency:cancel", args=[cast.agency.slug, theirs.public_id])
        assert cast.client_for("admin").post(url).status_code == 404
        with scopes_disabled():
            assert Registration.objects.get(pk=theirs.pk).status == "confirmed"

    def test_the_index_shows_demand_and_registrations(
        self, cast: Cast, provider_org: Any, django_assert_max_num_queries: Any
    ) -> None:
        cast.agency.latitude, cast.agency.longitude = DECATUR
        cast.agency.save()
        for _ in range(9):
            make_person(cast.agency)
        session = make_session(provider_org, seats=5)
        with scopes_disabled():
            services.register_people(
                actor=cast.coordinator, session=session, agency=cast.agency, people=[make_person(cast.agency)]
            )
        client = cast.client_for("viewer")
        with django_assert_max_num_queries(25):
            response = client.get(reverse("courses_agency:index", args=[cast.agency.slug]))
        lines = {line.code: line for line in response.context["demand"].lines}
        # 10 sworn, none CIT-trained: ceil(20% of 10) = 2 needed, 1 seat already held.
        assert (lines["CIT-40"].needed, lines["CIT-40"].held, lines["CIT-40"].still_needed) == (2, 1, 1)
        assert lines["CIT-40"].sessions[0].session == session
        assert 30 < lines["CIT-40"].sessions[0].miles < 40
        assert lines["MHFA-PS"].needed == 10 and lines["MHFA-PS"].sessions == []
        assert "Cancel" not in response.content.decode()  # the viewer cannot register or cancel


def test_accepting_a_course_record_raises_the_dashboards_cit_figure(cast: Cast, provider_org: Any) -> None:
    """Attendance → pending record → the agency accepts on the existing pending page → it counts."""
    session = make_session(provider_org, seats=1)
    person = make_person(cast.agency)
    with scopes_disabled():
        reg = services.register_people(actor=cast.coordinator, session=session, agency=cast.agency, people=[person])
    past(session)
    services.record_attendance(
        actor=cast.provider, session=session, marks=[services.Mark(str(reg.confirmed[0].public_id), True, True)]
    )
    today = timezone.localdate()
    with scopes_disabled():
        before = agency_dashboard(cast.agency, today, today=today, show_names=False).result.strategy(CIT).numerator
    client = cast.client_for("coordinator")
    pending = client.get(reverse("training:pending", args=[cast.agency.slug]))
    assert provider_org.name in pending.content.decode()
    with scopes_disabled():
        record = TrainingRecord.objects.get()
    client.post(reverse("training:accept", args=[cast.agency.slug, record.public_id]))
    with scopes_disabled():
        after = agency_dashboard(cast.agency, today, today=today, show_names=False).result.strategy(CIT).numerator
    assert (before, after) == (0, 1)


def test_a_rejected_course_record_does_not_count(cast: Cast, provider_org: Any) -> None:
    session = make_session(provider_org, seats=1)
    with scopes_disabled():
        reg = services.register_people(
            actor=cast.coordinator, session=session, agency=cast.agency, people=[make_person(cast.agency)]
        ).confirmed[0]
    past(session)
    services.record_attendance(
        actor=cast.provider, session=session, marks=[services.Mark(str(reg.public_id), True, True)]
    )
    with scopes_disabled():
        record = TrainingRecord.objects.get()
    url = reverse("training:reject", args=[cast.agency.slug, record.public_id])
    cast.client_for("coordinator").post(url, {"reason": "Not our officer"})
    record.refresh_from_db()
    assert (record.status, record.rejection_reason) == ("rejected", "Not our officer")
