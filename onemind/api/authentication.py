"""`Authorization: Bearer om_…`: the only way into the API. Session cookies are not accepted, so no CSRF exposure."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from onemind.accounts.security import log_event
from onemind.api.models import ApiToken
from onemind.api.tokens import token_for


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        keyword, _, raw = header.partition(" ")
        if keyword != self.keyword or not raw.strip():
            raise exceptions.AuthenticationFailed("Send the token as “Authorization: Bearer <token>”.")
        token = token_for(raw.strip())
        if token is None:
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
