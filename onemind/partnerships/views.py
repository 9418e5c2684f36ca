"""Partnership pages: the agency's organizations and agreements, and the partner liaison's own view."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onemind.compliance.loader import current_pledge_row, edition_for
from onemind.engine import Partnership as EnginePartnership
from onemind.engine import partnership_problems
from onemind.lib.uploads import delete_private_upload
from onemind.lib.versions import StaleEdit, edited_values, refuse_stale, submitted_version, track_version
from onemind.partnerships import selectors, services
from onemind.partnerships.forms import (
    ActivityForm,
    AnswerForm,
    CountersignedForm,
    InviteLiaisonForm,
    OrganizationForm,
    PartnershipForm,
)
from onemind.partnerships.models import PartnerOrganization, Partnership
from onemind.reviews.evidence import attachment, store_form_upload
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view

DOCUMENTS = {"agreement": "document", "countersigned": "countersigned_document"}


def _partnership(request: AgencyRequest, partnership_id: object) -> Partnership:
    queryset = Partnership.objects.filter(agency=request.access.agency).select_related("organization")
    return get_object_or_404(queryset, public_id=partnership_id)


def _organization(request: AgencyRequest, organization_id: object) -> PartnerOrganization:
    return get_object_or_404(
        PartnerOrganization.objects.filter(agency=request.access.agency), public_id=organization_id
    )


def _liaison_partnership(request: AgencyRequest, partnership_id: object) -> Partnership:
    """A partner liaison's partnership: only one they are linked to; any other answers 404."""
    linked = selectors.liaison_partnerships(request.user, request.access.agency).select_related("organization")
    return get_object_or_404(linked, public_id=partnership_id)


def problems_today(partnership: Partnership) -> tuple[str, ...]:
    edition = edition_for(current_pledge_row(partnership.agency))
    engine_input = EnginePartnership(
        partner_name=partnership.organization.name,
        partner_kind=partnership.organization.kind,
        effective_on=partnership.effective_on,
        ends_on=partnership.ends_on,
        signed_by_agency=partnership.agency_signed_on is not None,
        signed_by_partner=partnership.partner_signed_on is not None,
        agency_liaison=partnership.agency_liaison_name,
        partner_liaison=partnership.partner_liaison_name,
        has_document=partnership.has_document,
        disputed=partnership.disputed,
    )
    return partnership_problems(engine_input, timezone.localdate(), edition)


