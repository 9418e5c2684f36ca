"""Officer self-service: invited from the person's page, sees only their own record, sends certificates that the
coordinator accepts; separated officers lose access."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.accounts.models import Invitation, User
from onemind.audit.models import AuditEntry
from onemind.lib.uploads import MAX_UPLOAD_BYTES
from onemind.roster.models import Person
from onemind.tenancy.models import Membership
from onemind.tenancy.roles import Role
from onemind.training.models import CourseType, TrainingRecord
from tests.conftest import PASSWORD, Cast
from tests.roster.helpers import make_officer, make_person, make_training

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_1_march_2026() -> object:
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _mine(cast: Cast, name: str = "mine", **kwargs: object) -> str:
    return reverse(f"training:{name}", kwargs={"agency_slug": cast.agency.slug, **kwargs})


def _actions(**filters: object) -> list[str]:
    return list(AuditEntry.objects.filter(**filters).order_by("id").values_list("action", flat=True))


def _upload(cast: Cast, content: bytes = PDF, name: str = "cert.pdf", **fields: str):  # type: ignore[no-untyped-def]
    with scopes_disabled():
        course = CourseType.objects.get(code="MHFA-PS")
    data = {
        "course_type": str(course.pk),
        "completed_on": "2026-02-10",
        "hours": "8",
        "certificate_number": "MHFA-77-1234",
        "certificate": SimpleUploadedFile(name, content),
        **fields,
    }
    return cast.client_for("officer").post(_mine(cast, "mine_upload"), data)


def test_a_coordinator_invites_the_officer_who_signs_up_and_lands_on_my_training(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_person(cast.agency, last_name="Invitee", first_name="Robin")
    url = reverse("roster:invite_officer", kwargs={"agency_slug": cast.agency.slug, "person_id": person.public_id})
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client_for("coordinator").post(url, {"email": "Robin.Invitee@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["robin.invitee@example.org"]
    with scopes_disabled():
        invitation = Invitation.objects.get(person=person)
        assert invitation.role == Role.OFFICER
        assert "roster.officer_invited" in _actions(object_id=str(person.pk))
    link = re.search(r"https?://\S+/accounts/invitation/(\S+?)/", mail.outbox[0].body)
    assert link is not None
    anonymous = cast.client_for("anonymous")
    signup = reverse("accounts:invitation", args=[link.group(1)])
    response = anonymous.post(signup, {"full_name": "Robin Invitee", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == _mine(cast)
    with scopes_disabled():
        user = User.objects.get(email="robin.invitee@example.org")
        assert Person.objects.get(pk=person.pk).user == user
        assert Membership.objects.get(user=user).role == Role.OFFICER
        assert "roster.officer_linked" in _actions(object_id=str(person.pk))
    page = anonymous.get(response["Location"])
    assert page.status_code == 200 and b"Invitee" in page.content


def test_a_viewer_cannot_invite_and_a_separated_person_is_not_invited(cast: Cast) -> None:
    person = make_person(cast.agency)
    url = reverse("roster:invite_officer", kwargs={"agency_slug": cast.agency.slug, "person_id": person.public_id})
    assert cast.client_for("viewer").post(url, {"email": "a@example.org"}).status_code == 403
    gone = make_person(cast.agency, status="separated", separation_date=dt.date(2025, 1, 1))
    url = reverse("roster:invite_officer", kwargs={"agency_slug": cast.agency.slug, "person_id": gone.public_id})
    response = cast.client_for("coordinator").post(url, {"email": "gone@example.org"})
    assert response.status_code == 200 and b"separated officers have no access" in response.content
    assert not Invitation.objects.filter(email="gone@example.org").exists()


def test_my_training_shows_the_officers_own_history_with_expiry_and_nobody_elses(cast: Cast) -> None:
    me = make_officer(cast, last_name="Ownrecord")
    make_training(me, "MHFA-PS", dt.date(2022, 6, 1))
    make_training(me, "MHFA-RECERT", dt.date(2025, 5, 1))
    other = make_person(cast.agency, last_name="Someoneelse")
    make_training(other, "CIT-40", dt.date(2024, 1, 1), certificate_number="SECRET-99")
    response = cast.client_for("officer").get(_mine(cast))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ownrecord" in body and "Someoneelse" not in body and "SECRET-99" not in body
    # Renewed by the recertification (engine rule): current until 2028-05-01.
    assert response.context["certificates"].mhfa_state == "current"
    assert "until 2028-05-01" in body and "2025-06-01" in body  # the first course's own expiry is listed too


def test_the_officer_uploads_a_certificate_and_the_coordinator_accepts_it(cast: Cast) -> None:
    me = make_officer(cast, last_name="Uploader")
    response = _upload(cast)
    assert response.status_code == 302 and response["Location"] == _mine(cast)
    with scopes_disabled():
        record = TrainingRecord.objects.get(person=me)
        assert (record.status, record.source) == (TrainingRecord.Status.PENDING, TrainingRecord.Source.SELF)
        assert record.certificate_number == "MHFA-77-1234" and record.certificate_file.endswith(".pdf")
        assert "training.certificate_submitted" in _actions(object_id=str(record.pk))
    page = cast.client_for("officer").get(_mine(cast))
    assert b"Waiting for the coordinator" in page.content
    assert page.context["certificates"].mhfa_state == "none"  # pending records never count
    coordinator = cast.client_for("coordinator")
    queue = coordinator.get(reverse("training:pending", kwargs={"agency_slug": cast.agency.slug}))
    assert b"Uploader" in queue.content and b"Uploaded by the officer" in queue.content
    accept = reverse("training:accept", kwargs={"agency_slug": cast.agency.slug, "record_id": record.public_id})
    assert coordinator.post(accept).status_code == 302
    with scopes_disabled():
        record.refresh_from_db()
        assert record.status == TrainingRecord.Status.ACCEPTED
        assert "training.record_accepted" in _actions(object_id=str(record.pk))
    assert cast.client_for("officer").get(_mine(cast)).context["certificates"].mhfa_state == "current"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00 not a certificate", "cert.pdf", "PDF"),
        (b"%PDF-" + b"0" * MAX_UPLOAD_BYTES, "big.pdf", "the limit is 10 MB"),
    ],
)
def test_an_upload_that_is_not_a_small_pdf_or_image_is_refused(
    cast: Cast, content: bytes, name: str, message: str
) -> None:
    make_officer(cast)
    response = _upload(cast, content, name)
    assert response.status_code == 200 and message in response.content.decode()
    with scopes_disabled():
        assert not TrainingRecord.objects.exists()


def test_a_future_completion_date_is_refused(cast: Cast) -> None:
    make_officer(cast)
    response = _upload(cast, completed_on="2026-05-01")
    assert response.status_code == 200 and "in the future" in response.content.decode()


def test_the_officer_never_reaches_anyone_elses_data(cast: Cast) -> None:
    make_officer(cast)
    other = make_person(cast.agency)
    record = make_training(other, certificate_file="0" * 31 + "2.pdf")
    foreign = make_training(make_person(cast.other_agency), certificate_file="0" * 31 + "3.pdf")
    client = cast.client_for("officer")
    for target in (record, foreign):
        assert client.get(_mine(cast, "mine_certificate", record_id=target.public_id)).status_code == 404
    slug = cast.agency.slug
    for url in (
        reverse("roster:list", kwargs={"agency_slug": slug}),
        reverse("roster:detail", kwargs={"agency_slug": slug, "person_id": other.public_id}),
        reverse("training:list", kwargs={"agency_slug": slug}),
        reverse("training:pending", kwargs={"agency_slug": slug}),
        reverse("training:certificate", kwargs={"agency_slug": slug, "record_id": record.public_id}),
        reverse("training:mine", kwargs={"agency_slug": cast.other_agency.slug}),
    ):
        assert client.get(url).status_code == 404, url


def test_members_without_a_linked_record_and_anonymous_visitors_get_no_my_training(cast: Cast) -> None:
    make_person(cast.agency, user=None)
    assert cast.client_for("coordinator").get(_mine(cast)).status_code == 404
    assert cast.client_for("officer").get(_mine(cast)).status_code == 404  # invited, but no record linked
    response = cast.client_for("anonymous").get(_mine(cast))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_separated_officer_loses_access(cast: Cast) -> None:
    me = make_officer(cast)
    make_training(me, certificate_file="0" * 31 + "4.pdf")
    client = cast.client_for("officer")
    assert client.get(_mine(cast)).status_code == 200
    with scopes_disabled():
        Person.objects.filter(pk=me.pk).update(status="separated", separation_date=dt.date(2026, 2, 1))
    response = client.get(_mine(cast))
    assert response.status_code == 403 and b"Your access has ended" in response.content
    assert _upload(cast).status_code == 403
    with scopes_disabled():
        assert not TrainingRecord.objects.filter(source="self").exists()


def test_the_account_home_leads_the_officer_to_my_training(cast: Cast) -> None:
    make_officer(cast)
    response = cast.client_for("officer").get(reverse("accounts:home"))
    assert response.status_code == 302 and response["Location"] == _mine(cast)
