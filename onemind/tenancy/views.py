from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onemind.accounts.forms import InviteForm
from onemind.accounts.models import Invitation
from onemind.accounts.services import change_member_role, invite_member, remove_member, revoke_invitation
from onemind.audit.selectors import audit_for_agency
from onemind.lib.versions import StaleEdit, edited_values, refuse_stale, submitted_version, track_version
from onemind.pledges.services import current_pledge
from onemind.tenancy import roles
from onemind.tenancy.access import AgencyRequest, agency_view, resolve_agency_access
from onemind.tenancy.forms import AgencyProfileForm, RoleForm, StaffOpenForm
from onemind.tenancy.models import AccessRequest
from onemind.tenancy.services import decide_access_request, open_personnel_data, update_agency_profile


@agency_view(roles.AGENCY_READ)
def overview(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    pledge = current_pledge(agency)
    days_left = (pledge.deadline - timezone.localdate()).days if pledge else None
    return render(request, "tenancy/overview.html", {"agency": agency, "pledge": pledge, "days_left": days_left})


@agency_view(roles.AGENCY_READ)
def profile(request: AgencyRequest) -> HttpResponse:
    access = request.access
    form = AgencyProfileForm(request.POST or None, instance=access.agency)
    track_version(form, access.agency)
    if request.method == "POST":
        if not access.can(roles.AGENCY_WRITE):
            return HttpResponse("Your role cannot change the agency profile.", status=403)
        if form.is_valid():
            try:
                update_agency_profile(
                    actor=request.user,
                    agency=access.agency,
                    expected_version=submitted_version(form),
                    **edited_values(form, form.changed_data),
                )
            except StaleEdit as exc:
                refuse_stale(form, exc.current)
            else:
                messages.success(request, "Agency profile saved.")
                return redirect("tenancy:profile", agency_slug=access.agency.slug)
    return render(request, "tenancy/profile.html", {"agency": access.agency, "form": form})


@agency_view(roles.MEMBERS_READ)
def members(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    if not request.access.sees_personnel:
        # Members' names and addresses (officers' among them) are personnel data: the roles only, by count.
        roles_shown = agency.memberships.values("role").annotate(count=Count("id")).order_by("role")
        labels = dict(roles.Role.choices)
        counts = [(labels.get(row["role"], row["role"]), row["count"]) for row in roles_shown]
        return render(request, "tenancy/members_closed.html", {"agency": agency, "counts": counts})
    return render(
        request,
        "tenancy/members.html",
        {
            "agency": agency,
            "memberships": agency.memberships.select_related("user").order_by("user__full_name"),
            "invitations": [
                i
                for i in Invitation.objects.filter(agency=agency, accepted_at__isnull=True, revoked_at__isnull=True)
                if i.is_open
            ],
            "requests": AccessRequest.objects.filter(agency=agency, status=AccessRequest.Status.PENDING).select_related(
                "user"
            ),
            "invite_form": InviteForm(),
            "role_form": RoleForm(),
        },
    )


@agency_view(roles.MEMBERS_WRITE)
def invite(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invite_member(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("tenancy:members", agency_slug=agency.slug)
    return render(request, "tenancy/invite.html", {"agency": agency, "form": form})


@require_POST
@agency_view(roles.MEMBERS_WRITE)
def change_role(request: AgencyRequest, membership_id: int) -> HttpResponse:
    agency = request.access.agency
    membership = get_object_or_404(agency.memberships, pk=membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            change_member_role(actor=request.user, membership=membership, role=form.cleaned_data["role"])
            messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Choose a valid role.")
    return redirect("tenancy:members", agency_slug=agency.slug)


@require_POST
@agency_view(roles.MEMBERS_WRITE)
def remove(request: AgencyRequest, membership_id: int) -> HttpResponse:
    agency = request.access.agency
    membership = get_object_or_404(agency.memberships, pk=membership_id)
    try:
        remove_member(actor=request.user, membership=membership)
        messages.success(request, f"{membership.user} no longer has access to {agency.name}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("tenancy:members", agency_slug=agency.slug)


@require_POST
@agency_view(roles.MEMBERS_WRITE)
def revoke(request: AgencyRequest, invitation_id: int) -> HttpResponse:
    agency = request.access.agency
    invitation = get_object_or_404(Invitation, agency=agency, pk=invitation_id)
    revoke_invitation(actor=request.user, invitation=invitation)
    messages.success(request, f"Invitation for {invitation.email} withdrawn.")
    return redirect("tenancy:members", agency_slug=agency.slug)


@require_POST
@agency_view(roles.MEMBERS_WRITE)
def decide_request(request: AgencyRequest, request_id: int) -> HttpResponse:
    agency = request.access.agency
    access_request = get_object_or_404(AccessRequest, agency=agency, pk=request_id, status=AccessRequest.Status.PENDING)
    form = RoleForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if approve and not form.is_valid():
        messages.error(request, "Choose a role to approve the request.")
    else:
        decide_access_request(
            actor=request.user,
            access_request=access_request,
            approve=approve,
            role=form.cleaned_data.get("role", "") if approve else "",
        )
        messages.success(request, "Request approved." if approve else "Request declined.")
    return redirect("tenancy:members", agency_slug=agency.slug)


@agency_view(roles.AUDIT_READ)
def audit_log(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    show_people = request.access.sees_personnel
    entries = audit_for_agency(agency, personnel=show_people)
    action = request.GET.get("action", "")[:80]
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {"agency": agency, "page": page, "action": action, "show_people": show_people}
    return render(request, "tenancy/audit.html", context)


def staff_open(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """Campaign staff state a reason to open an agency's personnel data; members never need this."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    access = resolve_agency_access(request.user, agency_slug)
    if not access.is_staff_view:
        raise Http404("Members see their own agency's data directly")
    form = StaffOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        open_personnel_data(actor=request.user, agency=access.agency, reason=form.cleaned_data["reason"])
        messages.success(request, "Personnel data opened for 2 hours. This access is in the agency's audit log.")
        return redirect("tenancy:overview", agency_slug=access.agency.slug)
    response = render(
        request,
        "tenancy/staff_open.html",
        {"agency": access.agency, "form": form, "grant": access.staff_grant},
    )
    response["Cache-Control"] = "no-store"
    return response
