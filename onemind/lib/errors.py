"""Error answers that do not come from a view: the API's JSON error body, and the handlers Django calls for 400,
403, 404 and 500, which answer API paths in that same JSON shape and everything else with the site's pages.

{"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"hire_date": ["…"]}, "request_id": "…"}}
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import csrf, defaults

API_PREFIX = "/api/"


def error_body(status_code: int, code: str, message: str, request: Any, fields: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status_code, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    body["request_id"] = str(getattr(request, "request_id", "")) if request is not None else ""
    return {"error": body}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(request: HttpRequest, status_code: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse(error_body(status_code, code, message, request), status=status_code)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(request, 400, "bad_request", "The request could not be read.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    request.refusal_reason = str(exception)[:200]  # type: ignore[attr-defined]  # for the one log line
    if is_api(request):
        return api_error(request, 403, "permission_denied", "You do not have permission to do this.")
    return defaults.permission_denied(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: Django's page, with the reason kept for the one log line of the refusal."""
    request.refusal_reason = f"CSRF: {reason}"[:200]  # type: ignore[attr-defined]
    return csrf.csrf_failure(request, reason)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(request, 404, "not_found", "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return api_error(request, 500, "server_error", "Something went wrong; quote the request id to support.")
    return defaults.server_error(request)
