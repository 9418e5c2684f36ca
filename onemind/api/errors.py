"""One error body for every API failure (onemind/lib/errors.py; its handlers answer what never reaches DRF):

{"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"hire_date": ["…"]}, "request_id": "…"}}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from onemind.accounts.security import log_event
from onemind.lib.errors import error_body


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since you read it: fetch it again and retry with the new ETag."
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This request conflicts with another one."
    default_code = "conflict"


def _fields(detail: Any) -> dict[str, list[str]] | None:
    if isinstance(detail, dict):
        return {str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        # A service's rule (the same one the forms and importers run) refused the data.
        refused = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(refused)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    django_request = getattr(request, "_request", None)
    detail = getattr(exc, "detail", None)
    fields: dict[str, list[str]] | None = _fields(detail)
    if fields and set(fields) == {"non_field_errors"} and len(fields["non_field_errors"]) == 1:
        message, fields = fields["non_field_errors"][0], None
    elif fields:
        message = "The request has invalid fields."
    elif isinstance(detail, list):
        message = " ".join(str(d) for d in detail)
    else:
        message = str(detail) if detail is not None else "Request refused."
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    code = codes if isinstance(codes, str) else "invalid"
    if response.status_code in (401, 403, 429):
        log_event("api.denied", django_request, level="warning", status=response.status_code)
    response.data = error_body(response.status_code, code, message, django_request, fields)
    return response
