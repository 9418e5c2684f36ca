from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from onemind.audit.models import AuditEntry
from onemind.lib.dates import add_months
from onemind.pledges.models import Pledge, RuleEdition
from onemind.tenancy.models import Membership
from onemind.tenancy.roles import Role
from tests.conftest import Cast, make_agency, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(cast: Cast):  # noqa: ANN201
    """An agency with an administrator and no pledge yet."""
    agency = make_agency("Lakeside Police Department", "WY", "WY0139900", sworn_count=9)
    user = make_user("chief-designee@example.org", "Chief Designee")
    Membership.objects.create(user=user, agency=agency, role=Role.AGENCY_ADMIN)
    client = cast.client_for("anonymous")
    client.force_login(user)
    return agency, client


def _form(**overrides: object) -> dict[str, object]:
    data = {
        "edition": RuleEdition.objects.get(code="2016").pk,
        "committed_months": 24,
        "pledged_on": "2026-11-01",
        "sworn_count": 9,
        "nonsworn_count": 2,
        "head_name": "Pat Chief",
        "head_title": "Chief of Police",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_signing_the_pledge_records_it_with_the_computed_deadline(fresh) -> None:  # noqa: ANN001
    agency, client = fresh
    response = client.post(reverse("pledges:sign", args=[agency.slug]), _form())
    assert response.status_code == 302
    with scope(agency=agency):
        pledge = Pledge.objects.get(agency=agency)
    assert pledge.deadline == dt.date(2028, 11, 1)
    assert "24 months" in pledge.consent_text and "mental health" in pledge.consent_text
    assert AuditEntry.objects.filter(action="pledge.signed", agency=agency).exists()
    page = client.get(reverse("pledges:detail", args=[agency.slug])).content.decode()
    assert "Nov 1, 2028" in page


@pytest.mark.parametrize("months", [11, 37, 0, -5])
def test_committed_months_outside_12_to_36_are_refused(fresh, months: int) -> None:  # noqa: ANN001
    agency, client = fresh
    response = client.post(reverse("pledges:sign", args=[agency.slug]), _form(committed_months=months))
    assert response.status_code == 200
    assert "12" in response.content.decode() and "36" in response.content.decode()
    with scope(agency=agency):
        assert not Pledge.objects.exists()


def test_a_pledge_without_the_heads_consent_is_refused(fresh) -> None:  # noqa: ANN001
    agency, client = fresh
    response = client.post(reverse("pledges:sign", args=[agency.slug]), _form(consent=None))
    assert "cannot be signed without the agency head" in response.content.decode()
    with scope(agency=agency):
        assert not Pledge.objects.exists()


def test_a_pledge_dated_in_the_future_is_refused(fresh) -> None:  # noqa: ANN001
    agency, client = fresh
    response = client.post(reverse("pledges:sign", args=[agency.slug]), _form(pledged_on="2099-01-01"))
    assert "cannot be in the future" in response.content.decode()


def test_a_signed_pledge_cannot_be_changed(cast: Cast) -> None:
    with scopes_disabled():
        pledge = Pledge.objects.get(pk=cast.pledge.pk)
        pledge.committed_months = 36
        with pytest.raises(ValidationError):
            pledge.save()
        assert Pledge.objects.get(pk=cast.pledge.pk).committed_months == 24


def test_a_correction_supersedes_the_pledge_and_both_are_kept(cast: Cast) -> None:
    client = cast.client_for("admin")
    response = client.post(
        reverse("pledges:correct", args=[cast.agency.slug]),
        _form(committed_months=36, pledged_on="2026-01-15", correction_reason="Council asked"),
    )
    assert response.status_code == 302
    with scope(agency=cast.agency):
        pledges = list(Pledge.objects.order_by("signed_at"))
    assert len(pledges) == 2
    assert pledges[0].superseded_at is not None and pledges[1].supersedes_id == pledges[0].pk
    assert pledges[0].committed_months == 24 and pledges[1].committed_months == 36
    assert AuditEntry.objects.filter(action="pledge.corrected", reason="Council asked").exists()


def test_a_second_pledge_without_a_correction_is_refused(cast: Cast) -> None:
    response = cast.client_for("admin").post(reverse("pledges:sign", args=[cast.agency.slug]), _form())
    assert response.status_code == 302  # sent to the pledge page, which offers a correction
    with scope(agency=cast.agency):
        assert Pledge.objects.count() == 1


def test_only_administrators_sign(cast: Cast) -> None:
    assert (
        cast.client_for("coordinator").post(reverse("pledges:correct", args=[cast.agency.slug]), _form()).status_code
        == 403
    )


def test_the_pledge_pdf_is_a_pdf_naming_the_agency(cast: Cast) -> None:
    response = cast.client_for("viewer").get(reverse("pledges:pdf", args=[cast.agency.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]


def test_pledge_queries_outside_an_agency_scope_raise() -> None:
    from django_scopes.exceptions import ScopeError

    with pytest.raises(ScopeError):
        list(Pledge.objects.all())


@pytest.mark.parametrize(
    ("start", "months", "deadline"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 3, 15), 12, dt.date(2027, 3, 15)),
        (dt.date(2026, 11, 30), 36, dt.date(2029, 11, 30)),
    ],
)
def test_deadlines_use_calendar_months(start: dt.date, months: int, deadline: dt.date) -> None:
    assert add_months(start, months) == deadline
