"""Lost updates (OWASP ASVS 4.0 V11.1.6 concurrency, SECURITY.md "Concurrent edits"): every edit form of a shared
record carries the version it was opened at; a save after someone else's save is refused, shows what changed
(field, your entry, now saved) and keeps what the user typed; saving again from that page is a deliberate choice.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.campaign import services as campaign_services
from onemind.courses import services as course_services
from onemind.lib.versions import SEEN_FIELD, VERSION_FIELD, record_version
from onemind.notifications.models import AgencyNotificationSettings
from onemind.notifications.services import save_agency_settings
from onemind.partnerships import services as partnership_services
from onemind.policies import services as policy_services
from onemind.public.models import Resource
from onemind.roster import services as roster_services
from onemind.roster.models import Person
from onemind.tenancy.services import update_agency_profile
from tests.conftest import Cast
from tests.courses.helpers import make_provider, make_session
from tests.evidence_helpers import make_partnership, make_policy
from tests.roster.helpers import make_person

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's form with class usa-form (file inputs left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("file", "submit"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            else:
                self.values[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def _form(client: Client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    values = {k: v for k, v in parser.values.items() if k != "csrfmiddlewaretoken"}
    assert VERSION_FIELD in values and SEEN_FIELD in values
    return values


@dataclass
class Case:
    url: str
    who: str
    field: str  # the form field both people change
    typed: str  # what the slow editor types
    other_save: Callable[[], None]  # the quick editor's save, through the service
    stored: Callable[[], str]  # the field's stored value
    saved_elsewhere: str  # what the quick editor saved
    read_only: str | None = "viewer"
    outsider: str = "outsider"


def _person_case(cast: Cast) -> Case:
    person = make_person(cast.agency, rank="Officer")

    def other() -> None:
        with scopes_disabled():
            fresh = Person.objects.get(pk=person.pk)
            roster_services.update_person(actor=cast.admin, person=fresh, rank="Lieutenant")

    def stored() -> str:
        with scopes_disabled():
            return Person.objects.get(pk=person.pk).rank

    url = reverse("roster:edit", kwargs={"agency_slug": cast.agency.slug, "person_id": person.public_id})
    return Case(url, "coordinator", "rank", "Captain", other, stored, "Lieutenant")


def _organization_case(cast: Cast) -> Case:
    with scopes_disabled():
        organization = make_partnership(cast.agency).organization

    def other() -> None:
        with scopes_disabled():
            fresh = type(organization).objects.get(pk=organization.pk)
            partnership_services.update_organization(actor=cast.admin, organization=fresh, city="Capital City")

    def stored() -> str:
        with scopes_disabled():
            return type(organization).objects.get(pk=organization.pk).city

    url = reverse("partnerships:organization_edit", args=[cast.agency.slug, organization.public_id])
    return Case(url, "admin", "city", "Shelbyville", other, stored, "Capital City")


def _partnership_case(cast: Cast) -> Case:
    with scopes_disabled():
        partnership = make_partnership(cast.agency)

    def other() -> None:
        with scopes_disabled():
            fresh = type(partnership).objects.get(pk=partnership.pk)
            partnership_services.update_partnership(actor=cast.admin, partnership=fresh, partner_liaison_name="Dr. X")

    def stored() -> str:
        with scopes_disabled():
            return type(partnership).objects.get(pk=partnership.pk).partner_liaison_name

    url = reverse("partnerships:edit", args=[cast.agency.slug, partnership.public_id])
    return Case(url, "admin", "partner_liaison_name", "Dr. Y", other, stored, "Dr. X")


def _policy_case(cast: Cast) -> Case:
    with scopes_disabled():
        version = make_policy(cast.agency)

    def other() -> None:
        with scopes_disabled():
            fresh = type(version).objects.get(pk=version.pk)
            policy_services.update_version(actor=cast.admin, policy_version=fresh, signing_authority="City Council")

    def stored() -> str:
        with scopes_disabled():
            return type(version).objects.get(pk=version.pk).signing_authority

    url = reverse("policies:version_edit", args=[cast.agency.slug, version.public_id])
    return Case(url, "admin", "signing_authority", "Mayor", other, stored, "City Council")


def _profile_case(cast: Cast) -> Case:
    def other() -> None:
        with scopes_disabled():
            fresh = type(cast.agency).objects.get(pk=cast.agency.pk)
            update_agency_profile(actor=cast.admin, agency=fresh, contact_name="Sgt. Quick")

    def stored() -> str:
        return type(cast.agency).objects.get(pk=cast.agency.pk).contact_name

    url = reverse("tenancy:profile", args=[cast.agency.slug])
    return Case(url, "admin", "contact_name", "Lt. Slow", other, stored, "Sgt. Quick")


def _session_case(cast: Cast) -> Case:
    with scopes_disabled():
        session = make_session(make_provider(cast.provider))
        make_provider(cast.outsider, name="Other Provider")

    def other() -> None:
        with scopes_disabled():
            fresh = type(session).objects.get(pk=session.pk)
            course_services.update_session(actor=cast.provider, session=fresh, contact="quick@example.org")

    def stored() -> str:
        with scopes_disabled():
            return type(session).objects.get(pk=session.pk).contact

    url = reverse("courses:edit", args=[session.public_id])
    return Case(url, "provider", "contact", "slow@example.org", other, stored, "quick@example.org", read_only=None)


def _resource_case(cast: Cast) -> Case:
    resource = Resource.objects.order_by("pk").first()
    assert resource is not None

    def other() -> None:
        fresh = Resource.objects.get(pk=resource.pk)
        fresh.title = "Quick title"
        campaign_services.save_reference(actor=cast.staff, instance=fresh, action="campaign.resource_saved")

    def stored() -> str:
        return Resource.objects.get(pk=resource.pk).title

    url = reverse("campaign:resource_edit", args=[resource.pk])
    return Case(url, "staff", "title", "Slow title", other, stored, "Quick title", read_only=None, outsider="admin")


def _reminder_settings_case(cast: Cast) -> Case:
    with scopes_disabled():
        save_agency_settings(actor=cast.admin, agency=cast.agency, new_hire_days=30, time_zone="")

    def other() -> None:
        with scopes_disabled():
            save_agency_settings(actor=cast.admin, agency=cast.agency, new_hire_days=60, time_zone="")

    def stored() -> str:
        with scopes_disabled():
            return str(AgencyNotificationSettings.objects.get(agency=cast.agency).new_hire_days)

    url = reverse("notifications:agency_settings", args=[cast.agency.slug])
    return Case(url, "admin", "new_hire_days", "45", other, stored, "60")


CASES: dict[str, Callable[[Cast], Case]] = {
    "person": _person_case,
    "partner-organization": _organization_case,
    "partnership": _partnership_case,
    "policy-version": _policy_case,
    "agency-profile": _profile_case,
    "course-session": _session_case,
    "campaign-resource": _resource_case,
    "agency-reminder-settings": _reminder_settings_case,
}


@pytest.mark.parametrize("build", CASES.values(), ids=CASES.keys())
def test_a_stale_save_is_refused_with_what_changed_and_the_typed_input_kept(
    cast: Cast, build: Callable[[Cast], Case]
) -> None:
    case = build(cast)
    client = cast.client_for(case.who)
    data = _form(client, case.url)
    data[case.field] = case.typed
    case.other_save()

    response = client.post(case.url, data)

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Someone else saved this record while you were editing it" in page
    assert "Changed by the other save" in page
    row = page.split("Changed by the other save", 1)[1].split("</table>", 1)[0]
    assert case.typed in row and case.saved_elsewhere in row
    assert f'value="{case.typed}"' in page or f">{case.typed}</textarea>" in page  # the typed input is kept
    assert case.stored() == case.saved_elsewhere  # nothing overwritten

    again = _FormFields()
    again.feed(response.content.decode())
    resubmit = {k: v for k, v in again.values.items() if k != "csrfmiddlewaretoken"}
    assert resubmit[VERSION_FIELD] != data[VERSION_FIELD]
    assert client.post(case.url, resubmit).status_code == 302  # saving again is deliberate, and works
    assert case.stored() == case.typed


@pytest.mark.parametrize("build", CASES.values(), ids=CASES.keys())
def test_a_fresh_save_goes_through_and_the_version_moves_on(cast: Cast, build: Callable[[Cast], Case]) -> None:
    case = build(cast)
    client = cast.client_for(case.who)
    data = _form(client, case.url)
    data[case.field] = case.typed
    assert client.post(case.url, data).status_code == 302
    assert case.stored() == case.typed
    assert _form(client, case.url)[VERSION_FIELD] != data[VERSION_FIELD]


@pytest.mark.parametrize("build", CASES.values(), ids=CASES.keys())
def test_edit_forms_answer_outsiders_404_read_only_403_and_anonymous_the_login(
    cast: Cast, build: Callable[[Cast], Case]
) -> None:
    case = build(cast)
    data = {case.field: case.typed, VERSION_FIELD: "1"}
    assert cast.client_for(case.outsider).post(case.url, data).status_code == 404
    if case.read_only:
        assert cast.client_for(case.read_only).post(case.url, data).status_code == 403
    anonymous = cast.client_for("anonymous").post(case.url, data)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert case.stored() != case.typed


def test_the_person_form_and_the_api_etag_share_one_version(cast: Cast) -> None:
    person = make_person(cast.agency)
    url = reverse("roster:edit", kwargs={"agency_slug": cast.agency.slug, "person_id": person.public_id})
    data = _form(cast.client_for("coordinator"), url)
    with scopes_disabled():
        assert data[VERSION_FIELD] == record_version(person) == str(Person.objects.get(pk=person.pk).version)
    seen: dict[str, Any] = json.loads(data[SEEN_FIELD])
    assert seen["last_name"] == person.last_name
