"""Two-factor sign-in (TOTP) with single-use recovery codes, built on django-otp."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from onemind.accounts.security import TWO_FACTOR, has_two_factor, requires_two_factor
from onemind.accounts.services import enrol_two_factor_device, new_recovery_codes, renew_recovery_codes
from onemind.tenancy.access import AuthenticatedRequest

# Kept for callers of the old name.
_new_recovery_codes = new_recovery_codes


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code from your authenticator app, or a recovery code",
        max_length=16,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ConfirmDeviceForm(CodeForm):
    password = forms.CharField(
        label="Your password (to confirm it is you)",
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "usa-input", "autocomplete": "current-password"}),
    )


def _safe_next(request: AuthenticatedRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/accounts/home/"


def _signed_in_fully(request: AuthenticatedRequest, device: object) -> None:
    """The second factor passed: mark the session verified under a new session key (no fixation across the step)."""
    otp_login(request, device)
    request.session[TWO_FACTOR] = ""
    request.session.cycle_key()


@login_required
def verify(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(_safe_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None:
            _signed_in_fully(request, device)
            if isinstance(device, StaticDevice):
                left = StaticToken.objects.filter(device=device).count()
                messages.warning(request, f"You used a recovery code; {left} remain. Make new ones if you run low.")
            return redirect(_safe_next(request))
        form.add_error("code", "That code is not valid (or was already used). Try the current code.")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)})


def may_change_factors(request: AuthenticatedRequest) -> bool:
    """Who may enrol or replace an authenticator in this session.

    A verified session may (and re-enters the password to do it). An unverified one may only while the account has no
    authenticator at all (first enrolment, e.g. an administrator required to set one up at their first sign-in): a
    password alone must never replace the device of an account that has one.
    """
    if request.user.is_verified():  # type: ignore[attr-defined]
        return True
    return not has_two_factor(request.user)


@login_required
def setup(request: AuthenticatedRequest) -> HttpResponse:
    """Enrol an authenticator app: show the secret as a QR code, confirm with a code and the password."""
    user = request.user
    if not may_change_factors(request):
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={reverse('accounts:two_factor_setup')}")
    enabled = has_two_factor(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not user.check_password(form.cleaned_data["password"]):
            form.add_error("password", "The password is not correct.")
        elif not device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            form.add_error("code", "That code does not match. Check the time on your phone and try again.")
        else:
            codes = enrol_two_factor_device(actor=user, device=device)
            update_session_auth_hash(request, user)
            _signed_in_fully(request, device)
            return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": _safe_next(request)})
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).to_string().decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr_svg": mark_safe(svg),  # noqa: S308 - generated by qrcode, no user input
            "required": requires_two_factor(user),
            "enabled": enabled,
            "next": _safe_next(request),
            "site_name": settings.SITE_URL,
        },
    )


@login_required
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    """New recovery codes replace the old ones; needs a verified session, the password and a current code."""
    if not has_two_factor(request.user):
        return redirect("accounts:two_factor_setup")
    if not request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={reverse('accounts:two_factor_recovery')}")
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        totp = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
        if not request.user.check_password(form.cleaned_data["password"]):
            form.add_error("password", "The password is not correct.")
        elif totp is None or not totp.verify_token(form.cleaned_data["code"]):
            form.add_error("code", "That code is not valid.")
        else:
            codes = renew_recovery_codes(actor=request.user)
            return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": "/accounts/settings/"})
    return render(request, "accounts/two_factor_recovery.html", {"form": form})
