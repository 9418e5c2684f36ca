"""Policy pages: documents, adopted versions with their files, and the model-policy checklist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onemind.compliance.loader import current_pledge_row, edition_for
from onemind.engine.documents import policy_result
from onemind.lib.uploads import delete_private_upload
from onemind.lib.versions import StaleEdit, edited_values, refuse_stale, submitted_version, track_version
from onemind.policies import selectors, services
from onemind.policies.forms import ChecklistForm, DocumentForm, VersionForm
from onemind.policies.models import PolicyDocument, PolicyVersion
from onemind.reviews.evidence import attachment, store_form_upload
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view


def _document(request: AgencyRequest, document_id: object) -> PolicyDocument:
    return get_object_or_404(PolicyDocument.objects.filter(agency=request.access.agency), public_id=document_id)


def _version(request: AgencyRequest, version_id: object) -> PolicyVersion:
    queryset = PolicyVersion.objects.filter(agency=request.access.agency).select_related("document")
    return get_object_or_404(queryset, public_id=version_id)


@agency_view(roles.POLICY_READ)
def policy_list(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    today = timezone.localdate()
    edition = edition_for(current_pledge_row(agency))
    result = policy_result(selectors.engine_policies([agency.pk], today).get(agency.pk, ()), today, edition)
    documents = PolicyDocument.objects.filter(agency=agency).prefetch_related("versions")
    return render(
        request, "policies/list.html", {"agency": agency, "documents": documents, "result": result, "today": today}
    )


@agency_view(roles.POLICY_WRITE)
def document_add(request: AgencyRequest) -> HttpResponse:
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        document = services.create_document(actor=request.user, agency=request.access.agency, **form.cleaned_data)
        messages.success(request, "Policy added: now add the adopted version and its file.")
        return redirect("policies:version_add", agency_slug=request.access.agency.slug, document_id=document.public_id)
    return render(
        request, "partnerships/form.html", {"agency": request.access.agency, "form": form, "heading": "Add a policy"}
    )


@agency_view(roles.POLICY_WRITE)
def version_add(request: AgencyRequest, document_id: object) -> HttpResponse:
    document = _document(request, document_id)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        stored = store_form_upload(form, "policy_file")
        if not form.errors:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "policy_file"}
            version = services.add_version(actor=request.user, document=document, file=stored or "", **fields)
            messages.success(request, "Version recorded. Now complete the model-policy checklist.")
            return redirect("policies:version", agency_slug=request.access.agency.slug, version_id=version.public_id)
    return render(
        request,
        "partnerships/form.html",
        {"agency": request.access.agency, "form": form, "heading": f"Add a version of {document}", "multipart": True},
    )


@agency_view(roles.POLICY_WRITE)
def version_edit(request: AgencyRequest, version_id: object) -> HttpResponse:
    version = _version(request, version_id)
    form = VersionForm(request.POST or None, request.FILES or None, instance=version)
    track_version(form, version)
    if request.method == "POST" and form.is_valid():
        stored = store_form_upload(form, "policy_file")
        if not form.errors:
            fields = {k: v for k, v in edited_values(form).items() if k != "policy_file"}
            if stored:
                fields["file"] = stored
            version.refresh_from_db()
            try:
                services.update_version(
                    actor=request.user, policy_version=version, expected_version=submitted_version(form), **fields
                )
            except StaleEdit as exc:
                delete_private_upload(stored) if stored else None
                refuse_stale(form, exc.current)
            else:
                messages.success(request, "Version saved.")
                slug = request.access.agency.slug
                return redirect("policies:version", agency_slug=slug, version_id=version.public_id)
    return render(
        request,
        "partnerships/form.html",
        {"agency": request.access.agency, "form": form, "heading": f"Edit {version}", "multipart": True},
    )


@agency_view(roles.POLICY_READ)
def version_detail(request: AgencyRequest, version_id: object) -> HttpResponse:
    version = _version(request, version_id)
    rows = {row.element: row for row in version.elements.all()}
    form = ChecklistForm(request.POST or None, rows=rows)
    if request.method == "POST":
        if not request.access.can(roles.POLICY_WRITE):
            raise PermissionDenied("Your role does not allow policy:write")
        if form.is_valid():
            services.record_checklist(actor=request.user, version=version, answers=form.answers())
            messages.success(request, "Checklist saved.")
            return redirect("policies:version", agency_slug=request.access.agency.slug, version_id=version.public_id)
    return render(
        request,
        "policies/version.html",
        {"agency": request.access.agency, "version": version, "form": form, "rows": rows},
    )


@agency_view(roles.POLICY_READ)
def version_file(request: AgencyRequest, version_id: object) -> HttpResponse:
    version = _version(request, version_id)
    response = attachment(version.file, f"policy-{version.document.reference or 'document'}-{version.effective_on}")
    services.log_file_download(actor=request.user, version=version)
    return response


@agency_view(roles.POLICY_WRITE)
@require_POST
def version_delete(request: AgencyRequest, version_id: object) -> HttpResponse:
    version = _version(request, version_id)
    services.delete_version(actor=request.user, version=version)
    messages.success(request, "Version deleted.")
    return redirect("policies:list", agency_slug=request.access.agency.slug)
