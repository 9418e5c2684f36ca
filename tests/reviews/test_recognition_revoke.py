"""Revoking a recognition, regaining it, and the yearly re-attestation seen by the agency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from onemind.audit.models import AuditEntry
from onemind.partnerships.models import Partnership
from onemind.reviews import services
from onemind.reviews.models import Recognition, Submission
from tests.conftest import Cast, make_agency
from tests.evidence_helpers import make_partnership, make_policy

pytestmark = pytest.mark.django_db

REASON = "The partnership agreement with the mental health center ended and no new one is on file."


def _recognize(cast: Cast) -> Recognition:
    """All four strategies verified and the agency recognized, the way staff do it."""
    with scopes_disabled():
        make_partnership(cast.agency)
        make_policy(cast.agency)
    with scope(agency=cast.agency):
        for number in (1, 2, 3, 4):
            submission = services.submit_strategy(actor=cast.admin, agency=cast.agency, strategy=number)
            services.verify_submission(actor=cast.staff, submission=submission)
        return services.recognize_agency(actor=cast.staff, agency=cast.agency)


def _revoke_url(cast: Cast) -> str:
    return reverse("campaign:revoke", args=[cast.agency.slug])


def _end_the_partnership(cast: Cast) -> None:
    with scopes_disabled():
        Partnership.objects.filter(agency=cast.agency).update(ends_on=timezone.localdate() - dt.timedelta(days=1))


def test_staff_confirm_then_revoke_with_a_reason(cast: Cast) -> None:
    recognition = _recognize(cast)
    staff = cast.client_for("staff")
    page = staff.get(reverse("campaign:agency", args=[cast.agency.slug]))
    assert _revoke_url(cast) in page.content.decode()
    confirm = staff.get(_revoke_url(cast))
    assert confirm.status_code == 200
    assert "Revoke the recognition of Springfield Police Department?" in confirm.content.decode()
    cast.agency.refresh_from_db()
    assert cast.agency.recognized_on is not None  # the confirmation page itself changes nothing

    response = staff.post(_revoke_url(cast), {"reason": REASON})
    assert response.status_code == 302
    recognition.refresh_from_db()
    cast.agency.refresh_from_db()
    assert cast.agency.recognized_on is None
    assert recognition.revoked_on == timezone.localdate() and recognition.revoked_by == cast.staff
    assert recognition.revoke_reason == REASON
    after = staff.get(reverse("campaign:agency", args=[cast.agency.slug])).content.decode()
    assert "Revoked recognitions" in after and REASON in after


@pytest.mark.parametrize("who", ["admin", "coordinator", "viewer", "officer", "liaison", "provider", "outsider"])
def test_everyone_but_campaign_staff_gets_404(cast: Cast, who: str) -> None:
    _recognize(cast)
    client = cast.client_for(who)
    assert client.get(_revoke_url(cast)).status_code == 404
    assert client.post(_revoke_url(cast), {"reason": REASON}).status_code == 404
    cast.agency.refresh_from_db()
    assert cast.agency.recognized_on is not None


def test_anonymous_is_sent_to_log_in(cast: Cast) -> None:
    _recognize(cast)
    response = cast.client_for("anonymous").post(_revoke_url(cast), {"reason": REASON})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    cast.agency.refresh_from_db()
    assert cast.agency.recognized_on is not None


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(cast: Cast, reason: str) -> None:
    recognition = _recognize(cast)
    response = cast.client_for("staff").post(_revoke_url(cast), {"reason": reason})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    recognition.refresh_from_db()
    assert recognition.revoked_at is None
    with scope(agency=cast.agency), pytest.raises(ValidationError, match="reason"):
        services.revoke_recognition(actor=cast.staff, agency=cast.agency, reason=reason)


def test_revoking_an_agency_that_is_not_recognized_changes_nothing(cast: Cast) -> None:
    response = cast.client_for("staff").get(_revoke_url(cast), follow=True)
    assert "not recognized, so there is nothing to revoke" in response.content.decode()
    with scope(agency=cast.agency), pytest.raises(ValidationError, match="not recognized"):
        services.revoke_recognition(actor=cast.staff, agency=cast.agency, reason=REASON)


def test_the_agency_leaves_the_public_recognized_list(cast: Cast) -> None:
    _recognize(cast)
    public = cast.client_for("anonymous")
    assert "Springfield Police Department" in public.get(reverse("public:recognized")).content.decode()
    cast.client_for("staff").post(_revoke_url(cast), {"reason": REASON})
    assert "Springfield Police Department" not in public.get(reverse("public:recognized")).content.decode()


def test_the_verification_page_says_when_the_recognition_was_revoked(cast: Cast, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    recognition = _recognize(cast)
    with scope(agency=cast.agency):
        services.revoke_recognition(actor=cast.staff, agency=cast.agency, reason=REASON, on=dt.date(2026, 9, 14))
    with django_assert_max_num_queries(4):
        response = cast.client_for("anonymous").get(reverse("verify:code", args=[recognition.code]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Recognition revoked" in text and "revoked this recognition on <strong>September 14, 2026</strong>" in text
    assert "is not currently recognized" in text
    assert "genuine One Mind Campaign recognition, in force" not in text
    assert REASON not in text  # the reason is for the agency, not the public


def test_the_submissions_page_shows_the_reason_and_how_to_regain_it(cast: Cast) -> None:
    _recognize(cast)
    cast.client_for("staff").post(_revoke_url(cast), {"reason": REASON, "reopen": ["1"]})
    for who in ("admin", "viewer"):
        text = cast.client_for(who).get(reverse("reviews:index", args=[cast.agency.slug])).content.decode()
        assert f"Recognition revoked on {timezone.localdate():%B} " in text
        assert REASON in text and "How to regain recognition" in text
        assert "Returned to the agency" in text
    detail = cast.client_for("admin").get(reverse("reviews:detail", args=[cast.agency.slug, 1])).content.decode()
    assert f"Recognition revoked: {REASON}" in detail
    assert cast.client_for("admin").get(reverse("reviews:certificate", args=[cast.agency.slug])).status_code == 404


def test_reopened_strategies_are_submitted_and_verified_again_before_a_new_recognition(cast: Cast) -> None:
    old = _recognize(cast)
    with scope(agency=cast.agency):
        services.revoke_recognition(actor=cast.staff, agency=cast.agency, reason=REASON, reopen=(1,))
        s1 = Submission.objects.get(agency=cast.agency, strategy=1)
        assert s1.state == "returned" and s1.verified_on is None
        with pytest.raises(ValidationError, match="not yet verified: 1"):
            services.recognize_agency(actor=cast.staff, agency=cast.agency)
        with pytest.raises(ValidationError, match="Nothing has changed"):
            services.submit_strategy(actor=cast.admin, agency=cast.agency, strategy=1)
        resubmitted = services.submit_strategy(
            actor=cast.admin, agency=cast.agency, strategy=1, note="The renewed agreement is on file."
        )
        services.verify_submission(actor=cast.staff, submission=resubmitted)
    response = cast.client_for("staff").post(reverse("campaign:recognize", args=[cast.agency.slug]), {"confirm": "on"})
    assert response.status_code == 302
    cast.agency.refresh_from_db()
    assert cast.agency.recognized_on == timezone.localdate()
    with scopes_disabled():
        new = Recognition.objects.get(agency=cast.agency, revoked_at__isnull=True)
    assert new.code != old.code
    old_page = cast.client_for("anonymous").get(reverse("verify:code", args=[old.code])).content.decode()
    assert "Recognition revoked" in old_page and "was recognized again on" in old_page
    new_page = cast.client_for("anonymous").get(reverse("verify:code", args=[new.code])).content.decode()
    assert "Certificate verified" in new_page
    assert (
        "Springfield Police Department"
        in cast.client_for("anonymous").get(reverse("public:recognized")).content.decode()
    )


def test_with_nothing_reopened_staff_can_recognize_again_directly(cast: Cast) -> None:
    _recognize(cast)
    staff = cast.client_for("staff")
    staff.post(_revoke_url(cast), {"reason": "Re-attestation is a year overdue."})
    page = staff.get(reverse("campaign:agency", args=[cast.agency.slug])).content.decode()
    assert "Recognize Springfield Police Department" in page
    staff.post(reverse("campaign:recognize", args=[cast.agency.slug]), {"confirm": "on"})
    cast.agency.refresh_from_db()
    assert cast.agency.recognized_on is not None
    with scopes_disabled():
        assert Recognition.objects.filter(agency=cast.agency).count() == 2


def test_revoking_is_audited_with_before_and_after(cast: Cast) -> None:
    recognition = _recognize(cast)
    cast.client_for("staff").post(_revoke_url(cast), {"reason": REASON, "reopen": ["1"]})
    with scopes_disabled():
        revoked = AuditEntry.objects.get(action="reviews.recognition_revoked")
        unrecognized = AuditEntry.objects.get(action="reviews.agency_unrecognized")
        reopened = AuditEntry.objects.get(action="reviews.strategy_reopened")
    assert revoked.object_id == str(recognition.pk) and revoked.reason == REASON
    assert revoked.before["revoked_at"] is None and revoked.before["revoke_reason"] == ""
    assert revoked.after["revoke_reason"] == REASON and revoked.after["revoked_by"] == cast.staff.pk
    assert unrecognized.before["recognized_on"] == timezone.localdate().isoformat()
    assert unrecognized.after["recognized_on"] is None
    assert reopened.before["state"] == "verified" and reopened.after["state"] == "returned"
    assert revoked.agency_id == unrecognized.agency_id == cast.agency.pk


def test_strategies_no_longer_met_are_checked_for_reopening(cast: Cast) -> None:
    _recognize(cast)
    _end_the_partnership(cast)
    text = cast.client_for("staff").get(_revoke_url(cast)).content.decode()
    assert 'value="1" checked' in text and 'value="2" checked' not in text
    assert "What the records show today" in text


# Yearly re-attestation, as the agency sees it.


def test_a_recognized_agency_sees_its_renew_by_date_and_re_attests(cast: Cast) -> None:
    recognition = _recognize(cast)
    index = reverse("reviews:index", args=[cast.agency.slug])
    text = cast.client_for("viewer").get(index).content.decode()
    assert f"Renew by {recognition.reattest_due_on:%B} {recognition.reattest_due_on.day}, " in text
    assert "Re-attest now" not in text  # read-only members see the date, not the button
    assert "Re-attest now" in cast.client_for("admin").get(index).content.decode()


def test_an_overdue_re_attestation_is_flagged_to_agency_and_staff(cast: Cast) -> None:
    recognition = _recognize(cast)
    with scopes_disabled():
        Recognition.objects.filter(pk=recognition.pk).update(
            reattest_due_on=timezone.localdate() - dt.timedelta(days=3)
        )
    text = cast.client_for("admin").get(reverse("reviews:index", args=[cast.agency.slug])).content.decode()
    assert "Overdue:" in text and "Re-attest now" in text
    staff_page = cast.client_for("staff").get(reverse("campaign:agency", args=[cast.agency.slug])).content.decode()
    assert "overdue</strong> by 3 days" in staff_page
    cast.client_for("admin").post(reverse("reviews:reattest", args=[cast.agency.slug]), {"statement": "In place"})
    recognition.refresh_from_db()
    assert recognition.reattest_due_on > timezone.localdate()


def test_re_attesting_is_refused_while_a_strategy_is_no_longer_met(cast: Cast) -> None:
    recognition = _recognize(cast)
    due = recognition.reattest_due_on
    _end_the_partnership(cast)
    index = reverse("reviews:index", args=[cast.agency.slug])
    text = cast.client_for("admin").get(index).content.decode()
    assert "Maintenance needed" in text and "Re-attest now" not in text
    response = cast.client_for("admin").post(
        reverse("reviews:reattest", args=[cast.agency.slug]), {"statement": "In place"}, follow=True
    )
    assert "Not re-attested: the records show strategy 1 (Partnership) no longer met" in response.content.decode()
    recognition.refresh_from_db()
    assert recognition.reattest_due_on == due


def test_the_pages_stay_within_a_query_budget(cast: Cast, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    # The recognized pages run the engine once (its loader queries by table, not per person).
    _recognize(cast)
    admin, staff = cast.client_for("admin"), cast.client_for("staff")
    index = reverse("reviews:index", args=[cast.agency.slug])
    status = reverse("campaign:agency", args=[cast.agency.slug])
    with django_assert_max_num_queries(22):
        assert admin.get(index).status_code == 200
    with django_assert_max_num_queries(20):
        assert staff.get(_revoke_url(cast)).status_code == 200
    with django_assert_max_num_queries(24):
        assert staff.get(status).status_code == 200
    staff.post(_revoke_url(cast), {"reason": REASON})
    with django_assert_max_num_queries(9):
        assert admin.get(index).status_code == 200
    with django_assert_max_num_queries(10):
        assert staff.get(status).status_code == 200


def test_the_review_queue_lists_recognitions_overdue_for_re_attestation(
    cast: Cast, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    with scopes_disabled():
        for agency, due in (
            (cast.agency, today - dt.timedelta(days=40)),
            (cast.other_agency, today - dt.timedelta(days=2)),
        ):
            Recognition.objects.create(agency=agency, recognized_on=due - dt.timedelta(days=365), reattest_due_on=due)
        # Revoked, or not yet due: not listed.
        third = make_agency("Capital City Police Department", "IL", "IL0990000")
        Recognition.objects.create(agency=third, recognized_on=today, reattest_due_on=today + dt.timedelta(days=300))
        Recognition.objects.create(
            agency=third,
            recognized_on=today - dt.timedelta(days=800),
            reattest_due_on=today - dt.timedelta(days=400),
            revoked_at=timezone.now(),
            revoked_on=today,
        )
    staff = cast.client_for("staff")
    with django_assert_max_num_queries(5):
        response = staff.get(reverse("campaign:queue"))
    overdue = response.context["overdue"]
    assert [r.agency for r in overdue] == [cast.agency, cast.other_agency]
    assert "Re-attestation overdue" in response.content.decode()
