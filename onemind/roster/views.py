"""Roster pages. Thin: forms validate, services write, selectors read."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onemind.audit.selectors import audit_for_object
from onemind.lib.spreadsheet import export_response
from onemind.lib.versions import StaleEdit, refuse_stale, submitted_version, track_version
from onemind.roster import selectors, services
from onemind.roster.columns import ROSTER_COLUMNS
from onemind.roster.exports import roster_rows
from onemind.roster.forms import (
    EndExemptionForm,
    ExemptionForm,
    InviteOfficerForm,
    PersonForm,
    PositionFormSet,
    RehireForm,
    SeparateForm,
)
from onemind.roster.models import DesignatedPosition, Exemption, Person, PersonStatus
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view
from onemind.training.selectors import certificates_for, edition_for

FILTER_KEYS = ("q", "sworn", "unit", "shift", "status", "training", "order")


def _person(request: AgencyRequest, person_id: object) -> Person:
    return get_object_or_404(Person.objects.filter(agency=request.access.agency), public_id=person_id)


def _apply_errors(form: object, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)  # type: ignore[attr-defined]


@agency_view(roles.ROSTER_READ)
def roster_list(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    params = {k: request.GET.get(k, "")[:100] for k in FILTER_KEYS}
    if not params["status"]:
        params["status"] = "current"
    page = Paginator(selectors.roster_list(agency, params), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.attach_training_state(list(page.object_list), agency)
    query_string = urlencode({k: v for k, v in params.items() if v})
    context = {
        "agency": agency,
        "page": page,
        "params": params,
        "query_string": query_string,
        "choices": selectors.filter_choices(agency),
        "training_states": selectors.TRAINING_STATES,
        "statuses": PersonStatus.choices,
    }
    template = "roster/_results.html" if request.htmx else "roster/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@agency_view(roles.ROSTER_READ)
def export(request: AgencyRequest, fmt: str) -> HttpResponse:
    agency = request.access.agency
    params = {k: request.GET.get(k, "")[:100] for k in FILTER_KEYS}
    people: QuerySet[Person] = selectors.roster_list(agency, {**params, "status": params["status"] or "all"})
    name = f"roster-{agency.slug}-{timezone.localdate():%Y-%m-%d}"
    return export_response(name, ROSTER_COLUMNS, roster_rows(people), fmt)  # type: ignore[return-value]


@agency_view(roles.ROSTER_READ)
def detail(request: AgencyRequest, person_id: object) -> HttpResponse:
    person = _person(request, person_id)
    records = list(person.training_records.select_related("course_type").order_by("-completed_on", "id"))
    certificates = certificates_for(person, records, edition_for(request.access.agency))
    return render(
        request,
        "roster/detail.html",
        {
            "agency": request.access.agency,
            "person": person,
            "records": records,
            "certificates": certificates,
            "today": timezone.localdate(),
            "events": person.events.select_related("recorded_by").order_by("-effective_on", "-id"),
            "exemptions": person.exemptions.select_related("approved_by"),
            "audit": audit_for_object(person).select_related("actor")[:100],
            "end_form": EndExemptionForm(),
            "officer_invitation": person.invitations.order_by("-created_at").first(),
        },
    )


@agency_view(roles.ROSTER_WRITE)
def add(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    form = PersonForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(actor=request.user, agency=agency, **form.person_values())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{person.full_name} added to the roster.")
            return redirect("roster:detail", agency_slug=agency.slug, person_id=person.public_id)
    return render(request, "roster/form.html", {"agency": agency, "form": form, "title": "Add a person"})


@agency_view(roles.ROSTER_WRITE)
def edit(request: AgencyRequest, person_id: object) -> HttpResponse:
    agency = request.access.agency
    person = _person(request, person_id)
    form = PersonForm(request.POST or None, agency=agency, instance=person)
    track_version(form, person)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                actor=request.user,
                person=person,
                effective_on=form.cleaned_data.get("effective_on"),
                expected_version=submitted_version(form),
                **form.person_values(),
            )
        except StaleEdit as exc:
            refuse_stale(form, exc.current)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{person.full_name} saved.")
            return redirect("roster:detail", agency_slug=agency.slug, person_id=person.public_id)
    title = f"Edit {person.full_name}"
    return render(request, "roster/form.html", {"agency": agency, "form": form, "title": title, "person": person})


@agency_view(roles.ROSTER_WRITE)
def invite_officer(request: AgencyRequest, person_id: object) -> HttpResponse:
    """Invite the officer to see their own record and send certificates (their account sees nothing else)."""
    agency = request.access.agency
    person = _person(request, person_id)
    form = InviteOfficerForm(request.POST or None, initial={"email": person.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_officer(actor=request.user, person=person, email=form.cleaned_data["email"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("roster:detail", agency_slug=agency.slug, person_id=person.public_id)
    title = f"Invite {person.full_name} to see their training record"
    context = {"agency": agency, "form": form, "title": title, "person": person, "submit_label": "Send invitation"}
    return render(request, "roster/form.html", context)


@agency_view(roles.ROSTER_WRITE)
def separate(request: AgencyRequest, person_id: object) -> HttpResponse:
    agency = request.access.agency
    person = _person(request, person_id)
    form = SeparateForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.separate_person(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{person.full_name} is recorded as separated.")
            return redirect("roster:detail", agency_slug=agency.slug, person_id=person.public_id)
    title = f"Separate {person.full_name}"
    return render(request, "roster/form.html", {"agency": agency, "form": form, "title": title, "person": person})


@agency_view(roles.ROSTER_WRITE)
def rehire(request: AgencyRequest, person_id: object) -> HttpResponse:
    agency = request.access.agency
    person = _person(request, person_id)
    form = RehireForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.rehire_person(actor=request.user, person=person, on=form.cleaned_data["on"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{person.full_name} is back on the roster.")
            return redirect("roster:detail", agency_slug=agency.slug, person_id=person.public_id)
    title = f"Rehire {person.full_name}"
    return render(request, "roster/form.html", {"agency": agency, "form": form, "title": title, "person": person})


@agency_view(roles.ROSTER_WRITE)
def add_exemption(request: AgencyRequest, person_id: object) -> HttpResponse:
    agency = request.access.agency
    person = _person(request, person_id)
    form = ExemptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_exemption(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Exemption recorded for {person.full_name}; you are its approver.")
            return redirect("roster:detail", agency_slug=agency.slug, person_id=person.public_id)
    title = f"Add an exemption for {person.full_name}"
    return render(request, "roster/form.html", {"agency": agency, "form": form, "title": title, "person": person})


@require_POST
@agency_view(roles.ROSTER_WRITE)
def end_exemption(request: AgencyRequest, person_id: object, exemption_id: int) -> HttpResponse:
    agency = request.access.agency
    person = _person(request, person_id)
    exemption: Exemption = get_object_or_404(Exemption.objects.filter(agency=agency, person=person), pk=exemption_id)
    form = EndExemptionForm(request.POST)
    if form.is_valid():
        try:
            services.end_exemption(actor=request.user, exemption=exemption, on=form.cleaned_data["on"])
            messages.success(request, "Exemption ended.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Give a valid end date.")
    return redirect("roster:detail", agency_slug=agency.slug, person_id=person.public_id)


@agency_view(roles.ROSTER_READ)
def positions(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    current = DesignatedPosition.objects.filter(agency=agency).order_by("title")
    initial = [{"title": p.title, "for_mhfa": p.for_mhfa, "for_cit": p.for_cit} for p in current]
    formset = PositionFormSet(request.POST or None, initial=initial)
    if request.method == "POST":
        if not request.access.can(roles.ROSTER_WRITE):
            return HttpResponse("Your role cannot change designated positions.", status=403)
        if formset.is_valid():
            rows = [
                (
                    f.cleaned_data.get("title", ""),
                    f.cleaned_data.get("for_mhfa", False),
                    f.cleaned_data.get("for_cit", False),
                )
                for f in formset
            ]
            changed = services.set_designated_positions(actor=request.user, agency=agency, positions=rows)
            messages.success(request, f"Designated positions saved; {changed} people's designation changed.")
            return redirect("roster:positions", agency_slug=agency.slug)
    return render(request, "roster/positions.html", {"agency": agency, "formset": formset, "current": current})
