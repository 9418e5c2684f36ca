"""Session security: two-factor enforcement, idle and absolute session timeouts, security log lines.

State is put in the session at sign-in (the user_logged_in signal), so ordinary requests pay no extra query.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

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
from onemind.lib.client_address import client_address
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
        details.setdefault("ip", client_address(request))
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


# Always reachable: assets and the health check. A half-signed-in session (password only, second factor pending)
# also reaches its one step (below) and sign-out, and nothing else.
# The API takes agency tokens only (a session is no credential there), so it is not held either.
_ALWAYS_OPEN_PREFIXES = ("/static/", "/health/", "/favicon.ico", "/api/")
_PENDING_STEP = {"verify": "accounts:two_factor_verify", "setup": "accounts:two_factor_setup"}


def is_background_request(request: HttpRequest) -> bool:
    """A request a page makes after it has loaded (htmx badges, progress polling, fetch): its answer is inserted into
    the page or read by script, so it must never be a redirect to a whole page."""
    if request.headers.get("HX-Request"):
        return True
    mode = request.headers.get("Sec-Fetch-Mode")
    return bool(mode) and mode != "navigate"


def _nothing() -> HttpResponse:
    return HttpResponse(status=204)


def signin_incomplete(request: HttpRequest) -> bool:
    """Signed in with the password, second factor still pending (set by SessionSecurityMiddleware)."""
    return bool(getattr(request, "signin_incomplete", False))


# What an account whose address is not yet verified may open: the verification pages, invitations (their token
# verifies the address), signing out.
_UNVERIFIED_OPEN_PATHS = ("/accounts/verify-email/", "/accounts/invitation/", "/accounts/logout/")


def _held_for_email_verification(request: HttpRequest) -> HttpResponse | None:
    user = request.user
    if not user.is_authenticated or getattr(user, "email_verified_at", True) is not None:
        return None
    if request.path.startswith(_UNVERIFIED_OPEN_PATHS) or request.path.startswith(_ALWAYS_OPEN_PREFIXES):
        return None
    if is_background_request(request):
        return _nothing()  # never redirect a fragment into the interstitial page
    return redirect("accounts:verify_email")


class SessionSecurityMiddleware:
    """Ends idle or too-old sessions and holds two-factor users at their one step (verify, or first enrolment) until
    they pass. Background requests (htmx, fetch) get an empty 204 instead of a redirect to a page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        held = self._hold(request) or _held_for_email_verification(request)
        if held is not None:
            return held
        response = self.get_response(request)
        if is_background_request(request) and response.status_code in (301, 302, 303, 307, 308):
            # e.g. a badge asked for by a page whose session has since ended: never insert the sign-in page into it.
            if response.get("Location", "").startswith((reverse("accounts:login"), "/accounts/two-factor/")):
                response = _nothing()
        _log_security_relevant(request, response)
        return response

    def _hold(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        if SEEN_AT not in session:
            return None
        now = int(time.time())
        idle = now - int(session[SEEN_AT])
        age = now - int(session.get(AUTH_AT, now))
        if idle > settings.SESSION_IDLE_SECONDS or age > settings.SESSION_ABSOLUTE_SECONDS:
            logout(request)
            if is_background_request(request):
                return _nothing()
            messages.info(request, "You were signed out after a period of inactivity. Please sign in again.")
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.path})}")
        if idle > _SEEN_WRITE_EVERY:
            session[SEEN_AT] = now
        pending = session.get(TWO_FACTOR, "")
        if not pending or request.user.is_verified():  # type: ignore[union-attr]
            return None
        request.signin_incomplete = True  # type: ignore[attr-defined]
        # Both steps' views check again who may use them: enrolment only while the account has no authenticator.
        if request.path in {reverse(name) for name in (*_PENDING_STEP.values(), "accounts:logout")}:
            return None
        if request.path.startswith(_ALWAYS_OPEN_PREFIXES):
            return None
        if is_background_request(request):
            return _nothing()
        step = reverse(_PENDING_STEP.get(pending, "accounts:two_factor_verify"))
        return redirect(f"{step}?{urlencode({'next': request.get_full_path()})}")


def _log_security_relevant(request: HttpRequest, response: HttpResponse) -> None:
    """Denials, uploads and import steps, whichever view served them: one place, so no view can forget."""
    status = response.status_code
    if status in (401, 403, 429) and not request.path.startswith("/api/"):
        # The API logs its own denials with the reason (onemind/api/errors.py).
        reason = getattr(request, "refusal_reason", "")  # set by the 403 and CSRF-failure views (lib/errors.py)
        log_event("access.denied", request, level="warning", status=status, reason=reason)
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
