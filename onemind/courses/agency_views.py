"""The agency's course pages: what it needs (demand), its registrations, registering people, cancelling."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from onemind.courses import demand, selectors, services
from onemind.courses.models import CourseSession, Registration
from onemind.roster.models import Person, PersonStatus
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view

CANDIDATE_LIMIT = 300


@agency_view(roles.TRAINING_READ)
def index(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    registrations = list(selectors.agency_registrations(agency)[:300])
    now = timezone.now()
    context = {
        "agency": agency,
        "demand": demand.agency_demand(agency),
        "upcoming": [r for r in registrations if r.session.ends_at >= now],
        "past": [r for r in registrations if r.session.ends_at < now],
    }
    return render(request, "courses/agency_index.html", context)


def _session(session_id: uuid.UUID) -> CourseSession:
    session = selectors.session_by_public_id(session_id)
    if session is None:
        raise Http404("No such session")
    return session


def _uuids(values: list[str]) -> list[uuid.UUID]:
    out = []
    for value in values:
        try:
            out.append(uuid.UUID(value))
        except ValueError:
            out.append(uuid.UUID(int=0))
    return out


@agency_view(roles.COURSES_REGISTER)
def register(request: AgencyRequest, session_id: uuid.UUID) -> HttpResponse:
    agency = request.access.agency
    session = _session(session_id)
    errors: list[str] = []
    if request.method == "POST":
        chosen_ids = request.POST.getlist("people")[:500]
        chosen = list(Person.objects.filter(agency=agency, public_id__in=_uuids(chosen_ids)))
        if len(chosen) != len(set(chosen_ids)):
            errors.append("Some selected people are not on this agency's roster.")
        elif not chosen:
            errors.append("Tick at least one person.")
        else:
            order = {pid: i for i, pid in enumerate(chosen_ids)}
            chosen.sort(key=lambda p: order[str(p.public_id)])
            try:
                result = services.register_people(actor=request.user, session=session, agency=agency, people=chosen)
            except ValidationError as exc:
                errors += exc.messages
            else:
                _report(request, result)
                return redirect("courses_agency:index", agency_slug=agency.slug)
    q = request.GET.get("q", "").strip()[:100]
    candidates = Person.objects.filter(agency=agency).exclude(status=PersonStatus.SEPARATED)
    if q:
        candidates = candidates.filter(
            Q(last_name__istartswith=q) | Q(first_name__istartswith=q) | Q(employee_number=q) | Q(badge_number=q)
        )
    with scopes_disabled():
        on_session = set(
            Registration.objects.filter(session=session, agency=agency)
            .exclude(status=Registration.Status.CANCELLED)
            .values_list("person_id", flat=True)
        )
    shown = list(candidates.exclude(pk__in=on_session).order_by("last_name", "first_name", "id")[: CANDIDATE_LIMIT + 1])
    context = {
        "agency": agency,
        "session": session,
        "seats_left": max(session.seats - session.confirmed_count, 0),  # type: ignore[attr-defined]
        "problem": services.registration_problem(session),
        "candidates": shown[:CANDIDATE_LIMIT],
        "more": len(shown) > CANDIDATE_LIMIT,
        "already": len(on_session),
        "errors": errors,
        "q": q,
    }
    return render(request, "courses/register.html", context, status=400 if errors else 200)


def _report(request: AgencyRequest, result: services.RegisterResult) -> None:
    parts = []
    if result.confirmed:
        parts.append(f"Seats held for {', '.join(r.person.full_name for r in result.confirmed)}.")
    if result.waitlisted:
        parts.append(f"Waitlisted: {', '.join(r.person.full_name for r in result.waitlisted)}.")
    if result.already:
        parts.append(f"Already registered, not added again: {', '.join(p.full_name for p in result.already)}.")
    messages.success(request, " ".join(parts))


@require_POST
@agency_view(roles.COURSES_REGISTER)
def cancel(request: AgencyRequest, registration_id: uuid.UUID) -> HttpResponse:
    agency = request.access.agency
    registration: Registration = get_object_or_404(
        Registration.objects.filter(agency=agency).select_related("person", "session"), public_id=registration_id
    )
    try:
        promoted = services.cancel_registration(actor=request.user, registration=registration)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = f"The registration of {registration.person.full_name} is cancelled."
        if promoted is not None and promoted.agency_id == agency.pk:
            text += f" {promoted.person.full_name} moved from the waitlist to a seat."
        elif promoted is not None:
            text += " The seat went to the next person on the waitlist."
        messages.success(request, text)
    return redirect("courses_agency:index", agency_slug=agency.slug)
