"""The monthly form: definitions beside each figure, not collected ≠ zero, validation, stale saves, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.audit.models import AuditEntry
from onemind.lib.dates import add_months
from onemind.outcomes.fields import FIELDS
from onemind.outcomes.models import OutcomeMonth
from tests.conftest import Cast
from tests.outcomes.helpers import make_month

MONTH = "2026-01"


def _url(cast: Cast, name: str = "outcomes:month", **kwargs: object) -> str:
    if name == "outcomes:month":
        kwargs.setdefault("month", MONTH)
    return reverse(name, kwargs={"agency_slug": cast.agency.slug, **kwargs})


def _post(cast: Cast, who: str, **values: object) -> object:
    data = {"status": "collected", **{k: v for k, v in values.items()}}
    return cast.client_for(who).post(_url(cast), data)


def _row(cast: Cast) -> OutcomeMonth | None:
    with scopes_disabled():
        return OutcomeMonth.objects.filter(agency=cast.agency, month=dt.date(2026, 1, 1)).first()


@pytest.mark.django_db
def test_every_figure_is_shown_with_its_definition(cast: Cast) -> None:
    page = cast.client_for("coordinator").get(_url(cast)).content.decode()
    for field in FIELDS:
        assert field.label in page
        assert field.definition.split("(")[0][:60].replace("'", "&#x27;") in page
    assert "National Use-of-Force Data Collection" in page


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_a_writer_saves_a_month_and_it_is_audited(cast: Cast, who: str) -> None:
    response = _post(cast, who, mh_calls=40, cit_arrived=12, arrest=2, force_fbi=0)
    assert response.status_code == 302
    row = _row(cast)
    assert row is not None and row.mh_calls == 40 and row.cit_arrived == 12 and row.force_fbi == 0
    assert row.referred is None  # blank = not reported, never zero
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="outcomes.month_saved", agency=cast.agency).count() == 1


@pytest.mark.django_db
def test_not_collected_is_kept_apart_from_zero(cast: Cast) -> None:
    _post(cast, "coordinator", mh_calls=0)
    row = _row(cast)
    assert row is not None and row.collected and row.mh_calls == 0
    response = cast.client_for("coordinator").post(
        _url(cast), {"status": "not_collected", "mh_calls": 5, "version": row.version}
    )
    assert response.status_code == 302
    row = _row(cast)
    assert row is not None and not row.collected and row.mh_calls is None
    page = cast.client_for("viewer").get(_url(cast, "outcomes:index")).content.decode()
    assert "Not collected" in page


@pytest.mark.django_db
def test_a_figure_above_the_calls_is_refused_with_the_reason(cast: Cast) -> None:
    response = _post(cast, "coordinator", mh_calls=10, cit_arrived=11)
    assert response.status_code == 200
    assert "cannot exceed the month&#x27;s mental-health calls (10)" in response.content.decode()
    assert _row(cast) is None


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["-1", "abc", "²", "99999999999", "1e3"])
def test_hostile_numbers_are_refused_never_a_500(cast: Cast, value: str) -> None:
    response = _post(cast, "coordinator", mh_calls=value)
    assert response.status_code == 200
    assert _row(cast) is None


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["2026-13", "nonsense", "9999-01", "1900-01", "2026-01-99"])
def test_an_impossible_month_is_not_found(cast: Cast, month: str) -> None:
    assert cast.client_for("coordinator").get(_url(cast, month=month)).status_code == 404


@pytest.mark.django_db
def test_a_stale_save_is_refused(cast: Cast) -> None:
    _post(cast, "coordinator", mh_calls=10)
    row = _row(cast)
    assert row is not None
    first = cast.client_for("admin").post(_url(cast), {"status": "collected", "mh_calls": 11, "version": row.version})
    assert first.status_code == 302
    stale = cast.client_for("coordinator").post(
        _url(cast), {"status": "collected", "mh_calls": 99, "version": row.version}
    )
    assert stale.status_code == 200
    assert "saved by someone else" in stale.content.decode()
    assert _row(cast).mh_calls == 11  # type: ignore[union-attr]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("outsider", 404), ("liaison", 404), ("staff", 403)])
def test_only_writers_may_save(cast: Cast, who: str, status: int) -> None:
    assert _post(cast, who, mh_calls=3).status_code == status
    assert _row(cast) is None


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(cast: Cast) -> None:
    response = cast.client_for("anonymous").get(_url(cast, "outcomes:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("viewer", 200), ("staff", 200), ("outsider", 404), ("officer", 404)])
def test_who_reads_the_months(cast: Cast, who: str, status: int) -> None:
    make_month(cast.agency, dt.date(2026, 1, 1), mh_calls=31337)
    response = cast.client_for(who).get(_url(cast, "outcomes:index"))
    assert response.status_code == status
    if status == 200:
        assert "31337" in response.content.decode()


@pytest.mark.django_db
def test_another_agencys_months_never_show(cast: Cast) -> None:
    make_month(cast.other_agency, dt.date(2026, 1, 1), mh_calls=4242)
    page = cast.client_for("admin").get(_url(cast, "outcomes:index")).content.decode()
    assert "4242" not in page


def _queries(cast: Cast) -> int:
    client = cast.client_for("viewer")
    client.get(_url(cast, "outcomes:index"))  # warm the session and the per-process navigation
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(cast, "outcomes:index")).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_months_page_costs_the_same_queries_for_one_month_or_two_years(cast: Cast) -> None:
    today = timezone.localdate().replace(day=1)
    make_month(cast.agency, today, mh_calls=1)
    few = _queries(cast)
    for i in range(1, 30):
        make_month(cast.agency, add_months(today, -i), mh_calls=i)
    assert _queries(cast) == few
