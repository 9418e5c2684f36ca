"""No overbooking when coordinators register at the same moment: parallel requests on PostgreSQL.

SQLite serializes every write, so the race cannot happen there and the test is skipped with a message.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.courses.models import Registration
from tests.conftest import Cast
from tests.courses.helpers import make_session
from tests.roster.helpers import make_person

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="concurrency needs PostgreSQL: set DATABASE_URL=postgres://..."),
    pytest.mark.django_db(transaction=True),
]

THREADS = 12
SEATS = 5


def test_parallel_registrations_never_overbook(cast: Cast, provider_org: Any) -> None:
    session = make_session(provider_org, seats=SEATS)
    people = [make_person(cast.agency) for _ in range(THREADS)]
    url = reverse("courses_agency:register", args=[cast.agency.slug, session.public_id])
    clients = [cast.client_for("coordinator") for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []

    def register(client: Client, person_id: str) -> None:
        try:
            barrier.wait()
            statuses.append(client.post(url, {"people": [person_id]}).status_code)
        finally:
            connection.close()  # each thread has its own connection

    threads = [
        threading.Thread(target=register, args=(c, str(p.public_id))) for c, p in zip(clients, people, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * THREADS
    with scopes_disabled():
        regs = list(Registration.objects.filter(session=session).order_by("position"))
    assert sum(r.status == "confirmed" for r in regs) == SEATS
    assert sum(r.status == "waitlisted" for r in regs) == THREADS - SEATS
    assert sorted(r.position for r in regs) == list(range(1, THREADS + 1))


def test_parallel_cancellations_promote_each_waiting_person_once(cast: Cast, provider_org: Any) -> None:
    from onemind.courses import services

    session = make_session(provider_org, seats=3)
    with scopes_disabled():
        result = services.register_people(
            actor=cast.coordinator,
            session=session,
            agency=cast.agency,
            people=[make_person(cast.agency) for _ in range(6)],
        )
    barrier = threading.Barrier(3)

    def cancel(reg: Registration) -> None:
        try:
            barrier.wait()
            url = reverse("courses_agency:cancel", args=[cast.agency.slug, reg.public_id])
            cast.client_for("coordinator").post(url)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(r,)) for r in result.confirmed]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with scopes_disabled():
        counts = {s: Registration.objects.filter(session=session, status=s).count() for s in Registration.Status.values}
    assert counts == {"confirmed": 3, "waitlisted": 0, "cancelled": 3}
