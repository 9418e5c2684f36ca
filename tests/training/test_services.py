from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from onemind.audit.models import AuditEntry
from onemind.training import services
from onemind.training.models import CourseType, TrainingRecord
from tests.conftest import Cast
from tests.roster.helpers import make_person, make_training

pytestmark = pytest.mark.django_db


def _course(code: str = "MHFA-PS") -> CourseType:
    return CourseType.objects.get(code=code)


def test_recording_a_training_writes_the_record_and_audits_it_on_the_person(cast: Cast) -> None:
    person = make_person(cast.agency)
    with scope(agency=cast.agency):
        record = services.record_training(
            actor=cast.coordinator,
            person=person,
            course_type=_course(),
            completed_on=dt.date(2025, 5, 1),
            hours=Decimal("8"),
        )
    assert record.status == "accepted" and record.agency == cast.agency
    assert AuditEntry.objects.filter(action="training.record_created", object_id=str(person.pk)).exists()


@pytest.mark.parametrize(
    ("day", "message"), [(dt.date(2099, 1, 1), "in the future"), (dt.date(1949, 12, 31), "before 1950")]
)
def test_a_completion_date_in_the_future_or_before_1950_is_refused(cast: Cast, day: dt.date, message: str) -> None:
    with scope(agency=cast.agency), pytest.raises(ValidationError, match=message):
        services.record_training(
            actor=cast.coordinator, person=make_person(cast.agency), course_type=_course(), completed_on=day
        )


def test_the_same_course_on_the_same_day_twice_is_refused_with_a_message(cast: Cast) -> None:
    person = make_person(cast.agency, first_name="Dana", last_name="Twice")
    make_training(person, "MHFA-PS", dt.date(2025, 5, 1))
    with (
        scope(agency=cast.agency),
        pytest.raises(ValidationError, match="Dana Twice already has MHFA-PS on 2025-05-01"),
    ):
        services.record_training(
            actor=cast.coordinator, person=person, course_type=_course(), completed_on=dt.date(2025, 5, 1)
        )


def test_a_class_creates_one_record_per_attendee_and_reports_duplicates(cast: Cast) -> None:
    people = [make_person(cast.agency) for _ in range(4)]
    make_training(people[0], "CIT-40", dt.date(2025, 9, 12))
    with scope(agency=cast.agency):
        result = services.record_class(
            actor=cast.coordinator,
            agency=cast.agency,
            attendees=people + [people[1]],  # ticked twice: still one record
            course_type=_course("CIT-40"),
            completed_on=dt.date(2025, 9, 12),
            hours=Decimal("40"),
            provider="State academy",
        )
        count = TrainingRecord.objects.filter(course_type__code="CIT-40", completed_on=dt.date(2025, 9, 12)).count()
    assert [p.pk for p in result.duplicates] == [people[0].pk]
    assert len(result.created) == 3 and count == 4
    assert all(r.source == "class" and r.provider == "State academy" for r in result.created)


def test_a_class_with_a_foreign_attendee_writes_nothing(cast: Cast) -> None:
    home = make_person(cast.agency)
    foreign = make_person(cast.other_agency)
    with scope(agency=cast.agency), pytest.raises(ValidationError, match="must belong to this agency"):
        services.record_class(
            actor=cast.coordinator,
            agency=cast.agency,
            attendees=[home, foreign],
            course_type=_course(),
            completed_on=dt.date(2025, 1, 1),
        )
    with scope(agency=cast.agency):
        assert not TrainingRecord.objects.exists()


def test_a_class_is_one_transaction_a_failure_midway_writes_nothing(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [make_person(cast.agency) for _ in range(3)]

    def fail(**kwargs: object) -> None:
        raise RuntimeError("disk full")

    # The audit entry is written after the records: failing there must roll the records back.
    monkeypatch.setattr(services, "log_action", fail)
    with scope(agency=cast.agency), pytest.raises(RuntimeError):
        services.record_class(
            actor=cast.coordinator,
            agency=cast.agency,
            attendees=people,
            course_type=_course(),
            completed_on=dt.date(2025, 1, 1),
        )
    with scope(agency=cast.agency):
        assert TrainingRecord.objects.count() == 0


def test_a_pending_record_can_be_accepted_or_rejected_with_a_reason_once(cast: Cast) -> None:
    a = make_training(make_person(cast.agency), status="pending", source="course")
    b = make_training(make_person(cast.agency), status="pending", source="self")
    with scope(agency=cast.agency):
        services.accept_training(actor=cast.coordinator, record=a)
        with pytest.raises(ValidationError, match="Say why"):
            services.reject_training(actor=cast.coordinator, record=b, reason="  ")
        services.reject_training(actor=cast.coordinator, record=b, reason="Certificate is for another person")
        with pytest.raises(ValidationError, match="not pending"):
            services.accept_training(actor=cast.coordinator, record=b)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status, b.rejection_reason) == ("accepted", "rejected", "Certificate is for another person")
    assert AuditEntry.objects.filter(action="training.record_rejected", object_id=str(b.pk)).get().reason
