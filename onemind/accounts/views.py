from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from onemind.accounts.forms import (
    AccessRequestForm,
    ClaimAccountForm,
    ClaimForm,
    DisputeForm,
    InvitedAccountForm,
    NewAgencyForm,
)
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
    send_email_verification,
    user_for_verification_token,
    verify_email,
)
from onemind.directory.views import search_context
from onemind.tenancy.access import AuthenticatedRequest
from onemind.tenancy.models import Agency, Membership
from onemind.tenancy.roles import Role
from onemind.tenancy.selectors import claims_of
from onemind.tenancy.services import (
    AgencyAlreadyManaged,
    agency_has_admin,
    approve_pending_claims_of,
    claim_agency,
    create_agency,
    request_access,
)

CLAIM_FIELDS = ("job_title", "phone", "head_name", "statement")
ACCOUNT_FIELDS = ("full_name", "email", "password")

_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
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
    claims = list(claims_of(request.user))
    pending = [c for c in claims if c.status == c.Status.PENDING]
    if len(memberships) == 1 and not request.user.is_campaign_staff and not pending:
        return redirect(landing_for(memberships[0]))
    return render(
        request,
        "accounts/home.html",
        {"memberships": [(m, landing_for(m)) for m in memberships], "claims": claims},
    )


def signup_find_agency(request: HttpRequest) -> HttpResponse:
    """Step 1 of sign-up: find the agency in the directory (type-ahead) or choose to create it."""
    return render(request, "accounts/signup_find.html", search_context(request.GET.get("q", "")))


def signup_for_agency(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """Step 2 of sign-up for a directory agency: a claim, granted only once campaign staff (or the automatic check
    on the agency's verified e-mail domain) approve it. A signed-in person claims without a new account."""
    agency = get_object_or_404(Agency, slug=agency_slug)
    if agency_has_admin(agency):
        return render(request, "accounts/signup_managed.html", {"agency": agency}, status=409)
    signed_in = request.user.is_authenticated
    form: forms.Form = (ClaimForm if signed_in else ClaimAccountForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = (
                    cast(User, request.user)
                    if signed_in
                    else create_user_account(**{k: data[k] for k in ACCOUNT_FIELDS})
                )
                claim = claim_agency(actor=user, agency=agency, **{k: data[k] for k in CLAIM_FIELDS})
        except AgencyAlreadyManaged:
            return render(request, "accounts/signup_managed.html", {"agency": agency}, status=409)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if not signed_in:
                login(request, user, backend=_BACKEND)
            if claim.status == claim.Status.APPROVED:
                messages.success(request, f"You are the administrator of {agency.name}. Next: take the pledge.")
                return redirect("pledges:sign", agency_slug=agency.slug)
            messages.success(
                request,
                f"Your claim on {agency.name} is waiting for the campaign team, who check that you act for the "
                "agency. You will hear by e-mail.",
            )
            return redirect("accounts:home")
    return render(request, "accounts/signup_account.html", {"agency": agency, "form": form})


def signup_new_agency(request: HttpRequest) -> HttpResponse:
    """Sign-up for an agency missing from the directory: the agency, the account and a claim on it at once. The
    agency is listed nowhere and nobody administers it until campaign staff approve the claim."""
    agency_form = NewAgencyForm(request.POST or None, prefix="agency")
    account_form = ClaimAccountForm(request.POST or None, prefix="account")
    if request.method == "POST" and agency_form.is_valid() and account_form.is_valid():
        data = account_form.cleaned_data
        try:
            with transaction.atomic():
                existing = Agency.objects.filter(ori=agency_form.cleaned_data["ori"]).first()
                if existing is not None and agency_form.cleaned_data["ori"]:
                    raise ValidationError({"ori": f"{existing.name} already has this ORI. Find it in step 1."})
                user = create_user_account(**{k: data[k] for k in ACCOUNT_FIELDS})
                agency = create_agency(actor=user, **agency_form.cleaned_data)
                claim_agency(actor=user, agency=agency, **{k: data[k] for k in CLAIM_FIELDS})
        except ValidationError as exc:
            fields = getattr(exc, "error_dict", {})
            _apply_errors(account_form if "email" in fields else agency_form, exc)
        else:
            login(request, user, backend=_BACKEND)
            messages.success(
                request,
                f"{agency.name} is registered. The campaign team checks that you act for it before you can pledge; "
                "you will hear by e-mail.",
            )
            return redirect("accounts:home")
    return render(
        request, "accounts/signup_new_agency.html", {"agency_form": agency_form, "account_form": account_form}
    )


@login_required
def dispute(request: AuthenticatedRequest, agency_slug: str) -> HttpResponse:
    """The real agency's path when someone else administers it on OneMind: campaign staff decide, and may transfer
    the administration."""
    agency = get_object_or_404(Agency, slug=agency_slug)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim_agency(actor=request.user, agency=agency, dispute=True, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Your report about {agency.name} is with the campaign team.")
            return redirect("accounts:home")
    return render(request, "accounts/dispute.html", {"agency": agency, "form": form})


@login_required
def verify_email_pending(request: AuthenticatedRequest) -> HttpResponse:
    """Where an account waits until its address is verified; POST sends the link again."""
    if request.user.email_verified:
        return redirect("accounts:home")
    if request.method == "POST":
        send_email_verification(request.user)
        messages.success(request, f"We sent a new link to {request.user.email}.")
        return redirect("accounts:verify_email")
    return render(request, "accounts/verify_email.html", {"claims": claims_of(request.user)})


def verify_email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: GET asks for a click (mail scanners fetch links), POST verifies."""
    try:
        user = user_for_verification_token(token)
    except ValidationError as exc:
        return render(request, "accounts/verify_email_invalid.html", {"reason": " ".join(exc.messages)}, status=410)
    if request.method == "POST":
        with transaction.atomic():
            verify_email(token=token)
            approved = approve_pending_claims_of(user)
        messages.success(
            request,
            "Your e-mail address is confirmed."
            + (" Your agency's domain matched, so your claim is approved." if approved else ""),
        )
        return redirect("accounts:home" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/verify_email_confirm.html", {"email": user.email})


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
                new_user = create_user_account(email=invite.email, email_verified=True, **form.cleaned_data)
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
            _apply_errors(form, exc)
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
