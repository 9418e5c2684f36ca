from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from onemind.audit.models import AuditEntry
from onemind.policies.models import ELEMENT_CHOICES
from onemind.policies.selectors import engine_policies
from onemind.reviews import services
from onemind.reviews.models import Recognition, Submission
from onemind.reviews.selectors import verification_state
from tests.conftest import Cast
from tests.evidence_helpers import make_partnership, make_policy

pytestmark = pytest.mark.django_db


def _submit(cast: Cast, strategy: int, **extra: object) -> Submission:
    extra.setdefault("acknowledge_unmet", True)
    with scope(agency=cast.agency):
        return services.submit_strategy(actor=cast.admin, agency=cast.agency, strategy=strategy, **extra)  # type: ignore[arg-type]


def test_submitting_freezes_the_engines_figures_and_the_evidence(cast: Cast) -> None:
    with scopes_disabled():
        make_partnership(cast.agency)
    submission = _submit(cast, 1)
    assert submission.figures["state"] == "met" and submission.figures["numerator"] == 1
    assert [item["kind"] for item in submission.evidence] == ["partnership"]
    s3 = _submit(cast, 3)
    assert "missing" not in s3.figures  # no personnel names frozen for staff to read
    assert s3.figures["sworn"] is not None or s3.figures["state"] == "not_applicable"


def test_a_returned_submission_resubmitted_unchanged_is_refused(cast: Cast) -> None:
    with scopes_disabled():
        make_policy(cast.agency, covered=5)
    submission = _submit(cast, 2)
    with scope(agency=cast.agency):
        services.return_submission(actor=cast.staff, submission=submission, comment="Elements 6-12 are missing")
        with pytest.raises(ValidationError, match="Nothing has changed"):
            services.submit_strategy(actor=cast.admin, agency=cast.agency, strategy=2, acknowledge_unmet=True)
    response = cast.client_for("admin").post(
        reverse("reviews:submit", args=[cast.agency.slug, 2]), {"note": "", "acknowledge_unmet": "on"}, follow=True
    )
    assert "Nothing has changed" in response.content.decode()
    # Answering the reviewer is a change.
    cast.client_for("admin").post(reverse("reviews:comment", args=[cast.agency.slug, 2]), {"body": "See section 4"})
    resubmitted = _submit(cast, 2)
    assert resubmitted.state == "submitted" and resubmitted.round == 2


def test_verifying_a_strategy_whose_evidence_was_deleted_is_refused(cast: Cast) -> None:
    with scopes_disabled():
        version = make_policy(cast.agency)
    submission = _submit(cast, 2)
    cast.client_for("admin").post(reverse("policies:version_delete", args=[cast.agency.slug, version.public_id]))
    url = reverse("campaign:review", args=[submission.public_id])
    response = cast.client_for("staff").post(url, {"decision": "verify"})
    assert response.status_code == 400
    assert "no longer on file" in response.content.decode()
    submission.refresh_from_db()
    assert submission.state == "submitted"


def test_returning_needs_a_comment(cast: Cast) -> None:
    submission = _submit(cast, 3)
    url = reverse("campaign:review", args=[submission.public_id])
    assert cast.client_for("staff").post(url, {"decision": "return", "comment": ""}).status_code == 400
    assert cast.client_for("staff").post(url, {"decision": "return", "comment": "Please explain"}).status_code == 302
    submission.refresh_from_db()
    assert submission.state == "returned"


