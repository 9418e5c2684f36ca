from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from onemind.accounts.models import User
from onemind.demo.seed import DEMO_DOMAIN, seed_demo
from onemind.pledges.models import Pledge
from onemind.roster.models import Person
from onemind.tenancy.models import Agency
from tests.conftest import ensure_reference_data

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_login_per_role_agencies_at_every_stage_and_is_idempotent() -> None:
    ensure_reference_data()
    logins = seed_demo(agencies=8, unpledged=4)
    roles = {login.role for login in logins}
    assert roles >= {
        "Agency administrator",
        "Training coordinator",
        "Agency viewer",
        "Partner liaison",
        "Course provider",
        "Campaign staff",
    }
    with scopes_disabled():
        assert Agency.objects.count() == 12 and Pledge.objects.count() == 8
        assert Person.objects.count() > 0
        people = Person.objects.count()
    again = seed_demo(agencies=8, unpledged=4)
    assert again == logins
    with scopes_disabled():
        assert Agency.objects.count() == 12 and Person.objects.count() == people
    assert User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_campaign_staff=True).count() == 1


def test_demo_names_are_generated_not_real() -> None:
    ensure_reference_data()
    seed_demo(agencies=4, unpledged=0)
    from onemind.roster.demo import FIRST_NAMES, LAST_NAMES

    with scopes_disabled():
        for first, last in Person.objects.values_list("first_name", "last_name")[:200]:
            assert first in FIRST_NAMES and last in LAST_NAMES
