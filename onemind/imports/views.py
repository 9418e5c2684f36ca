"""Import pages: upload → columns → preview → apply → undo. Thin: the work is in services and planning."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from onemind.imports import selectors, services
from onemind.imports.forms import ApplyForm, MappingForm, UploadForm
from onemind.imports.mapping import mapping_warnings
from onemind.imports.models import ImportBatch, ImportKind
from onemind.imports.reading import FileRejected
from onemind.lib.downloads import as_download
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view

_PERMS = {
    ImportKind.ROSTER: (roles.ROSTER_READ, roles.ROSTER_WRITE),
    ImportKind.UPDATE: (roles.ROSTER_READ, roles.ROSTER_WRITE),
    ImportKind.TRAINING: (roles.TRAINING_READ, roles.TRAINING_WRITE),
}


def _batch(request: AgencyRequest, batch_id: uuid.UUID, *, write: bool) -> ImportBatch:
    batch: ImportBatch = get_object_or_404(ImportBatch.objects.filter(agency=request.access.agency), public_id=batch_id)
    if not request.access.can(_PERMS[ImportKind(batch.kind or ImportKind.ROSTER)][1 if write else 0]):
        raise PermissionDenied("Your role does not allow this import")
    return services.mark_stale(batch)


def _with_live_progress(batch: ImportBatch) -> ImportBatch:
    live = services.live_progress(batch)
    if live is not None:
        # The write phase's figures (shown only, never saved: the write transaction owns the batch row).
        batch.rows_done, batch.rows_total, batch.phase = live["done"], live["total"], live["phase"]
    return batch


def _to_detail(batch: ImportBatch) -> HttpResponse:
    return redirect("imports:detail", agency_slug=batch.agency.slug, batch_id=batch.public_id)


@agency_view(roles.ROSTER_READ)
def index(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    page = Paginator(selectors.batches_for(agency), 25).get_page(request.GET.get("page"))
    for batch in page:
        services.mark_stale(batch)
    return render(request, "imports/index.html", {"agency": agency, "page": page})


@agency_view(roles.ROSTER_WRITE)
def upload(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    kinds = [k for k in ImportKind.values if request.access.can(_PERMS[ImportKind(k)][1])]
    if not kinds:
        raise PermissionDenied("Your role does not allow imports")
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            # The file is only stored here: the worker reads it (parsing never runs in a web request).
            batch = services.create_batch(
                actor=request.user,
                agency=agency,
                kind=form.chosen_kind(),
                name=file.name,
                chunks=file.chunks(),
                options=form.options(),
                read_now=False,
            )
        except FileRejected as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("imports:mapping", agency_slug=agency.slug, batch_id=batch.public_id)
    return render(request, "imports/upload.html", {"agency": agency, "form": form})


@agency_view(roles.ROSTER_WRITE)
def mapping(request: AgencyRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _batch(request, batch_id, write=True)
    if batch.status not in (ImportBatch.Status.UPLOADED, ImportBatch.Status.PREVIEWED, ImportBatch.Status.FAILED):
        return _to_detail(batch)
    if not batch.headers:  # a file the worker refused: nothing to map
        return _to_detail(batch)
    form = MappingForm(request.POST or None, batch=batch)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_mapping(actor=request.user, batch=batch, mapping=form.mapping(), options=form.options())
            services.request_preview(actor=request.user, batch=batch)
        except services.ImportRefused as exc:
            messages.error(request, str(exc))
        return _to_detail(batch)
    context = {"agency": request.access.agency, "batch": batch, "form": form}
    return render(request, "imports/mapping.html", context)


@agency_view(roles.ROSTER_READ)
def detail(request: AgencyRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _with_live_progress(_batch(request, batch_id, write=False))
    show = request.GET.get("show", "all")
    show = show if show in selectors.SHOW else "all"
    page = Paginator(selectors.changes_for(batch, show), 50).get_page(request.GET.get("page"))
    context = {
        "agency": request.access.agency,
        "batch": batch,
        "page": page,
        "show": show,
        "query_string": f"show={show}",
        "warnings": mapping_warnings(batch.kind, batch.mapping),
        "can_write": request.access.can(_PERMS[ImportKind(batch.kind or ImportKind.ROSTER)][1]),
        "applicable": services.change_count(batch),
        "undo_needs_confirmation": services.change_count(batch) > services.UNDO_CONFIRM_CHANGES,
        "filters": [
            ("all", "Everything"),
            ("create", "New"),
            ("update", "Updates"),
            ("separation", "Separations"),
            ("skipped", "Skipped"),
            ("error", "Errors"),
        ],
    }
    return render(request, "imports/detail.html", context)


@agency_view(roles.ROSTER_READ)
def progress(request: AgencyRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _with_live_progress(_batch(request, batch_id, write=False))
    response = render(request, "imports/_progress.html", {"agency": request.access.agency, "batch": batch})
    if not batch.is_running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@agency_view(roles.ROSTER_WRITE)
def apply(request: AgencyRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _batch(request, batch_id, write=True)
    form = ApplyForm(request.POST)
    form.is_valid()
    try:
        services.request_apply(
            actor=request.user,
            batch=batch,
            skip_errors=bool(form.cleaned_data.get("skip_errors")),
            separate_missing=bool(form.cleaned_data.get("separate_missing")),
        )
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, "The import is being applied. This page shows its progress.")
    return _to_detail(batch)


@require_POST
@agency_view(roles.ROSTER_WRITE)
def undo(request: AgencyRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _batch(request, batch_id, write=True)
    try:
        batch = services.request_undo(
            actor=request.user, batch=batch, confirmed=request.POST.get("confirm_undo") == "on"
        )
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        if batch.status == ImportBatch.Status.UNDONE:
            messages.success(request, "The import was undone: the records are as they were before it.")
        else:
            messages.info(request, "The import is being undone. This page shows its progress.")
    return _to_detail(batch)


@agency_view(roles.ROSTER_READ)
def errors(request: AgencyRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _batch(request, batch_id, write=False)
    response = HttpResponse(selectors.error_file(batch), content_type="text/csv; charset=utf-8")
    stem = batch.file_name.rsplit(".", 1)[0][:60] or "import"
    return as_download(response, f"{stem}-errors.csv")
