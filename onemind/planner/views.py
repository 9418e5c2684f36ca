"""The planner page: the projection under the coordinator's assumptions (htmx redraws it on every change), the
method, and the course sessions that would close the gap, with seats reserved for chosen people in bulk."""

from __future__ import annotations

import uuid
from fractions import Fraction

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onemind.courses import services as course_services
from onemind.courses.selectors import Found, SessionFilters, agency_point, find_sessions, session_by_public_id
from onemind.lib.dates import add_months
from onemind.planner import projection as method
from onemind.planner.charts import projection_chart, projection_rows
from onemind.planner.forms import SEAT_FIELDS, AssumptionsForm
from onemind.planner.projection import COURSES, Assumptions, project, recommend
from onemind.planner.selectors import planner_inputs, whole
from onemind.roster.models import Person, PersonStatus
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view

SESSIONS_PER_COURSE = 8
LABELS = {
    method.MHFA_PS: "MHFA for Public Safety",
    method.MHFA_RECERT: "MHFA recertification",
    method.CIT_40: "CIT 40-hour",
}


@agency_view(roles.DASHBOARD_READ)
def index(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    today = timezone.localdate()
    form = AssumptionsForm(request.GET or None)
    window = form.value("window", 24)
    inputs = planner_inputs(agency, today, window)
    derived = Assumptions(inputs.rates.hires_per_month, inputs.rates.attrition_percent_per_year, {})
    hires = Fraction(str(form.value("hires", round(float(derived.hires_per_month), 2))))
    attrition = Fraction(str(form.value("attrition", round(float(derived.attrition_percent_per_year), 2))))
    advice = recommend(inputs.start, Assumptions(hires, attrition, {}))
    seats = {course: int(form.value(SEAT_FIELDS[course], advice.seats[course])) for course in COURSES}
    plan = project(inputs.start, Assumptions(hires, attrition, seats))
    if not (form.is_bound and form.errors):
        # Every input shows the figure the projection used, defaults included.
        shown = {"window": window, "hires": whole(hires, 2), "attrition": whole(attrition, 2)}
        shown |= {SEAT_FIELDS[c]: seats[c] for c in COURSES} | {"radius": form.radius_value}
        form = AssumptionsForm(initial=shown)
    sessions, people = _sessions_and_people(request, inputs.candidates, form.radius_value, plan)
    context = {
        "agency": agency,
        "form": form,
        "inputs": inputs,
        "hires": whole(hires, 2),
        "attrition": whole(attrition, 2),
        "derived_hires": whole(derived.hires_per_month, 2),
        "derived_attrition": whole(derived.attrition_percent_per_year, 2),
        "seats": [(LABELS[c], c, seats[c], advice.seats[c]) for c in COURSES],
        "plan": plan,
        "mhfa_reached": plan.reached("mhfa"),
        "cit_reached": plan.reached("cit"),
        "mhfa_ok": plan.compliant_from_deadline("mhfa"),
        "cit_ok": plan.compliant_from_deadline("cit"),
        "mhfa_gap": plan.first_gap_after_deadline("mhfa"),
        "cit_gap": plan.first_gap_after_deadline("cit"),
        "chart": projection_chart(plan),
        "rows": projection_rows(plan),
        "method": method.__doc__,
        "courses": [(LABELS[c], c, seats[c], advice.seats[c], sessions[c], people[c]) for c in COURSES],
        "last_month": plan.months[-1].month,
        "can_reserve": request.access.can(roles.COURSES_REGISTER),
        "radius": form.radius_value,
    }
    template = "planner/_projection.html" if request.htmx else "planner/index.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _sessions_and_people(
    request: AgencyRequest, candidates: dict[str, list[str]], radius: int, plan: method.Projection
) -> tuple[dict[str, list[Found]], dict[str, list[Person]]]:
    agency = request.access.agency
    origin = agency_point(agency)
    until = add_months(plan.start.deadline, 12)
    sessions = {}
    for course in COURSES:
        found = find_sessions(
            SessionFilters(course=course, seats_left=True, origin=origin, radius=radius, date_to=until)
        )
        sessions[course] = found[:SESSIONS_PER_COURSE]
    people: dict[str, list[Person]] = {c: [] for c in COURSES}
    # Names only for whoever may both see personnel and register them.
    if request.access.sees_personnel and request.access.can(roles.COURSES_REGISTER):
        ids = {int(i) for ids in candidates.values() for i in ids if str(i).isdigit()}
        rows = (
            Person.objects.filter(agency=agency, pk__in=ids)
            .exclude(status=PersonStatus.SEPARATED)
            .order_by("last_name", "first_name", "id")
        )
        by_id = {str(p.pk): p for p in rows}
        for course in COURSES:
            people[course] = sorted(
                (by_id[i] for i in candidates.get(course, []) if i in by_id),
                key=lambda p: (p.last_name, p.first_name, p.pk),
            )
    return sessions, people


@agency_view(roles.COURSES_REGISTER)
@require_POST
def reserve(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    back = redirect("planner:index", agency_slug=agency.slug)
    try:
        session_id = uuid.UUID(request.POST.get("session", ""))
    except ValueError:
        messages.error(request, "Choose a session to reserve seats on.")
        return back
    session = session_by_public_id(session_id)
    chosen_ids = request.POST.getlist("people")[:500]
    valid = []
    for value in chosen_ids:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            messages.error(request, "Some selected people are not on this agency's roster.")
            return back
    chosen = list(Person.objects.filter(agency=agency, public_id__in=valid))
    if session is None:
        messages.error(request, "That session no longer exists.")
    elif len(chosen) != len(set(valid)):
        messages.error(request, "Some selected people are not on this agency's roster.")
    elif not chosen:
        messages.error(request, "Tick at least one person.")
    else:
        try:
            result = course_services.register_people(actor=request.user, session=session, agency=agency, people=chosen)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            text = f"{len(result.confirmed)} seat{'s' if len(result.confirmed) != 1 else ''} reserved"
            if result.waitlisted:
                text += f", {len(result.waitlisted)} on the waiting list"
            if result.already:
                text += f", {len(result.already)} already registered"
            messages.success(request, f"{text} for {session.course_type.code} on {session.starts_local:%Y-%m-%d}.")
    return back
