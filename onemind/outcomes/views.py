"""Outcome pages: the monthly figures, one month's form, and the file imports (upload → mapping → preview →
apply → undo). Thin: the work is in services, aggregator and selectors."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onemind.imports.reading import FileRejected
from onemind.lib.spreadsheet import export_response
from onemind.outcomes import aggregator, grant, selectors, services
from onemind.outcomes.fields import FIELDS, grouped
from onemind.outcomes.forms import MonthForm, UploadForm, mapping_from_post, mapping_rows
from onemind.outcomes.models import OutcomeImport
from onemind.outcomes.trends import agency_trends
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view


def _month(text: str) -> dt.date:
    try:
        return services.parse_month(text)
    except ValueError:
        raise Http404("No such month") from None


def _batch(request: AgencyRequest, batch_id: uuid.UUID) -> OutcomeImport:
    queryset = OutcomeImport.objects.filter(agency=request.access.agency)
    batch: OutcomeImport = get_object_or_404(queryset, public_id=batch_id)
    return batch


@agency_view(roles.OUTCOMES_READ)
def index(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    today = timezone.localdate()
    return render(
        request,
        "outcomes/index.html",
        {
            "agency": agency,
            "lines": selectors.recent_months(agency, today),
            "fields": FIELDS,
            "groups": grouped(),
            "imports": selectors.imports_for(agency)[:10],
            "can_write": request.access.can(roles.OUTCOMES_WRITE),
        },
    )


@agency_view(roles.OUTCOMES_READ)
def trends(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    return render(
        request,
        "outcomes/trends.html",
        {"agency": agency, "trends": agency_trends(agency, timezone.localdate()), "fields": FIELDS},
    )


@agency_view(roles.OUTCOMES_READ)
def grant_report(request: AgencyRequest, fmt: str) -> HttpResponse:
    agency = request.access.agency
    quarters, partnerships = grant.grant_quarters(agency, timezone.localdate())
    name = f"grant-report-{agency.slug}"
    if fmt == "pdf":
        pdf = grant.grant_pdf(agency, quarters, partnerships, timezone.localtime())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    rows = [[q.label, *q.cells] for q in quarters]
    rows.append(["partnership_agreements_in_force_today", partnerships])
    return export_response(name, ["quarter", *grant.HEADERS[1:]], rows, "csv")  # type: ignore[return-value]


@agency_view(roles.OUTCOMES_WRITE)
def month_edit(request: AgencyRequest, month: str) -> HttpResponse:
    agency = request.access.agency
    day = _month(month)
    row = selectors.month_row(agency, day)
    initial = {"status": row.status, "version": row.version, **row.values()} if row else {}
    form = MonthForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_month(
                actor=request.user,
                agency=agency,
                month=day,
                status=form.cleaned_data["status"],
                values=form.values(),
                version=form.cleaned_data.get("version") if row else None,
            )
        except services.StaleMonth as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for name, reasons in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, reasons)
        else:
            messages.success(request, f"Figures for {day:%B %Y} saved.")
            return redirect("outcomes:index", agency_slug=agency.slug)
    return render(request, "outcomes/month.html", {"agency": agency, "form": form, "month": day, "row": row})


@agency_view(roles.OUTCOMES_READ)
def template_file(request: AgencyRequest) -> HttpResponse:
    """An empty monthly-figures file with every column, for agencies that keep their figures in a spreadsheet."""
    headers = ["month", "status", *(f.name for f in FIELDS)]
    today = timezone.localdate()
    return export_response(  # type: ignore[return-value]
        "outcome-months-template", headers, [[today.strftime("%Y-%m"), "collected", *([""] * len(FIELDS))]], "csv"
    )


@agency_view(roles.OUTCOMES_WRITE)
def upload(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        start = (
            services.start_call_export
            if form.cleaned_data["kind"] == OutcomeImport.Kind.CALL_EXPORT
            else services.start_aggregates_import
        )
        try:
            batch = start(actor=request.user, agency=agency, file_name=file.name, chunks=file.chunks())
        except (FileRejected, aggregator.ExportProblem) as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("outcomes:batch", agency_slug=agency.slug, batch_id=batch.public_id)
    return render(request, "outcomes/upload.html", {"agency": agency, "form": form, "rule": aggregator.__doc__})


@agency_view(roles.OUTCOMES_READ)
def batch_detail(request: AgencyRequest, batch_id: uuid.UUID) -> HttpResponse:
    agency = request.access.agency
    batch = _batch(request, batch_id)
    months = sorted(batch.figures.items())
    used = [f for f in FIELDS if any(f.name in values for _k, values in months)]
    rows = [(key, values.get("status", "collected"), [values.get(f.name) for f in used]) for key, values in months]
    current = (
        {
            m.month.strftime("%Y-%m"): m
            for m in selectors.months_between(
                agency, services.parse_month(months[0][0]), services.parse_month(months[-1][0])
            )
        }
        if months and not batch.errors
        else {}
    )
    return render(
        request,
        "outcomes/batch.html",
        {
            "agency": agency,
            "batch": batch,
            "used": used,
            "rows": rows,
            "replacing": sorted(k for k in current if k in batch.figures),
            "mapping": mapping_rows(batch) if batch.kind == OutcomeImport.Kind.CALL_EXPORT else [],
            "rule": aggregator.__doc__,
            "can_write": request.access.can(roles.OUTCOMES_WRITE),
        },
    )


def _act(request: AgencyRequest, batch_id: uuid.UUID, action: str) -> HttpResponse:
    if not request.access.can(roles.OUTCOMES_WRITE):
        raise PermissionDenied("Your role does not allow outcomes:write")
    batch = _batch(request, batch_id)
    try:
        if action == "mapping":
            services.confirm_mapping(actor=request.user, batch=batch, mapping=mapping_from_post(batch, request.POST))
            messages.success(request, "Mapping confirmed and remembered: check the monthly figures, then apply.")
        elif action == "apply":
            services.apply_import(actor=request.user, batch=batch)
            messages.success(request, "Monthly figures applied.")
        elif action == "undo":
            services.undo_import(actor=request.user, batch=batch)
            messages.success(request, "Import undone: the months are as they were before it.")
        else:
            services.discard_import(actor=request.user, batch=batch)
            messages.success(request, "File discarded: nothing was written.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("outcomes:batch", agency_slug=request.access.agency.slug, batch_id=batch.public_id)


@agency_view(roles.OUTCOMES_WRITE)
@require_POST
def batch_mapping(request: AgencyRequest, batch_id: uuid.UUID) -> HttpResponse:
    return _act(request, batch_id, "mapping")


@agency_view(roles.OUTCOMES_WRITE)
@require_POST
def batch_apply(request: AgencyRequest, batch_id: uuid.UUID) -> HttpResponse:
    return _act(request, batch_id, "apply")


@agency_view(roles.OUTCOMES_WRITE)
@require_POST
def batch_undo(request: AgencyRequest, batch_id: uuid.UUID) -> HttpResponse:
    return _act(request, batch_id, "undo")


@agency_view(roles.OUTCOMES_WRITE)
@require_POST
def batch_discard(request: AgencyRequest, batch_id: uuid.UUID) -> HttpResponse:
    return _act(request, batch_id, "discard")
