"""Rate limits: one bucket per token (not per IP: a sync server sits behind one address), one per IP for anonymous
requests to the public endpoints. Exceeding either answers 429 with Retry-After."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from onemind.api.models import ApiToken
from onemind.lib.client_address import client_address


class _SettingsRate(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # Read at request time (DRF binds the rates at import), so a deployment or a test can change them.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: Request) -> str:
        # DRF's own get_ident believes any X-Forwarded-For; the client address honours only trusted proxies.
        return client_address(request)


class TokenRateThrottle(_SettingsRate):
    scope = "api_token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return f"onemind:api:throttle:token:{request.auth.prefix}"


class AnonymousRateThrottle(_SettingsRate):
    scope = "api_anonymous"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            return None
        return f"onemind:api:throttle:ip:{self.get_ident(request)}"