@agency_view(roles.PARTNERSHIP_READ)
def partnership_list(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    today = timezone.localdate()
    rows = [(p, selectors.sustainability(p, last, today)) for p, last in selectors.partnership_list(agency)]
    return render(
        request,
        "partnerships/list.html",
        {"agency": agency, "rows": rows, "organizations": PartnerOrganization.objects.filter(agency=agency)},
    )


@agency_view(roles.PARTNERSHIP_WRITE)
def organization_add(request: AgencyRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.create_organization(actor=request.user, agency=request.access.agency, **form.cleaned_data)
        messages.success(request, "Partner organization added.")
        return redirect("partnerships:list", agency_slug=request.access.agency.slug)
    return render(
        request,
        "partnerships/form.html",
        {"agency": request.access.agency, "form": form, "heading": "Add a partner organization"},
    )


@agency_view(roles.PARTNERSHIP_WRITE)
def organization_edit(request: AgencyRequest, organization_id: object) -> HttpResponse:
    organization = _organization(request, organization_id)
    form = OrganizationForm(request.POST or None, instance=organization)
    track_version(form, organization)
    if request.method == "POST" and form.is_valid():
        organization.refresh_from_db()
        try:
            services.update_organization(
                actor=request.user,
                organization=organization,
                expected_version=submitted_version(form),
                **edited_values(form),
            )
        except StaleEdit as exc:
            refuse_stale(form, exc.current)
        else:
            messages.success(request, "Partner organization saved.")
            return redirect("partnerships:list", agency_slug=request.access.agency.slug)
    return render(
        request,
        "partnerships/form.html",
        {"agency": request.access.agency, "form": form, "heading": f"Edit {organization.name}"},
    )


@agency_view(roles.PARTNERSHIP_WRITE)
def partnership_add(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    form = PartnershipForm(request.POST or None, request.FILES or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        stored = store_form_upload(form, "document_file")
        if not form.errors:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "document_file"}
            partnership = services.create_partnership(
                actor=request.user, agency=agency, document=stored or "", **fields
            )
            messages.success(request, "Agreement recorded. Invite the partner's liaison to confirm it.")
            return redirect("partnerships:detail", agency_slug=agency.slug, partnership_id=partnership.public_id)
    return render(
        request,
        "partnerships/form.html",
        {"agency": agency, "form": form, "heading": "Record an agreement", "multipart": True},
    )


@agency_view(roles.PARTNERSHIP_WRITE)
def partnership_edit(request: AgencyRequest, partnership_id: object) -> HttpResponse:
    agency = request.access.agency
    partnership = _partnership(request, partnership_id)
    form = PartnershipForm(request.POST or None, request.FILES or None, instance=partnership, agency=agency)
    track_version(form, partnership)
    if request.method == "POST" and form.is_valid():
        stored = store_form_upload(form, "document_file")
        if not form.errors:
            fields = {k: v for k, v in edited_values(form).items() if k != "document_file"}
            if stored:
                fields["document"] = stored
            partnership.refresh_from_db()
            try:
                services.update_partnership(
                    actor=request.user, partnership=partnership, expected_version=submitted_version(form), **fields
                )
            except StaleEdit as exc:
                delete_private_upload(stored) if stored else None
                refuse_stale(form, exc.current)
            else:
                messages.success(request, "Agreement saved.")
                return redirect("partnerships:detail", agency_slug=agency.slug, partnership_id=partnership.public_id)
    return render(
        request,
        "partnerships/form.html",
        {"agency": agency, "form": form, "heading": f"Edit {partnership}", "multipart": True},
    )


@agency_view(roles.PARTNERSHIP_READ)
def partnership_detail(request: AgencyRequest, partnership_id: object) -> HttpResponse:
    partnership = _partnership(request, partnership_id)
    today = timezone.localdate()
    return render(
        request,
        "partnerships/detail.html",
        {
            "agency": request.access.agency,
            "partnership": partnership,
            "problems": problems_today(partnership),
            "sustainability": selectors.sustainability(partnership, selectors.last_activity_on(partnership), today),
            "activities": partnership.activities.all()[:50],
            "liaisons": partnership.liaison_links.all(),
            "activity_form": ActivityForm(),
        },
    )


@agency_view(roles.PARTNERSHIP_WRITE)
@require_POST
def activity_add(request: AgencyRequest, partnership_id: object) -> HttpResponse:
    partnership = _partnership(request, partnership_id)
    form = ActivityForm(request.POST)
    if form.is_valid():
        services.log_activity(actor=request.user, partnership=partnership, **form.cleaned_data)
        messages.success(request, "Joint activity logged.")
    else:
        messages.error(request, "The activity was not logged: give its kind and a valid date.")
    return redirect("partnerships:detail", agency_slug=request.access.agency.slug, partnership_id=partnership.public_id)


@agency_view(roles.PARTNERSHIP_WRITE)
@require_POST
def document_remove(request: AgencyRequest, partnership_id: object) -> HttpResponse:
    partnership = _partnership(request, partnership_id)
    services.remove_document(actor=request.user, partnership=partnership)
    messages.success(request, "The agreement document was removed.")
    return redirect("partnerships:detail", agency_slug=request.access.agency.slug, partnership_id=partnership.public_id)


@agency_view(roles.PARTNERSHIP_READ)
def document(request: AgencyRequest, partnership_id: object, which: str) -> HttpResponse:
    partnership = _partnership(request, partnership_id)
    return _serve(request, partnership, which)


def _serve(request: AgencyRequest, partnership: Partnership, which: str) -> HttpResponse:
    if which not in DOCUMENTS:
        raise Http404("No such document")
    response = attachment(getattr(partnership, DOCUMENTS[which]), f"{which}-{partnership.effective_on:%Y-%m-%d}")
    services.log_document_download(actor=request.user, partnership=partnership, which=which)
    return response


@agency_view(roles.PARTNERSHIP_WRITE)
def invite_liaison(request: AgencyRequest, partnership_id: object) -> HttpResponse:
    partnership = _partnership(request, partnership_id)
    initial = {"name": partnership.partner_liaison_name, "email": partnership.partner_liaison_email}
    form = InviteLiaisonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.invite_liaison(
                actor=request.user,
                partnership=partnership,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            form.add_error("email", " ".join(exc.messages))
        else:
            messages.success(
                request,
                "Invitation e-mailed to the partner liaison."
                if link
                else "This partner liaison already has an account: the partnership now appears in it.",
            )
            return redirect(
                "partnerships:detail", agency_slug=request.access.agency.slug, partnership_id=partnership.public_id
            )
    return render(
        request,
        "partnerships/form.html",
        {"agency": request.access.agency, "form": form, "heading": f"Invite the liaison of {partnership.organization}"},
    )


# The partner liaison's side: only partnerships linked to their account, nothing else of the agency.


@agency_view(roles.PARTNERSHIP_CONFIRM)
def partner_home(request: AgencyRequest) -> HttpResponse:
    linked = selectors.liaison_partnerships(request.user, request.access.agency).select_related("organization")
    return render(request, "partnerships/partner_home.html", {"agency": request.access.agency, "partnerships": linked})


@agency_view(roles.PARTNERSHIP_CONFIRM)
def partner_detail(request: AgencyRequest, partnership_id: object) -> HttpResponse:
    partnership = _liaison_partnership(request, partnership_id)
    answer = AnswerForm(request.POST or None)
    if request.method == "POST" and answer.is_valid():
        services.answer_partnership(
            actor=request.user,
            partnership=partnership,
            confirm=answer.cleaned_data["decision"] == "confirm",
            note=answer.cleaned_data["note"],
        )
        messages.success(request, "Thank you: the agency sees your answer.")
        return redirect(
            "partnerships:partner_detail", agency_slug=request.access.agency.slug, partnership_id=partnership.public_id
        )
    return render(
        request,
        "partnerships/partner_detail.html",
        {
            "agency": request.access.agency,
            "partnership": partnership,
            "answer_form": answer,
            "upload_form": CountersignedForm(),
        },
    )


@agency_view(roles.PARTNERSHIP_CONFIRM)
def partner_upload(request: AgencyRequest, partnership_id: object) -> HttpResponse:
    partnership = _liaison_partnership(request, partnership_id)
    form = CountersignedForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        stored = store_form_upload(form, "file")
        if stored:
            services.attach_countersigned(
                actor=request.user,
                partnership=partnership,
                stored_name=stored,
                signed_on=form.cleaned_data["signed_on"],
            )
            messages.success(request, "Counter-signed agreement uploaded.")
            return redirect(
                "partnerships:partner_detail",
                agency_slug=request.access.agency.slug,
                partnership_id=partnership.public_id,
            )
    return render(
        request,
        "partnerships/partner_detail.html",
        {"agency": request.access.agency, "partnership": partnership, "answer_form": AnswerForm(), "upload_form": form},
        status=400 if request.method == "POST" else 200,
    )


@agency_view(roles.PARTNERSHIP_CONFIRM)
def partner_document(request: AgencyRequest, partnership_id: object, which: str) -> HttpResponse:
    return _serve(request, _liaison_partnership(request, partnership_id), which)