def test_all_four_verified_completes_the_agency_and_staff_recognize_it(cast: Cast) -> None:
    with scopes_disabled():
        make_partnership(cast.agency)
        make_policy(cast.agency)
    for number in (1, 2, 3, 4):
        submission = _submit(cast, number)
        with scope(agency=cast.agency):
            services.verify_submission(actor=cast.staff, submission=submission)
    verified, completed_on, recognized_on = verification_state([cast.agency.pk, cast.other_agency.pk])[cast.agency.pk]
    assert verified == frozenset({1, 2, 3, 4}) and completed_on == timezone.localdate() and recognized_on is None
    assert verification_state([cast.other_agency.pk])[cast.other_agency.pk] == (frozenset(), None, None)
    response = cast.client_for("staff").post(reverse("campaign:recognize", args=[cast.agency.slug]), {"confirm": "on"})
    assert response.status_code == 302
    cast.agency.refresh_from_db()
    assert cast.agency.recognized_on == timezone.localdate()
    with scopes_disabled():
        recognition = Recognition.objects.get(agency=cast.agency)
    assert recognition.reattest_due_on.year == timezone.localdate().year + 1
    pdf = cast.client_for("viewer").get(reverse("reviews:certificate", args=[cast.agency.slug]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    page = cast.client_for("anonymous").get(reverse("verify:code", args=[recognition.code]))
    assert page.status_code == 200 and "Springfield Police Department" in page.content.decode()
    assert cast.client_for("anonymous").get(reverse("verify:code", args=[recognition.code.lower()])).status_code == 200


def test_recognition_before_completion_is_refused(cast: Cast) -> None:
    cast.client_for("staff").post(reverse("campaign:recognize", args=[cast.agency.slug]), {"confirm": "on"})
    cast.agency.refresh_from_db()
    assert cast.agency.recognized_on is None


def test_a_forged_verification_code_is_not_found(cast: Cast) -> None:
    with scopes_disabled():
        real = Recognition.objects.create(
            agency=cast.agency, recognized_on=dt.date(2026, 6, 1), reattest_due_on=dt.date(2027, 6, 1)
        )
    forged = real.code[:-1] + ("A" if real.code[-1] != "A" else "B")
    response = cast.client_for("anonymous").get(reverse("verify:code", args=[forged]))
    assert response.status_code == 404
    assert "Certificate not found" in response.content.decode()
    assert "Springfield" not in response.content.decode()
    assert len(real.code) == 19  # 16 symbols of a 31-letter alphabet: ~79 bits


def test_reattestation_moves_the_due_date_a_year_on(cast: Cast) -> None:
    with scopes_disabled():
        make_partnership(cast.agency)
        make_policy(cast.agency)
        recognition = Recognition.objects.create(
            agency=cast.agency, recognized_on=dt.date(2025, 1, 1), reattest_due_on=dt.date(2026, 1, 1)
        )
    response = cast.client_for("admin").post(
        reverse("reviews:reattest", args=[cast.agency.slug]), {"statement": "Still in place"}
    )
    assert response.status_code == 302
    recognition.refresh_from_db()
    assert recognition.reattest_due_on > timezone.localdate()
    assert (
        cast.client_for("viewer")
        .post(reverse("reviews:reattest", args=[cast.agency.slug]), {"statement": "x"})
        .status_code
        == 403
    )


def test_staff_without_a_reason_cannot_open_personnel_data(cast: Cast) -> None:
    staff = cast.client_for("staff")
    assert staff.get(reverse("roster:list", args=[cast.agency.slug])).status_code == 403
    submission = _submit(cast, 3)
    page = staff.get(reverse("campaign:review", args=[submission.public_id])).content.decode()
    assert reverse("tenancy:staff_open", args=[cast.agency.slug]) in page
    staff.post(reverse("tenancy:staff_open", args=[cast.agency.slug]), {"reason": "Verifying strategy 3 figures"})
    assert staff.get(reverse("roster:list", args=[cast.agency.slug])).status_code == 200
    assert AuditEntry.objects.filter(agency=cast.agency, actor=cast.staff).exists()


def test_the_queue_filters_by_status_us_state_strategy_and_age(cast: Cast, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for number in (1, 2, 3):
        _submit(cast, number)
    with scope(agency=cast.other_agency):
        services.submit_strategy(actor=cast.outsider, agency=cast.other_agency, strategy=3, acknowledge_unmet=True)
    cast.other_agency.state = "WY"
    cast.other_agency.save()
    with scopes_disabled():
        Submission.objects.filter(strategy=1).update(submitted_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    staff = cast.client_for("staff")
    url = reverse("campaign:queue")
    with django_assert_max_num_queries(8):
        assert staff.get(url).status_code == 200
    assert staff.get(url, {"strategy": "2"}).context["page"].paginator.count == 1
    assert staff.get(url, {"age": "30"}).context["page"].paginator.count == 1
    assert staff.get(url, {"status": "verified"}).context["page"].paginator.count == 0
    # The US state is the agency's, separate from the submission's status.
    assert staff.get(url, {"us_state": "IL"}).context["page"].paginator.count == 3
    assert staff.get(url, {"us_state": "WY", "strategy": "3"}).context["page"].paginator.count == 1
    for hostile in ("²", "zz", "'", "99999999"):
        assert staff.get(url, {"us_state": hostile, "age": hostile, "status": hostile}).status_code == 200
    assert cast.client_for("admin").get(url).status_code == 404


def test_policy_checklist_elements_count_only_when_covered_with_a_section(cast: Cast) -> None:
    with scopes_disabled():
        version = make_policy(cast.agency, covered=0)
    url = reverse("policies:version", args=[cast.agency.slug, version.public_id])
    data = {f"{slug}__coverage": "missing" for slug, _label in ELEMENT_CHOICES}
    data |= {f"{slug}__coverage": "covered" for slug in ("purpose_scope", "definitions")}
    data |= {"purpose_scope__section": "§1", "definitions__section": ""}
    response = cast.client_for("admin").post(url, data)
    assert response.status_code == 200 and "Say where the policy covers this" in response.content.decode()
    data["definitions__section"] = "§3"
    assert cast.client_for("admin").post(url, data).status_code == 302
    policy = engine_policies([cast.agency.pk], dt.date(2026, 1, 1))[cast.agency.pk][0]
    assert policy.elements_covered == frozenset({"purpose_scope", "definitions"})
    assert cast.client_for("viewer").post(url, data).status_code == 403
