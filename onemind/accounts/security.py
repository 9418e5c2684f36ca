"""Session security: two-factor enforcement, idle and absolute session timeouts, security log lines.

State is put in the session at sign-in (the user_logged_in signal), so ordinary requests pay no extra query.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from onemind.accounts.log_format import safe_fields
from onemind.tenancy.models import Membership
from onemind.tenancy.roles import Role

security_log = logging.getLogger("onemind.security")

AUTH_AT = "om_auth_at"
SEEN_AT = "om_seen_at"
TWO_FACTOR = "om_2fa"  # "" (not needed), "verify" (has a device), "setup" (required, no device yet)
_SEEN_WRITE_EVERY = 60  # seconds: refresh the idle clock at most once a minute, not on every request


def requires_two_factor(user: Any) -> bool:
    """Campaign staff and agency administrators must use two-factor (when the deployment enforces it)."""
    if not settings.REQUIRE_TWO_FACTOR:
        return False
    return bool(user.is_campaign_staff or Membership.objects.filter(user=user, role=Role.AGENCY_ADMIN).exists())


def has_two_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@receiver(user_logged_in)
def _start_secure_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    if has_two_factor(user):
        request.session[TWO_FACTOR] = "verify"
    elif requires_two_factor(user):
        request.session[TWO_FACTOR] = "setup"
    else:
        request.session[TWO_FACTOR] = ""
    log_event("login.succeeded", request, user_id=user.pk)


@receiver(user_login_failed)
def _log_failed_login(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Never log the e-mail or password typed: only that a failure happened and from where.
    log_event("login.failed", request, level="warning")


@receiver(user_locked_out)
def _log_lockout(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    log_event("login.locked_out", request, level="warning")


def log_event(event: str, request: HttpRequest | None = None, *, level: str = "info", **fields: Any) -> None:
    """One structured security-log line (JSON in production, see LOGGING). Keys that could carry a password,
    token, name, e-mail or badge number are dropped by `safe_fields`, whatever the caller passes."""
    details = safe_fields(fields)
    if request is not None:
        details.setdefault("ip", request.META.get("REMOTE_ADDR", ""))
        details.setdefault("path", request.path)
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            details.setdefault("user_id", user.pk)
    security_log.log(
        logging.getLevelNamesMapping()[level.upper()],
        event,
        extra={"event": event, "request_id": request_id(request), "fields": details},
    )


def request_id(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return str(getattr(request, "request_id", "-"))


_TWO_FACTOR_OPEN_PATHS = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/health/")
# What an account whose address is not yet verified may open: the verification pages, invitations (their token
# verifies the address), signing out.
_UNVERIFIED_OPEN_PATHS = (
    "/accounts/verify-email/",
    "/accounts/invitation/",
    "/accounts/logout/",
    "/static/",
    "/health/",
    "/favicon.ico",
)


def _held_for_email_verification(request: HttpRequest) -> HttpResponse | None:
    user = request.user
    if not user.is_authenticated or getattr(user, "email_verified_at", True) is not None:
        return None
    if request.path.startswith(_UNVERIFIED_OPEN_PATHS):
        return None
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204)  # never redirect a fragment into the interstitial page
    return redirect("accounts:verify_email")


class SessionSecurityMiddleware:
    """Ends idle or too-old sessions and holds two-factor users at the verification page until they pass."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SEEN_AT in session:
            now = int(time.time())
            idle = now - int(session[SEEN_AT])
            age = now - int(session.get(AUTH_AT, now))
            if idle > settings.SESSION_IDLE_SECONDS or age > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity. Please sign in again.")
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if idle > _SEEN_WRITE_EVERY:
                session[SEEN_AT] = now
            pending = session.get(TWO_FACTOR, "")
            if pending and not request.path.startswith(_TWO_FACTOR_OPEN_PATHS):
                if not request.user.is_verified():  # type: ignore[union-attr]
                    target = "accounts:two_factor_verify" if pending == "verify" else "accounts:two_factor_setup"
                    return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        held = _held_for_email_verification(request)
        if held is not None:
            return held
        response = self.get_response(request)
        _log_security_relevant(request, response)
        return response


def _log_security_relevant(request: HttpRequest, response: HttpResponse) -> None:
    """Denials, uploads and import steps, whichever view served them: one place, so no view can forget."""
    status = response.status_code
    if status in (401, 403, 429) and not request.path.startswith("/api/"):
        # The API logs its own denials with the reason (onemind/api/errors.py).
        log_event("access.denied", request, level="warning", status=status)
    if request.method != "POST":
        return
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "imports":
        log_event(f"import.{match.url_name}", request, status=status)
    # Only files the view already parsed: parsing a body here could fail after the view answered.
    uploaded = getattr(request, "_files", None)
    if uploaded:
        files = [f for name in uploaded for f in uploaded.getlist(name)]
        log_event("upload.received", request, files=len(files), bytes=sum(f.size or 0 for f in files), status=status)
