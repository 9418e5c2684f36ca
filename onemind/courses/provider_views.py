"""The course provider's pages: its sessions, publishing and editing, cancelling, registrants and attendance.

Only members of the session's provider reach these pages; everyone else (signed in) gets 404, like an outsider
to an agency, so nobody can probe which sessions have registrants.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from onemind.courses import demand, selectors, services
from onemind.courses.forms import CancelSessionForm, SessionForm
from onemind.courses.models import CourseProvider, CourseSession, Registration
from onemind.lib.versions import StaleEdit, refuse_stale, submitted_version, track_version

V = TypeVar("V", bound=Callable[..., HttpResponse])


def _signed_in(view: V) -> V:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response = view(request, *args, **kwargs)
        response.setdefault("Cache-Control", "no-store")
        return response

    return cast(V, wrapped)


def _own_session(request: HttpRequest, session_id: uuid.UUID) -> CourseSession:
    session = get_object_or_404(selectors.with_counts(CourseSession.objects.all()), public_id=session_id)
    if not selectors.is_provider_member(request.user, session.provider):
        raise Http404("No such session")
    return session


def _own_provider(request: HttpRequest, provider_slug: str) -> CourseProvider:
    provider = get_object_or_404(CourseProvider, slug=provider_slug)
    if not selectors.is_provider_member(request.user, provider):
        raise Http404("No such provider")
    return provider


@_signed_in
def home(request: HttpRequest) -> HttpResponse:
    providers = selectors.providers_of(request.user)
    provider_list = list(providers)
    if not provider_list:
        raise Http404("Not a course provider")
    sessions = list(selectors.provider_sessions(providers)[:200])
    return render(request, "courses/provider_home.html", {"providers": provider_list, "sessions": sessions})


@_signed_in
def publish(request: HttpRequest, provider_slug: str) -> HttpResponse:
    provider = _own_provider(request, provider_slug)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.publish_session(actor=request.user, provider=provider, **form.values())
        except ValidationError as exc:
            form.add_model_errors(exc.message_dict)
        else:
            messages.success(request, f"{session.course_type.code} on {session.starts_local:%Y-%m-%d} is published.")
            return redirect("courses:registrants", session_id=session.public_id)
    return render(request, "courses/session_form.html", {"form": form, "provider": provider, "session": None})


@_signed_in
def edit(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _own_session(request, session_id)
    form = SessionForm(request.POST or None, initial=SessionForm.initial_from(session))
    track_version(form, session, SessionForm.initial_from(session))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(
                actor=request.user, session=session, expected_version=submitted_version(form), **form.values()
            )
        except StaleEdit as exc:
            refuse_stale(form, exc.current, SessionForm.initial_from(exc.current))  # type: ignore[arg-type]
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_model_errors(exc.message_dict)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, "The session is saved.")
            return redirect("courses:registrants", session_id=session.public_id)
    context = {"form": form, "provider": session.provider, "session": session}
    return render(request, "courses/session_form.html", context)


@require_POST
@_signed_in
def cancel(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _own_session(request, session_id)
    form = CancelSessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the session is cancelled: registrants are told.")
    else:
        try:
            cancelled = services.cancel_session(actor=request.user, session=session, reason=form.cleaned_data["reason"])
            messages.success(request, f"The session is cancelled; {len(cancelled)} registrations were cancelled.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("courses:registrants", session_id=session.public_id)


@_signed_in
def registrants(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _own_session(request, session_id)
    groups = selectors.registrants(session)
    context = {
        "session": session,
        "groups": groups,
        "seats_left": max(session.seats - session.confirmed_count, 0),  # type: ignore[attr-defined]
        "cancel_form": CancelSessionForm(),
        "statuses": Registration.Status,
    }
    return render(request, "courses/registrants.html", context)


@require_POST
@_signed_in
def attendance(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _own_session(request, session_id)
    marks = [
        services.Mark(
            registration_id=reg_id,
            attended=request.POST.get(f"attended-{reg_id}") == "on",
            completed=request.POST.get(f"completed-{reg_id}") == "on",
            certificate_number=request.POST.get(f"certificate-{reg_id}", "")[:80],
        )
        for reg_id in request.POST.getlist("registration")[:1000]
    ]
    if not marks:
        messages.error(request, "Nobody was marked.")
        return redirect("courses:registrants", session_id=session.public_id)
    try:
        result = services.record_attendance(actor=request.user, session=session, marks=marks)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = f"Attendance saved; {len(result.records)} training records sent to the agencies for acceptance."
        if result.already_on_file:
            text += f" {len(result.already_on_file)} were already on the agency's records and were not sent again."
        messages.success(request, text)
    return redirect("courses:registrants", session_id=session.public_id)


@_signed_in
def state_demand(request: HttpRequest) -> HttpResponse:
    if not selectors.providers_of(request.user).exists():
        raise Http404("Not a course provider")
    rows = demand.state_demand()
    return render(request, "courses/state_demand.html", {"rows": rows, "lines": demand.LINES})
