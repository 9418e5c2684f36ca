"""What every token-authenticated endpoint shares: the agency scope, no caching, Idempotency-Key, ETag."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django_scopes import scope
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from onemind.api.errors import Conflict, PreconditionFailed
from onemind.api.models import ApiToken, IdempotentResponse
from onemind.api.serializers import ErrorSerializer
from onemind.tenancy.models import Agency

ERROR = OpenApiResponse(ErrorSerializer, description="The error body every failure shares.")
ERRORS = {code: ERROR for code in (400, 401, 403, 404, 429)}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Any unique string (≤ 255 characters). Sending the same key again with the same token replays the "
    "first response instead of repeating the write.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="The ETag from your last read. If the record changed since, the update is refused with 412.",
)


class AgencyApiView(APIView):
    # Runs the handler inside the token's agency scope: a query that forgets the agency raises. (A comment, not a
    # docstring: the schema would show a view docstring to API users as the operation's description.)

    agency: Agency
    token: ApiToken

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if isinstance(request.auth, ApiToken):
            self.token, self.agency = request.auth, request.auth.agency
            self._scope = scope(agency=self.agency)
            self._scope.__enter__()

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            # Also when an unexpected error escapes: a scope left entered would outlive this request.
            self._leave_scope()

    def _leave_scope(self) -> None:
        active = getattr(self, "_scope", None)
        if active is not None:
            active.__exit__(None, None, None)
            self._scope = None

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        self._leave_scope()
        response = super().finalize_response(request, response, *args, **kwargs)
        # Personnel data: never kept by a browser or shared cache.
        response["Cache-Control"] = "no-store"
        return response

    def idempotent(self, request: Request, write: Callable[[], Response]) -> Response:
        """Replay the stored response when this token already sent this Idempotency-Key for the same request."""
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            return write()
        if len(key) > 255 or not key.isprintable():
            raise exceptions.ValidationError({"Idempotency-Key": ["Use at most 255 printable characters."]})
        fingerprint = hashlib.sha256(f"{request.method} {request.path}\n".encode() + request.body).hexdigest()
        stored = IdempotentResponse.objects.filter(token=self.token, key=key).first()
        if stored is not None:
            if stored.request_hash != fingerprint:
                raise Conflict("This Idempotency-Key was already used for a different request.")
            return Response(stored.body, status=stored.status, headers={"Idempotent-Replayed": "true"})
        response = write()
        if response.status_code < 500:
            try:
                with transaction.atomic():
                    IdempotentResponse.objects.create(
                        token=self.token,
                        key=key,
                        request_hash=fingerprint,
                        status=response.status_code,
                        body=response.data,
                    )
            except IntegrityError as exc:  # the same key raced in from another request
                raise Conflict("A request with this Idempotency-Key is already being processed.") from exc
        return response


def etag(version: int | str) -> str:
    """The HTTP form of a record's version (lib.versions.record_version), the same one the edit forms carry."""
    return f'"v{version}"'


def check_if_match(request: Request, version: int | str) -> None:
    """412 when the client's If-Match names another version (no header: last write wins, as for the UI)."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return
    wanted = {part.strip().removeprefix("W/") for part in header.split(",")}
    if etag(version) not in wanted:
        raise PreconditionFailed()
