"""Campaign staff see an agency's personnel data only inside the audited "open with reason" grant.

Survey: an agency with a named, numbered, exempted, separated, trained officer who has an account, every change
made through the services (so the audit log holds it), and a submission with comments. Campaign staff without a
grant then open every page the route tables let them open (agency pages, campaign pages, the review of the
submission): no name, number, e-mail, exemption note or separation reason appears. Inside a grant the same pages
show them, which proves the markers are on those pages to be found.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django_scopes import scope

from onemind.accounts.models import User
from onemind.reviews.services import add_comment, submit_strategy
from onemind.roster.services import add_exemption, create_person, separate_person
from onemind.tenancy.models import Membership
from onemind.tenancy.roles import Role
from onemind.tenancy.services import open_personnel_data
from onemind.training.models import CourseType
from onemind.training.services import record_training
from tests.conftest import Cast
from tests.security.sweep import route_sample
from tests.test_permission_matrix import ALL_NAMES, ROUTES, _expected

pytestmark = pytest.mark.django_db

MARKERS = {
    "last name": "Quillfeather",
    "badge": "BQ-7731",
    "employee number": "EQ-5512",
    "exemption note": "Knee surgery recovery",
    "separation reason": "Moved to Ohio",
    "officer account name": "Zephyrine Vantablack",
    "officer account e-mail": "zephyrine@example.org",
    "certificate number": "CERT-QX-9",
    # Not here on purpose: the name of whoever signed the pledge or wrote to the reviewer, which is the agency's
    # own statement to the campaign, signed by name.
}
_TEXT_TYPES = ("text/", "application/json", "application/xml")


def _personnel(cast: Cast) -> None:
    with scope(agency=cast.agency):
        person = create_person(
            actor=cast.admin,
            agency=cast.agency,
            first_name="Ada",
            last_name=MARKERS["last name"],
            badge_number=MARKERS["badge"],
            employee_number=MARKERS["employee number"],
            hire_date=dt.date(2015, 1, 5),
        )
        add_exemption(
            actor=cast.admin,
            person=person,
            reason="medical",
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 2, 1),
            note=MARKERS["exemption note"],
        )
        record_training(
            actor=cast.coordinator,
            person=person,
            course_type=CourseType.objects.get(code="MHFA-PS"),
            completed_on=dt.date(2025, 6, 1),
            certificate_number=MARKERS["certificate number"],
        )
        other = create_person(
            actor=cast.admin, agency=cast.agency, last_name="Leftforce", hire_date=dt.date(2016, 1, 1)
        )
        separate_person(actor=cast.admin, person=other, on=dt.date(2026, 3, 1), reason=MARKERS["separation reason"])
        officer = User.objects.create_user(
            email=MARKERS["officer account e-mail"],
            password="x-long-password-1",
            full_name=MARKERS["officer account name"],
        )
        Membership.objects.create(user=officer, agency=cast.agency, role=Role.OFFICER)
        submission = submit_strategy(actor=cast.admin, agency=cast.agency, strategy=3, note="Figures attached.")
        add_comment(actor=cast.admin, submission=submission, body="Please look again.", from_staff=False)


def _staff_pages(cast: Cast) -> list[str]:
    names = [
        name
        for name in ALL_NAMES
        if ROUTES[name].method == "GET" and ROUTES[name].kind in ("agency", "staff-agency", "campaign")
        and 200 in _expected(ROUTES[name], "staff")
    ]  # fmt: skip
    return names


def _leaks(cast: Cast, client: object) -> dict[str, list[str]]:
    from onemind.reviews.models import Submission

    found: dict[str, list[str]] = {}
    urls = []
    for name in _staff_pages(cast):
        with route_sample(name, cast) as url:
            urls.append(url)
    with scope(agency=cast.agency):
        submission = Submission.objects.get(agency=cast.agency, strategy=3)
    urls.append(reverse("campaign:review", kwargs={"submission_id": submission.public_id}))
    urls.append(reverse("tenancy:audit", kwargs={"agency_slug": cast.agency.slug}) + "?action=roster")
    for url in urls:
        response = client.get(url)  # type: ignore[attr-defined]
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(_TEXT_TYPES):
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        shown = [what for what, marker in MARKERS.items() if marker in text]
        if shown:
            found[url] = shown
    return found


def test_staff_without_a_grant_see_no_personnel_data_on_any_page(cast: Cast) -> None:
    _personnel(cast)
    leaks = _leaks(cast, cast.client_for("staff"))
    assert not leaks, "\n".join(f"{url}: {what}" for url, what in leaks.items())


def test_inside_a_grant_staff_see_the_personnel_entries_of_the_audit_log(cast: Cast) -> None:
    _personnel(cast)
    with scope(agency=cast.agency):
        open_personnel_data(actor=cast.staff, agency=cast.agency, reason="Verifying strategy 3 figures")
    leaks = _leaks(cast, cast.client_for("staff"))
    audit = reverse("tenancy:audit", kwargs={"agency_slug": cast.agency.slug})
    members = reverse("tenancy:members", kwargs={"agency_slug": cast.agency.slug})
    assert {"last name", "exemption note", "separation reason"} <= set(leaks[audit])
    assert {"officer account name", "officer account e-mail"} <= set(leaks[members])


def test_outside_a_grant_the_audit_log_keeps_the_organizations_entries_and_hides_who_made_them(
    cast: Cast, django_assert_max_num_queries
) -> None:  # noqa: ANN001
    _personnel(cast)
    audit = reverse("tenancy:audit", kwargs={"agency_slug": cast.agency.slug})
    client = cast.client_for("staff")
    with django_assert_max_num_queries(12):
        page = client.get(audit).content.decode()
    assert "<code>pledge.signed</code>" in page  # the organization's own trail stays readable
    for hidden in ("roster.", "training.", "membership."):
        assert f"<code>{hidden}" not in page
    assert cast.admin.email not in page and "Agency member" in page
    assert "Open personnel data with a reason" in page
    mine = cast.client_for("admin").get(audit).content.decode()  # members see everything, names included
    assert "roster.person_created" in mine and cast.admin.email in mine
