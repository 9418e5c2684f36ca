from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
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
    assert pledge.pledged_on == timezone.localdate()  # the signing date
    assert pledge.deadline == add_months(timezone.localdate(), 24)
    assert "24 months" in pledge.consent_text and "mental health" in pledge.consent_text
    assert AuditEntry.objects.filter(action="pledge.signed", agency=agency).exists()
    page = client.get(reverse("pledges:detail", args=[agency.slug])).content.decode()
    assert f"{pledge.deadline:%b} {pledge.deadline.day}, {pledge.deadline.year}" in page


@pytest.mark.parametrize("months", [11, 37, 0, -5])
def test_committed_months_outside_the_editions_range_are_refused(fresh, months: int) -> None:  # noqa: ANN001
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


@pytest.mark.parametrize("posted", ["2024-01-01", "2099-01-01"])
def test_the_pledge_date_is_the_signing_date_whatever_is_posted(fresh, posted: str) -> None:  # noqa: ANN001
    agency, client = fresh
    client.post(reverse("pledges:sign", args=[agency.slug]), _form(pledged_on=posted))
    with scope(agency=agency):
        assert Pledge.objects.get(agency=agency).pledged_on == timezone.localdate()


def test_a_signed_pledge_cannot_be_changed(cast: Cast) -> None:
    with scopes_disabled():
        pledge = Pledge.objects.get(pk=cast.pledge.pk)
        pledge.committed_months = 36
        with pytest.raises(ValidationError):
            pledge.save()
        assert Pledge.objects.get(pk=cast.pledge.pk).committed_months == 24


def test_the_agency_corrects_the_signatorys_typo_and_both_pledges_are_kept(cast: Cast) -> None:
    client = cast.client_for("admin")
    response = client.post(
        reverse("pledges:correct", args=[cast.agency.slug]),
        {"head_name": "Pat Chiefe", "head_title": "Chief of Police", "correction_reason": "Typo in the name"},
    )
    assert response.status_code == 302
    with scope(agency=cast.agency):
        pledges = list(Pledge.objects.order_by("signed_at"))
    assert len(pledges) == 2
    assert pledges[0].superseded_at is not None and pledges[1].supersedes_id == pledges[0].pk
    assert pledges[1].head_name == "Pat Chiefe" and pledges[1].change == Pledge.Change.SIGNATORY
    assert (pledges[1].committed_months, pledges[1].pledged_on, pledges[1].edition_id) == (
        24,
        dt.date(2026, 1, 15),
        pledges[0].edition_id,
    )
    assert AuditEntry.objects.filter(action="pledge.corrected", reason="Typo in the name").exists()


def test_the_agency_cannot_change_edition_months_or_date_through_the_correction(cast: Cast) -> None:
    client = cast.client_for("admin")
    client.post(
        reverse("pledges:correct", args=[cast.agency.slug]),
        {
            "head_name": "Pat Chiefe",
            "head_title": "Chief of Police",
            "correction_reason": "More time",
            "edition": RuleEdition.objects.get(code="2019").pk,
            "committed_months": 36,
            "pledged_on": "2024-01-01",
        },
    )
    with scope(agency=cast.agency):
        current = Pledge.objects.get(superseded_at__isnull=True)
    assert (current.edition.code, current.committed_months, current.pledged_on) == ("2016", 24, dt.date(2026, 1, 15))


