from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django_scopes import scope

from onemind.audit.selectors import audit_for_object
from onemind.roster import services
from onemind.roster.models import DesignatedPosition, PersonEvent, PersonStatus
from onemind.roster.selectors import roster_on
from tests.conftest import Cast
from tests.roster.helpers import make_person

pytestmark = pytest.mark.django_db


def _create(cast: Cast, **fields: object):
    values = {"last_name": "Rivera", "first_name": "Sam", "employee_number": "1001", "hire_date": dt.date(2018, 3, 1)}
    values.update(fields)
    return services.create_person(actor=cast.coordinator, agency=cast.agency, **values)


def test_creating_a_person_writes_a_hired_event_at_the_hire_date_and_an_audit_entry(cast: Cast) -> None:
    with scope(agency=cast.agency):
        person = _create(cast)
        events = list(person.events.values_list("kind", "effective_on"))
        assert events == [(PersonEvent.Kind.HIRED, dt.date(2018, 3, 1))]
        assert [e.action for e in audit_for_object(person)] == ["roster.person_created"]


def test_a_duplicate_employee_number_in_the_same_agency_is_refused_with_a_clear_message(cast: Cast) -> None:
    with scope(agency=cast.agency):
        _create(cast)
        with pytest.raises(ValidationError) as exc:
            _create(cast, last_name="Other")
    assert "Employee number 1001 is already used by Sam Rivera" in exc.value.message_dict["employee_number"][0]


def test_the_same_employee_number_in_another_agency_is_fine(cast: Cast) -> None:
    with scope(agency=cast.agency):
        _create(cast)
    with scope(agency=cast.other_agency):
        services.create_person(actor=cast.outsider, agency=cast.other_agency, last_name="X", employee_number="1001")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"hire_date": dt.date(1900, 1, 1)}, "hire_date", "placeholder"),
        ({"hire_date": dt.date(2099, 1, 1)}, "hire_date", "in the future"),
        ({"separation_date": dt.date(2017, 1, 1)}, "separation_date", "before the hire date"),
        ({"last_name": ""}, "last_name", "required"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"status": "separated"}, "separation_date", "needs a separation date"),
    ],
)
def test_invalid_person_fields_are_refused_with_a_message_naming_the_problem(
    cast: Cast, fields: dict, field: str, message: str
) -> None:
    with scope(agency=cast.agency):
        errors = services.validate_person_fields(
            cast.agency, {"last_name": "Rivera", "hire_date": dt.date(2018, 3, 1), **fields}
        )
    assert message in errors[field], errors


def test_separation_before_hire_is_refused_and_nothing_changes(cast: Cast) -> None:
    with scope(agency=cast.agency):
        person = _create(cast)
        with pytest.raises(ValidationError) as exc:
            services.separate_person(actor=cast.coordinator, person=person, on=dt.date(2017, 12, 31), reason="Retired")
        person.refresh_from_db()
        assert person.status == PersonStatus.ACTIVE and person.separation_date is None
        assert not person.events.filter(kind=PersonEvent.Kind.SEPARATED).exists()
    assert "before the hire date 2018-03-01" in exc.value.message_dict["on"][0]


def test_separation_and_rehire_are_kept_in_history_and_audited(cast: Cast) -> None:
    with scope(agency=cast.agency):
        person = _create(cast)
        services.separate_person(actor=cast.coordinator, person=person, on=dt.date(2020, 6, 30), reason="Resigned")
        services.rehire_person(actor=cast.coordinator, person=person, on=dt.date(2022, 2, 1))
        kinds = list(person.events.order_by("effective_on").values_list("kind", flat=True))
        actions = {e.action for e in audit_for_object(person)}
        on_roster = {
            d: [e.person.pk for e in roster_on(cast.agency, d)]
            for d in (dt.date(2019, 1, 1), dt.date(2021, 1, 1), dt.date(2023, 1, 1))
        }
    assert kinds == ["hired", "separated", "rehired"]
    assert {"roster.person_separated", "roster.person_rehired"} <= actions
    assert on_roster == {dt.date(2019, 1, 1): [person.pk], dt.date(2021, 1, 1): [], dt.date(2023, 1, 1): [person.pk]}


def test_a_transfer_and_a_sworn_change_become_effective_dated_events(cast: Cast) -> None:
    with scope(agency=cast.agency):
        person = _create(cast, unit="Patrol", shift="Day")
        services.update_person(
            actor=cast.coordinator, person=person, effective_on=dt.date(2024, 5, 1), unit="Traffic", sworn=False
        )
        events = {e.kind: e for e in person.events.all()}
        before = {e.person.pk: e for e in roster_on(cast.agency, dt.date(2024, 4, 30))}[person.pk]
        after = {e.person.pk: e for e in roster_on(cast.agency, dt.date(2024, 5, 1))}[person.pk]
    assert events["transferred"].details == {"unit": ["Patrol", "Traffic"]}
    assert events["transferred"].effective_on == dt.date(2024, 5, 1)
    assert events["sworn_changed"].details == {"sworn": [True, False]}
    assert (before.unit, before.sworn) == ("Patrol", True)
    assert (after.unit, after.sworn) == ("Traffic", False)


