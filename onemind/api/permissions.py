"""Scopes: each view names the scope its writes need; reads need "read"."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from onemind.api.models import ApiToken, Scope


class HasTokenScope(BasePermission):
    message = "This token does not have the permission this request needs."

    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(view, "public", False):
            return True
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        if not hasattr(view, str(request.method).lower()):
            return True  # the view answers 405 Method Not Allowed
        if request.method in SAFE_METHODS:
            return getattr(view, "read_scope", Scope.READ) in token.scopes
        return getattr(view, "write_scope", None) in token.scopes
