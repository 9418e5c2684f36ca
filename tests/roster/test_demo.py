from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone
from django_scopes import scope

from onemind.roster.demo import FIRST_NAMES, LAST_NAMES, seed_roster
from onemind.roster.models import Person, PersonEvent
from onemind.roster.selectors import roster_list
from onemind.training.models import TrainingRecord
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_seed_roster_creates_generated_people_with_a_mix_of_training_states(cast: Cast) -> None:
    counts = seed_roster(cast.agency, rng=random.Random(7), size=400)
    with scope(agency=cast.agency):
        people = Person.objects.filter(agency=cast.agency)
        assert counts["people"] == people.count() == 400
        assert PersonEvent.objects.filter(kind="hired").count() == 400
        assert set(people.values_list("last_name", flat=True)) <= set(LAST_NAMES)
        assert set(people.values_list("first_name", flat=True)) <= set(FIRST_NAMES)
        everyone = {"status": "all"}
        expired = roster_list(cast.agency, {**everyone, "training": "mhfa_expired"}).count()
        current = roster_list(cast.agency, {**everyone, "training": "mhfa_current"}).count()
        cit = roster_list(cast.agency, {**everyone, "training": "cit"}).count()
        soon = timezone.localdate() - dt.timedelta(days=1095 - 90)
        expiring = TrainingRecord.objects.filter(
            course_type__code="MHFA-PS",
            completed_on__lte=soon,
            completed_on__gt=timezone.localdate() - dt.timedelta(days=1095),
        ).count()
    assert expired > 20 and current > 100 and cit > 30 and expiring > 5


def test_seed_roster_twice_adds_people_without_employee_number_clashes(cast: Cast) -> None:
    seed_roster(cast.agency, rng=random.Random(1), size=30)
    seed_roster(cast.agency, rng=random.Random(2), size=30)
    with scope(agency=cast.agency):
        assert Person.objects.values("employee_number").distinct().count() == 60
