"""`Authorization: Bearer om_…`: the only way into the API. Session cookies are not accepted, so no CSRF exposure."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from onemind.accounts.security import log_event
from onemind.api.models import ApiToken
from onemind.api.tokens import token_for
from onemind.lib.client_address import client_address

# Failed token authentications allowed per client address per minute (settings.API_TOKEN_FAILURES_PER_MINUTE).
# Authentication runs before DRF's throttles, so guesses are counted here; past the limit every token from that
# address is answered 429 until the minute ends, or a correct guess could still get through.
DEFAULT_FAILURES_PER_MINUTE = 10


class _Failures:
    """A fixed one-minute window of failed token authentications per client address, in the shared cache."""

    def __init__(self, request: Request) -> None:
        now = time.time()
        self.window = int(now // 60)
        self.retry_after = 60 - int(now % 60)
        ident = client_address(request)
        self.key = f"onemind:api:token-failures:{ident}:{self.window}"

    @staticmethod
    def limit() -> int:
        return int(getattr(settings, "API_TOKEN_FAILURES_PER_MINUTE", DEFAULT_FAILURES_PER_MINUTE))

    def exceeded(self) -> bool:
        return int(cache.get(self.key, 0)) >= self.limit()

    def add(self) -> None:
        cache.add(self.key, 0, timeout=120)
        try:
            cache.incr(self.key)
        except ValueError:  # expired between add and incr
            cache.set(self.key, 1, timeout=120)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        failures = _Failures(request)
        if failures.exceeded():
            log_event("api.token_failures_throttled", request._request, level="warning")
            raise exceptions.Throttled(
                wait=failures.retry_after, detail="Too many invalid tokens from this address: wait and retry."
            )
        keyword, _, raw = header.partition(" ")
        if keyword != self.keyword or not raw.strip():
            failures.add()
            raise exceptions.AuthenticationFailed("Send the token as “Authorization: Bearer <token>”.")
        token = token_for(raw.strip())
        if token is None:
            failures.add()
            # Never log the token itself: only that one failed, and the request id to find it.
            log_event("api.token_rejected", request._request, level="warning")
            raise exceptions.AuthenticationFailed("The token is not valid: unknown, expired or revoked.")
        return token.created_by, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "onemind.api.authentication.ApiTokenAuthentication"
    name = "agencyToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "An agency API token (om_…)."}
