from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from onemind.accounts.forms import AccessRequestForm, AccountForm, InvitedAccountForm, NewAgencyForm
from onemind.accounts.models import User
from onemind.accounts.services import (
    EmailChangeError,
    InvitationError,
    accept_invitation,
    confirm_email_change,
    create_user_account,
    open_email_change,
    open_invitation,
    request_email_change,
)
from onemind.directory.views import search_context
from onemind.tenancy.access import AuthenticatedRequest
from onemind.tenancy.models import Agency, Membership
from onemind.tenancy.roles import Role
from onemind.tenancy.services import (
    AgencyAlreadyManaged,
    agency_has_admin,
    create_agency,
    make_administrator,
    request_access,
    sign_up_administrator,
)

_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _apply_errors(form: AccountForm | NewAgencyForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def landing_for(membership: Membership) -> str:
    """Where a member starts: a partner liaison sees only their partnership, an invited officer their own training
    record, everyone else the agency overview."""
    if membership.role == Role.PARTNER_LIAISON:
        return reverse("partnerships:partner_home", args=[membership.agency.slug])
    if membership.role == Role.OFFICER:
        return reverse("training:mine", args=[membership.agency.slug])
    return reverse("tenancy:overview", args=[membership.agency.slug])


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("agency").order_by("agency__name")
    if len(memberships) == 1 and not request.user.is_campaign_staff:
        return redirect(landing_for(memberships[0]))
    return render(request, "accounts/home.html", {"memberships": [(m, landing_for(m)) for m in memberships]})


def signup_find_agency(request: HttpRequest) -> HttpResponse:
    """Step 1 of sign-up: find the agency in the directory (type-ahead) or choose to create it."""
    return render(request, "accounts/signup_find.html", search_context(request.GET.get("q", "")))


def signup_for_agency(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = get_object_or_404(Agency, slug=agency_slug)
    if agency_has_admin(agency):
        return render(request, "accounts/signup_managed.html", {"agency": agency}, status=409)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_up_administrator(agency=agency, **form.cleaned_data)
        except AgencyAlreadyManaged:
            return render(request, "accounts/signup_managed.html", {"agency": agency}, status=409)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            login(request, user, backend=_BACKEND)
            messages.success(request, f"Welcome. You are the administrator of {agency.name}. Next: take the pledge.")
            return redirect("pledges:sign", agency_slug=agency.slug)
    return render(request, "accounts/signup_account.html", {"agency": agency, "form": form})


def signup_new_agency(request: HttpRequest) -> HttpResponse:
    """Sign-up for an agency missing from the directory: the agency and its first administrator at once."""
    agency_form = NewAgencyForm(request.POST or None, prefix="agency")
    account_form = AccountForm(request.POST or None, prefix="account")
    if request.method == "POST" and agency_form.is_valid() and account_form.is_valid():
        try:
            with transaction.atomic():
                existing = Agency.objects.filter(ori=agency_form.cleaned_data["ori"]).first()
                if existing is not None and agency_form.cleaned_data["ori"]:
                    raise ValidationError({"ori": f"{existing.name} already has this ORI. Find it in step 1."})
                user = create_user_account(**account_form.cleaned_data)
                agency = create_agency(actor=user, **agency_form.cleaned_data)
                make_administrator(actor=user, agency=agency, user=user)
        except ValidationError as exc:
            fields = getattr(exc, "error_dict", {})
            _apply_errors(account_form if "email" in fields else agency_form, exc)
        else:
            login(request, user, backend=_BACKEND)
            messages.success(request, f"{agency.name} is registered and you are its administrator. Next: the pledge.")
            return redirect("pledges:sign", agency_slug=agency.slug)
    return render(
        request, "accounts/signup_new_agency.html", {"agency_form": agency_form, "account_form": account_form}
    )


@login_required
def request_access_view(request: AuthenticatedRequest, agency_slug: str) -> HttpResponse:
    agency = get_object_or_404(Agency, slug=agency_slug)
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request_access(user=request.user, agency=agency, message=form.cleaned_data["message"])
        messages.success(request, f"Your request was sent to the administrators of {agency.name}.")
        return redirect("accounts:home")
    return render(request, "accounts/request_access.html", {"agency": agency, "form": form})


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = open_invitation(token)
    except InvitationError as exc:
        return render(request, "accounts/invitation_invalid.html", {"reason": str(exc)}, status=410)
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invite.email.lower():
            return render(
                request,
                "accounts/invitation_invalid.html",
                {
                    "reason": f"This invitation is for {invite.email}, but you are signed in as {user.email}. "
                    "Sign out and open the link again."
                },
                status=403,
            )
        if request.method == "POST":
            membership = accept_invitation(token=token, user=user)
            messages.success(request, f"You joined {membership.agency.name} as {membership.get_role_display()}.")
            return redirect(landing_for(membership))
        return render(request, "accounts/invitation_accept.html", {"invite": invite})
    if User.objects.filter(email__iexact=invite.email).exists():
        messages.info(request, "Sign in to accept the invitation.")
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    form = InvitedAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                new_user = create_user_account(email=invite.email, **form.cleaned_data)
                membership = accept_invitation(token=token, user=new_user)
        except (ValidationError, InvitationError) as exc:
            form.add_error(None, str(exc) if isinstance(exc, InvitationError) else exc.messages)
        else:
            login(request, new_user, backend=_BACKEND)
            messages.success(request, f"Welcome to {membership.agency.name}.")
            return redirect(landing_for(membership))
    return render(request, "accounts/invitation_signup.html", {"invite": invite, "form": form})


@login_required
def account_settings(request: AuthenticatedRequest) -> HttpResponse:
    from onemind.accounts.security import has_two_factor, requires_two_factor

    return render(
        request,
        "accounts/settings.html",
        {
            "two_factor": has_two_factor(request.user),
            "two_factor_required": requires_two_factor(request.user),
        },
    )


@login_required
def change_email(request: AuthenticatedRequest) -> HttpResponse:
    """Ask for a new address: nothing changes until the new address clicks the link e-mailed to it."""
    from onemind.accounts.forms import EmailChangeForm

    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_email_change(
                actor=request.user, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)  # type: ignore[arg-type]
        else:
            messages.success(
                request,
                f"We sent a link to {form.cleaned_data['email']}. Your address changes when you open it; "
                "until then you keep signing in with your current address.",
            )
            return redirect("accounts:settings")
    return render(
        request, "accounts/change_email.html", {"form": form, "valid_hours": settings.EMAIL_CHANGE_VALID_HOURS}
    )


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link e-mailed to a new address: a page with one button (so a mail scanner opening links changes nothing)."""
    try:
        change = open_email_change(token)
    except EmailChangeError as exc:
        return render(request, "accounts/email_confirm.html", {"reason": str(exc)}, status=410)
    if request.method == "POST":
        # Who is signed in here, read before the change ends the account's sessions (request.user loads lazily).
        signed_in_as = request.user.pk if request.user.is_authenticated else None
        try:
            user = confirm_email_change(token=token)
        except EmailChangeError as exc:
            return render(request, "accounts/email_confirm.html", {"reason": str(exc)}, status=410)
        if signed_in_as == user.pk:
            update_session_auth_hash(request, user)
            messages.success(request, f"Your e-mail address is now {user.email}.")
            return redirect("accounts:settings")
        messages.success(request, f"Your e-mail address is now {user.email}. Sign in with it.")
        return redirect("accounts:login")
    return render(request, "accounts/email_confirm.html", {"new_email": change.new_email})