def test_staff_change_the_terms_with_a_reason_the_agency_sees(cast: Cast) -> None:
    url = reverse("campaign:pledge_terms", args=[cast.agency.slug])
    staff = cast.client_for("staff")
    data = {"edition": RuleEdition.objects.get(code="2019").pk, "committed_months": 36, "pledged_on": "2026-01-10"}
    assert staff.post(url, {**data, "reason": ""}).status_code == 400
    assert staff.post(url, {**data, "pledged_on": "2099-01-01", "reason": "x"}).status_code == 400
    assert staff.post(url, {**data, "committed_months": 40, "reason": "x"}).status_code == 400
    assert staff.post(url, {**data, "reason": "Council moved the date"}).status_code == 302
    with scope(agency=cast.agency):
        current = Pledge.objects.get(superseded_at__isnull=True)
    assert (current.edition.code, current.committed_months, current.pledged_on) == ("2019", 36, dt.date(2026, 1, 10))
    assert current.change == Pledge.Change.TERMS and current.head_name == "Pat Chief"
    assert AuditEntry.objects.filter(action="pledge.terms_changed", reason="Council moved the date").exists()
    page = cast.client_for("viewer").get(reverse("pledges:detail", args=[cast.agency.slug])).content.decode()
    assert "The campaign team changed the terms" in page and "Council moved the date" in page


@pytest.mark.parametrize("who", ["admin", "outsider", "viewer", "coordinator"])
def test_only_campaign_staff_reach_the_terms_page(cast: Cast, who: str) -> None:
    url = reverse("campaign:pledge_terms", args=[cast.agency.slug])
    client = cast.client_for(who)
    assert client.get(url).status_code == 404
    data = {"edition": RuleEdition.objects.get(code="2019").pk, "committed_months": 36, "pledged_on": "2026-01-10"}
    assert client.post(url, {**data, "reason": "mine"}).status_code == 404
    assert cast.client_for("anonymous").get(url).status_code == 302
    with scope(agency=cast.agency):
        assert Pledge.objects.count() == 1


def test_the_terms_service_refuses_anyone_but_campaign_staff(cast: Cast) -> None:
    from django.core.exceptions import PermissionDenied

    from onemind.pledges.services import change_pledge_terms

    with scope(agency=cast.agency), pytest.raises(PermissionDenied):
        change_pledge_terms(
            actor=cast.admin,
            agency=cast.agency,
            edition=RuleEdition.objects.get(code="2019"),
            committed_months=36,
            pledged_on=dt.date(2026, 1, 15),
            reason="mine",
        )


def test_the_pledge_text_reads_the_editions_own_numbers_and_the_months_chosen(fresh) -> None:  # noqa: ANN001
    agency, client = fresh
    edition = RuleEdition.objects.create(
        code="2030", name="Draft", s4_target_percent=25, s3_target_percent=90, min_months=6, max_months=48
    )
    preview = client.get(
        reverse("pledges:consent_preview", args=[agency.slug]), {"edition": edition.pk, "committed_months": 18}
    ).content.decode()
    assert "at least 25%" in preview and "90% of sworn" in preview and "18 months" in preview
    assert "20%" not in preview and "24 months" not in preview
    response = client.post(reverse("pledges:sign", args=[agency.slug]), _form(edition=edition.pk, committed_months=6))
    assert response.status_code == 302
    with scope(agency=agency):
        pledge = Pledge.objects.get(agency=agency)
    assert "at least 25%" in pledge.consent_text and "6 months" in pledge.consent_text


@pytest.mark.parametrize("raw", ["²", "9" * 30, "-1", "abc", ""])
def test_a_hostile_preview_query_answers_the_default_text(fresh, raw: str) -> None:  # noqa: ANN001
    agency, client = fresh
    response = client.get(
        reverse("pledges:consent_preview", args=[agency.slug]), {"committed_months": raw, "edition": raw}
    )
    assert response.status_code == 200 and "24 months" in response.content.decode()


def test_a_second_pledge_without_a_correction_is_refused(cast: Cast) -> None:
    response = cast.client_for("admin").post(reverse("pledges:sign", args=[cast.agency.slug]), _form())
    assert response.status_code == 302  # sent to the pledge page, which offers a correction
    with scope(agency=cast.agency):
        assert Pledge.objects.count() == 1


def test_only_administrators_sign(cast: Cast) -> None:
    assert (
        cast.client_for("coordinator")
        .post(reverse("pledges:correct", args=[cast.agency.slug]), {"head_name": "x", "correction_reason": "y"})
        .status_code
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
