"""Training pages: the agency's records, entering one or a whole class, pending records, certificate files."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onemind.lib.downloads import as_download
from onemind.lib.spreadsheet import export_response
from onemind.lib.uploads import (
    UploadRejected,
    content_type_for,
    delete_private_upload,
    open_private_upload,
    store_private_upload,
)
from onemind.roster.models import Person, PersonStatus
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view
from onemind.training import selectors, services
from onemind.training.columns import TRAINING_COLUMNS
from onemind.training.exports import training_rows
from onemind.training.forms import ClassForm, RejectForm, TrainingForm
from onemind.training.models import CourseType, TrainingRecord

FILTER_KEYS = ("q", "course", "status", "from", "to")
CLASS_CANDIDATE_LIMIT = 300


def _record(request: AgencyRequest, record_id: object) -> TrainingRecord:
    records = TrainingRecord.objects.filter(agency=request.access.agency).select_related("person", "course_type")
    return get_object_or_404(records, public_id=record_id)


@agency_view(roles.TRAINING_READ)
def training_list(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    params = {k: request.GET.get(k, "")[:100] for k in FILTER_KEYS}
    page = Paginator(selectors.training_list(agency, params), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "training/list.html",
        {
            "agency": agency,
            "page": page,
            "params": params,
            "query_string": urlencode({k: v for k, v in params.items() if v}),
            "courses": CourseType.objects.order_by("family", "code"),
            "statuses": TrainingRecord.Status.choices,
            "pending_count": selectors.pending_records(agency).count(),
        },
    )


@agency_view(roles.TRAINING_READ)
def export(request: AgencyRequest, fmt: str) -> HttpResponse:
    agency = request.access.agency
    params = {k: request.GET.get(k, "")[:100] for k in FILTER_KEYS}
    # Only accepted records by default: re-importing the file must not turn pending or rejected ones into facts.
    params["status"] = params["status"] or TrainingRecord.Status.ACCEPTED
    records = selectors.training_list(agency, params)
    name = f"training-{agency.slug}-{timezone.localdate():%Y-%m-%d}"
    return export_response(name, TRAINING_COLUMNS, training_rows(records), fmt)  # type: ignore[return-value]


def _optional_person(request: AgencyRequest) -> Person | None:
    person_id = request.GET.get("person") or request.POST.get("person")
    if not person_id:
        return None
    try:
        return Person.objects.filter(agency=request.access.agency).get(public_id=person_id)
    except (Person.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such person") from exc


@agency_view(roles.TRAINING_WRITE)
def add(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    person = _optional_person(request)
    form = TrainingForm(request.POST or None, request.FILES or None, agency=agency, person=person)
    if request.method == "POST" and form.is_valid():
        stored = ""
        try:
            upload = form.cleaned_data.get("certificate")
            stored = store_private_upload(upload) if upload else ""
            data = {k: form.cleaned_data.get(k) for k in ("hours", "provider", "instructor", "format")}
            record = services.record_training(
                actor=request.user,
                person=form.person,  # type: ignore[arg-type]
                course_type=form.cleaned_data["course_type"],
                completed_on=form.cleaned_data["completed_on"],
                certificate_number=form.cleaned_data.get("certificate_number", ""),
                certificate_file=stored,
                **{k: v for k, v in data.items() if v is not None},
            )
        except UploadRejected as exc:
            form.add_error("certificate", str(exc))
        except ValidationError as exc:
            delete_private_upload(stored) if stored else None
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{record.course_type.code} recorded for {record.person.full_name}.")
            return redirect("roster:detail", agency_slug=agency.slug, person_id=record.person.public_id)
    return render(request, "training/add.html", {"agency": agency, "form": form, "person": person})


@agency_view(roles.TRAINING_WRITE)
def add_class(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    form = ClassForm(request.POST or None)
    q = request.GET.get("q", "").strip()[:100]
    unit = request.GET.get("unit", "")[:100]
    candidates = Person.objects.filter(agency=agency).exclude(status=PersonStatus.SEPARATED)
    if q:
        candidates = candidates.filter(
            Q(last_name__istartswith=q) | Q(first_name__istartswith=q) | Q(employee_number=q) | Q(badge_number=q)
        )
    if unit:
        candidates = candidates.filter(unit=unit)
    chosen_ids = request.POST.getlist("attendees")
    chosen = list(Person.objects.filter(agency=agency, public_id__in=_uuids(chosen_ids)))
    if request.method == "POST":
        if len(chosen) != len(set(chosen_ids)):
            form.add_error(None, "Some selected attendees are not on this agency's roster.")
        elif not chosen:
            form.add_error(None, "Tick at least one attendee.")
        if form.is_valid():
            data = form.cleaned_data
            details = {k: data[k] for k in ("hours", "provider", "instructor", "format") if data.get(k) is not None}
            try:
                result = services.record_class(
                    actor=request.user,
                    agency=agency,
                    attendees=chosen,
                    course_type=data["course_type"],
                    completed_on=data["completed_on"],
                    **details,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                text = f"{len(result.created)} {data['course_type'].code} records created."
                if result.duplicates:
                    names = ", ".join(p.full_name for p in result.duplicates)
                    text += f" Already recorded, not added again: {names}."
                messages.success(request, text)
                return redirect("training:list", agency_slug=agency.slug)
    units = [
        u for u in Person.objects.filter(agency=agency).order_by("unit").values_list("unit", flat=True).distinct() if u
    ]
    shown = list(
        candidates.exclude(pk__in=[p.pk for p in chosen]).order_by("last_name", "first_name", "id")[
            : CLASS_CANDIDATE_LIMIT + 1
        ]
    )
    shown = chosen + shown  # ticked people stay visible when the search changes
    return render(
        request,
        "training/class.html",
        {
            "agency": agency,
            "form": form,
            "candidates": shown[: len(chosen) + CLASS_CANDIDATE_LIMIT],
            "more": len(shown) > len(chosen) + CLASS_CANDIDATE_LIMIT,
            "chosen": {str(p.public_id) for p in chosen},
            "q": q,
            "unit": unit,
            "units": units,
        },
    )


def _uuids(values: list[str]) -> list[str]:
    import uuid

    out = []
    for value in values:
        try:
            out.append(str(uuid.UUID(value)))
        except ValueError:
            out.append("00000000-0000-0000-0000-000000000000")
    return out


@agency_view(roles.TRAINING_READ)
def pending(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    page = Paginator(selectors.pending_records(agency), 50).get_page(request.GET.get("page"))
    return render(request, "training/pending.html", {"agency": agency, "page": page, "reject_form": RejectForm()})


@require_POST
@agency_view(roles.TRAINING_WRITE)
def accept(request: AgencyRequest, record_id: object) -> HttpResponse:
    record = _record(request, record_id)
    try:
        services.accept_training(actor=request.user, record=record)
        messages.success(request, f"{record.course_type.code} of {record.person.full_name} accepted.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("training:pending", agency_slug=request.access.agency.slug)


@require_POST
@agency_view(roles.TRAINING_WRITE)
def reject(request: AgencyRequest, record_id: object) -> HttpResponse:
    record = _record(request, record_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason to reject the record.")
    else:
        try:
            services.reject_training(actor=request.user, record=record, reason=form.cleaned_data["reason"])
            messages.success(request, f"{record.course_type.code} of {record.person.full_name} rejected.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("training:pending", agency_slug=request.access.agency.slug)


@agency_view(roles.TRAINING_READ)
def certificate(request: AgencyRequest, record_id: object) -> HttpResponse:
    return certificate_download(request, _record(request, record_id))


def certificate_download(request: HttpRequest, record: TrainingRecord) -> HttpResponse:
    """The record's certificate file as a download (never inline), logged; 404 when there is none."""
    if not record.certificate_file:
        raise Http404("No file for this record")
    try:
        handle = open_private_upload(record.certificate_file)
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    services.log_certificate_download(actor=request.user, record=record)
    ext = record.certificate_file.rpartition(".")[2]
    response: HttpResponse = FileResponse(handle, content_type=content_type_for(record.certificate_file))  # type: ignore[assignment]
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return as_download(response, f"certificate-{record.course_type.code}-{record.completed_on:%Y-%m-%d}.{ext}")
