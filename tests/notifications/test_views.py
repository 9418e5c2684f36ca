"""Notification pages: the list and read marks, the header badge, preferences, agency settings."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.audit.models import AuditEntry
from onemind.notifications.kinds import Category
from onemind.notifications.models import AgencyNotificationSettings, Notification, NotificationPreference
from tests.conftest import Cast


def _notice(user: object, title: str = "Agreement with Partner ends in 60 days", url: str = "/") -> Notification:
    with scopes_disabled():
        return Notification.objects.create(user=user, kind="agreement_ending", title=title, url=url)


def test_the_list_shows_only_my_notifications_with_a_bounded_number_of_queries(
    cast: Cast, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for n in range(30):
        _notice(cast.coordinator, f"Mine {n}")
    _notice(cast.admin, "Someone else's")
    client = cast.client_for("coordinator")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:list"))
    body = response.content.decode()
    assert response.status_code == 200 and "Mine 29" in body and "Someone else" not in body
    assert "30 unread" in body


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast) -> None:
    for name in ("notifications:list", "notifications:preferences", "notifications:badge"):
        response = cast.client_for("anonymous").get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_marking_read_and_opening_a_notification(cast: Cast) -> None:
    notice = _notice(cast.coordinator, url=f"/agencies/{cast.agency.slug}/dashboard/")
    client = cast.client_for("coordinator")
    response = client.post(reverse("notifications:read"), {"notification": str(notice.public_id), "open": "1"})
    assert response.status_code == 302 and response["Location"] == f"/agencies/{cast.agency.slug}/dashboard/"
    with scopes_disabled():
        assert Notification.objects.get(pk=notice.pk).read_at is not None


def test_another_users_notification_id_is_not_found_and_stays_unread(cast: Cast) -> None:
    notice = _notice(cast.admin)
    response = cast.client_for("coordinator").post(
        reverse("notifications:read"), {"notification": str(notice.public_id)}
    )
    assert response.status_code == 404
    response = cast.client_for("coordinator").post(reverse("notifications:read"), {"notification": "not-a-uuid"})
    assert response.status_code == 404
    with scopes_disabled():
        assert Notification.objects.get(pk=notice.pk).read_at is None


def test_an_offsite_url_is_never_followed(cast: Cast) -> None:
    notice = _notice(cast.coordinator, url="https://evil.example.com/")
    response = cast.client_for("coordinator").post(
        reverse("notifications:read"), {"notification": str(notice.public_id), "open": "1"}
    )
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read(cast: Cast) -> None:
    for _n in range(3):
        _notice(cast.coordinator)
    mine = _notice(cast.admin)
    cast.client_for("coordinator").post(reverse("notifications:read_all"))
    with scopes_disabled():
        assert not Notification.objects.filter(user=cast.coordinator, read_at__isnull=True).exists()
        assert Notification.objects.get(pk=mine.pk).read_at is None


def test_the_header_loads_the_unread_count_lazily(cast: Cast, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    _notice(cast.coordinator)
    _notice(cast.coordinator)
    client = cast.client_for("coordinator")
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert f'hx-get="{reverse("notifications:badge")}"' in page
    with django_assert_max_num_queries(4):
        badge = client.get(reverse("notifications:badge"))
    assert badge.status_code == 200 and '2<span class="usa-sr-only"> unread</span>' in badge.content.decode()


def test_preferences_are_saved_and_audited(cast: Cast) -> None:
    client = cast.client_for("coordinator")
    assert client.get(reverse("notifications:preferences")).status_code == 200
    data = {f"{c}_email": "on" for c in Category.values} | {f"{c}_in_app": "on" for c in Category.values}
    del data["digest_email"]
    data["email_opt_out"] = ""
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    with scopes_disabled():
        digest = NotificationPreference.objects.get(user=cast.coordinator, category="digest")
        assert (digest.email, digest.in_app) == (False, True)
        assert AuditEntry.objects.filter(action="notifications.preferences_changed").exists()


def test_agency_settings_admin_can_change_and_a_bad_zone_is_refused(cast: Cast) -> None:
    url = reverse("notifications:agency_settings", args=[cast.agency.slug])
    admin = cast.client_for("admin")
    page = admin.get(url)
    assert page.status_code == 200 and "America/Chicago" in page.content.decode()  # Illinois
    refused = admin.post(url, {"new_hire_days": "90", "time_zone": "Mars/Olympus"})
    assert refused.status_code == 200 and "Enter a time zone name" in refused.content.decode()
    assert admin.post(url, {"new_hire_days": "90", "time_zone": "America/Denver"}).status_code == 302
    with scopes_disabled():
        saved = AgencyNotificationSettings.objects.get(agency=cast.agency)
    assert (saved.new_hire_days, saved.time_zone) == (90, "America/Denver")


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("coordinator", 403), ("outsider", 404)])
def test_agency_settings_need_agency_write(cast: Cast, who: str, status: int) -> None:
    url = reverse("notifications:agency_settings", args=[cast.agency.slug])
    assert cast.client_for(who).get(url).status_code == status


def test_failures_page_is_for_campaign_staff_only(cast: Cast) -> None:
    assert cast.client_for("staff").get(reverse("notifications:failures")).status_code == 200
    assert cast.client_for("admin").get(reverse("notifications:failures")).status_code == 404