def test_roster_on_a_date_leaves_out_people_hired_later_or_separated_by_then(cast: Cast) -> None:
    early = make_person(cast.agency, hire_date=dt.date(2010, 1, 1))
    make_person(cast.agency, hire_date=dt.date(2025, 1, 1))
    gone = make_person(
        cast.agency, hire_date=dt.date(2010, 1, 1), separation_date=dt.date(2019, 1, 1), status="separated"
    )
    with scope(agency=cast.agency):
        people = [e.person.pk for e in roster_on(cast.agency, dt.date(2018, 12, 31))]
        on_separation_day = [e.person.pk for e in roster_on(cast.agency, dt.date(2019, 1, 1))]
    assert sorted(people) == sorted([early.pk, gone.pk])
    assert on_separation_day == [early.pk]


def test_an_exemption_records_its_approver_and_is_audited_when_added_and_ended(cast: Cast) -> None:
    with scope(agency=cast.agency):
        person = _create(cast)
        exemption = services.add_exemption(
            actor=cast.coordinator,
            person=person,
            reason="military",
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
        )
        services.end_exemption(actor=cast.coordinator, exemption=exemption, on=dt.date(2026, 6, 30))
        exemption.refresh_from_db()
        trail = [e.action for e in audit_for_object(exemption)]
    assert exemption.approved_by == cast.coordinator and exemption.end == dt.date(2026, 6, 30)
    assert trail == ["roster.exemption_ended", "roster.exemption_added"]


def test_an_exemption_ending_before_it_starts_is_refused(cast: Cast) -> None:
    with scope(agency=cast.agency), pytest.raises(ValidationError, match="before the start date"):
        services.add_exemption(
            actor=cast.coordinator,
            person=_create(cast),
            reason="medical",
            start=dt.date(2026, 3, 1),
            end=dt.date(2026, 2, 1),
        )


def test_designated_positions_apply_to_people_whose_rank_matches_ignoring_case(cast: Cast) -> None:
    dispatcher = make_person(cast.agency, sworn=False, rank="DISPATCHER")
    clerk = make_person(cast.agency, sworn=False, rank="Clerk", designated_mhfa=True)  # set by hand: kept
    officer = make_person(cast.agency, rank="Officer")
    with scope(agency=cast.agency):
        changed = services.set_designated_positions(
            actor=cast.admin, agency=cast.agency, positions=[("Dispatcher", True, True), ("", True, False)]
        )
        for p in (dispatcher, clerk, officer):
            p.refresh_from_db()
        assert list(DesignatedPosition.objects.values_list("title", flat=True)) == ["Dispatcher"]
        assert dispatcher.events.get().kind == PersonEvent.Kind.DESIGNATION_CHANGED
        # Removing the position takes the designation away again.
        services.set_designated_positions(actor=cast.admin, agency=cast.agency, positions=[])
        dispatcher.refresh_from_db()
    assert changed == 1
    assert (clerk.designated_mhfa, officer.designated_mhfa) == (True, False)
    assert (dispatcher.designated_mhfa, dispatcher.designated_cit) == (False, False)


def test_a_new_person_with_a_designated_rank_is_designated(cast: Cast) -> None:
    with scope(agency=cast.agency):
        services.set_designated_positions(
            actor=cast.admin, agency=cast.agency, positions=[("Telecommunicator", True, False)]
        )
        person = _create(cast, sworn=False, rank="telecommunicator")
    assert (person.designated_mhfa, person.designated_cit) == (True, False)


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))
def test_a_separation_may_be_dated_in_the_future_and_a_hire_up_to_a_year_ahead_for_a_recruit(cast: Cast) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    with scope(agency=cast.agency):
        person = _create(cast)
        services.separate_person(actor=cast.coordinator, person=person, on=dt.date(2026, 4, 30), reason="Retiring")
        recruit = {"last_name": "N", "hire_date": today + dt.timedelta(days=90)}
        assert services.validate_person_fields(cast.agency, recruit) == {}
        errors = services.validate_person_fields(
            cast.agency, {"last_name": "N", "hire_date": today + dt.timedelta(days=400)}
        )
    assert person.status == PersonStatus.SEPARATED
    assert "more than 366 days in the future" in errors["hire_date"]
