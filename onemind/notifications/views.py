"""Notification pages: the list, read marks, the header badge, preferences, agency settings, delivery failures."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from onemind.lib.versions import StaleEdit, edited_values, refuse_stale, submitted_version, track_version
from onemind.notifications import selectors, services
from onemind.notifications.forms import AgencySettingsForm, PreferencesForm
from onemind.notifications.models import DEFAULT_NEW_HIRE_DAYS, AgencyNotificationSettings, Notification, Reminder
from onemind.notifications.timezones import zone_name
from onemind.tenancy.access import AgencyRequest, AuthenticatedRequest, agency_view, campaign_view
from onemind.tenancy.roles import AGENCY_WRITE, CAMPAIGN_MANAGE


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_for(request.user), 50).get_page(request.GET.get("page"))
    unread = selectors.unread_count(request.user)
    return render(request, "notifications/list.html", {"page": page, "unread": unread})


@login_required
@require_POST
def read(request: AuthenticatedRequest) -> HttpResponse:
    """Mark one notification read (and open it with ``open``). The id comes in the form; no id marks nothing."""
    raw = request.POST.get("notification", "")
    if not raw:
        return redirect("notifications:list")
    try:
        public_id = uuid.UUID(raw)
    except ValueError as exc:
        raise Http404("No such notification") from exc
    # Looked up through the signed-in user: someone else's notification id is simply not found.
    notification = get_object_or_404(Notification, public_id=public_id, user=request.user)
    services.mark_read(actor=request.user, notification=notification)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url or "notifications:list")
    return redirect("notifications:list")


@login_required
@require_POST
def read_all(request: AuthenticatedRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications:list")


@login_required
def badge(request: AuthenticatedRequest) -> HttpResponse:
    """The header's unread count, fetched by htmx after the page loads so no page pays for it up front."""
    response = render(request, "notifications/_badge.html", {"unread": selectors.unread_count(request.user)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    choices, opted_out = selectors.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_from(choices, opted_out))
    if request.method == "POST" and form.is_valid():
        services.save_preferences(
            actor=request.user, choices=form.choices(), email_opt_out=form.cleaned_data["email_opt_out"]
        )
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@agency_view(AGENCY_WRITE)
def agency_settings(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    current = AgencyNotificationSettings.objects.filter(agency=agency).first()
    explicit_zone = current.time_zone if current else ""
    initial = {"new_hire_days": current.new_hire_days if current else DEFAULT_NEW_HIRE_DAYS, "time_zone": explicit_zone}
    form = AgencySettingsForm(request.POST or None, initial=initial)
    if current is not None:
        track_version(form, current)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_agency_settings(
                actor=request.user,
                agency=agency,
                expected_version=submitted_version(form),
                **edited_values(form, ("new_hire_days", "time_zone")),
            )
        except StaleEdit as exc:
            refuse_stale(form, exc.current)
        else:
            messages.success(request, "Reminder settings saved.")
            return redirect("notifications:agency_settings", agency_slug=agency.slug)
    effective_zone = zone_name(agency.state, explicit_zone)
    return render(
        request, "notifications/agency_settings.html", {"form": form, "agency": agency, "zone": effective_zone}
    )


@campaign_view(CAMPAIGN_MANAGE)
def failures(request: AuthenticatedRequest) -> HttpResponse:
    with scopes_disabled():
        rows = list(selectors.delivery_problems()[:200])
    return render(request, "notifications/failures.html", {"rows": rows})


@campaign_view(CAMPAIGN_MANAGE)
@require_POST
def retry(request: HttpRequest, reminder_id: int) -> HttpResponse:
    reminder = get_object_or_404(Reminder, pk=reminder_id)
    if services.retry_reminder(actor=request.user, reminder=reminder):  # type: ignore[arg-type]
        messages.success(request, "The reminder is back in the queue.")
    else:
        messages.info(request, "That reminder is not failed: nothing to retry.")
    return redirect("notifications:failures")
