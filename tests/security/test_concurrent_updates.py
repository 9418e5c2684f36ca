"""(f) Two updates of one person sent with the same ETag: exactly one succeeds, the other gets 412.

On PostgreSQL the two run at the same moment in two threads (two connections); SQLite has one writer at a time,
so there the same race is played one after the other.
"""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from onemind.roster.models import Person
from tests.api.conftest import ApiClient, make_token
from tests.conftest import Cast
from tests.roster.helpers import make_person

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def _patch(token: str, person: Person, unit: str) -> int:
    url = f"/api/v1/people/{person.employee_number}/"
    return ApiClient(token).send("PATCH", url, {"unit": unit}, if_match='"v1"').status_code


@pytest.mark.django_db
def test_the_second_of_two_updates_from_the_same_version_is_refused(cast: Cast) -> None:
    person = make_person(cast.agency)
    token = make_token(cast.admin, cast.agency)
    assert sorted([_patch(token, person, "North"), _patch(token, person, "South")]) == [200, 412]
    person.refresh_from_db()
    assert (person.unit, person.version) == ("North", 2)


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…) for truly parallel writes")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_updates_exactly_one_wins(cast: Cast) -> None:
    outcomes: dict[str, int] = {}
    for round_number in range(5):  # several rounds: one lucky interleaving would prove little
        person = make_person(cast.agency)
        token = make_token(cast.admin, cast.agency)
        barrier = threading.Barrier(2)

        def update(
            unit: str, person: Person = person, token: str = token, barrier: threading.Barrier = barrier
        ) -> None:
            try:
                barrier.wait()
                outcomes[unit] = _patch(token, person, unit)
            finally:
                connection.close()

        threads = [threading.Thread(target=update, args=(f"{side}{round_number}",)) for side in ("A", "B")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        statuses = sorted(outcomes[f"{side}{round_number}"] for side in ("A", "B"))
        assert statuses == [200, 412], statuses
        with scopes_disabled():
            person.refresh_from_db()
        assert person.version == 2
