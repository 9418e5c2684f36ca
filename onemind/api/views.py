"""The /api/v1/ endpoints. Thin: types in serializers.py, rules and writes in the roster and training services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from onemind.api import compose
from onemind.api.base import ERRORS, IDEMPOTENCY_KEY, IF_MATCH, AgencyApiView, check_if_match, etag
from onemind.api.export import export_archive
from onemind.api.models import Scope
from onemind.api.pagination import Pagination
from onemind.api.serializers import (
    AgencySerializer,
    ComplianceSerializer,
    CourseSessionSerializer,
    PeopleBulkResultSerializer,
    PeopleBulkSerializer,
    PersonSerializer,
    PersonWriteSerializer,
    SeparateSerializer,
    TrainingBulkResultSerializer,
    TrainingBulkSerializer,
    TrainingRecordSerializer,
    TrainingWriteSerializer,
)
from onemind.courses.selectors import parse_filters, public_sessions
from onemind.lib.downloads import as_download
from onemind.lib.query import BadQueryValue, parse_date
from onemind.lib.versions import record_version
from onemind.roster.models import Person
from onemind.roster.selectors import roster_list
from onemind.roster.services import separate_person
from onemind.training.selectors import training_list


def _query(name: str, description: str, kind: Any = str, enum: list[str] | None = None) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=description, enum=enum)


PAGING = [_query("page", "Page number, from 1.", int), _query("page_size", "Rows a page (at most 500).", int)]


class AgencyView(AgencyApiView):
    @extend_schema(responses={200: AgencySerializer, **ERRORS}, summary="The token's agency")
    def get(self, request: Request) -> Response:
        return Response(AgencySerializer(self.agency).data)


class PeopleView(AgencyApiView):
    @extend_schema(
        summary="The roster",
        parameters=[
            _query("q", "Name, employee number or badge number."),
            _query("sworn", "Sworn officers only (yes) or non-sworn only (no).", enum=["yes", "no"]),
            _query("unit", "Exact unit."),
            _query("shift", "Exact shift."),
            _query(
                "status",
                "current (default: active and on leave), or one status, or all.",
                enum=["current", "active", "leave", "separated", "all"],
            ),
            _query("training", "Training state.", enum=["no_mhfa", "mhfa_current", "mhfa_expired", "cit", "no_cit"]),
            _query("order", "Sort order.", enum=["name", "employee_number", "hire_date", "unit"]),
            *PAGING,
        ],
        responses={200: PersonSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(roster_list(self.agency, request.query_params), request, view=self)
        return paginator.get_paginated_response(PersonSerializer(page, many=True).data)


def _person(employee_number: str) -> Person:
    person = Person.objects.filter(employee_number=employee_number).exclude(employee_number="").first()
    if person is None:
        raise exceptions.NotFound("No person with this employee number.")
    return person


def _with_etag(data: Any, person: Person, code: int = 200) -> Response:
    return Response(data, status=code, headers={"ETag": etag(record_version(person))})


class PersonView(AgencyApiView):
    write_scope = Scope.ROSTER_WRITE

    @extend_schema(summary="One person, by employee number", responses={200: PersonSerializer, **ERRORS})
    def get(self, request: Request, employee_number: str) -> Response:
        person = _person(employee_number)
        return _with_etag(PersonSerializer(person).data, person)

    @extend_schema(
        summary="Create or update the person with this employee number (upsert)",
        description="Absent fields keep their values. Send If-Match with the ETag of your last read to refuse "
        "overwriting someone else's change (412).",
        request=PersonWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: PersonSerializer, 201: PersonSerializer, 412: ERRORS[400], **ERRORS},
    )
    def put(self, request: Request, employee_number: str) -> Response:
        return self._write(request, employee_number, create=True)

    @extend_schema(
        summary="Change some fields of an existing person",
        request=PersonWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: PersonSerializer, 412: ERRORS[400], **ERRORS},
    )
    def patch(self, request: Request, employee_number: str) -> Response:
        return self._write(request, employee_number, create=False)

    def _write(self, request: Request, employee_number: str, *, create: bool) -> Response:
        data = _valid(PersonWriteSerializer, request.data)
        person, created = compose.upsert_person(
            actor=request.user,
            agency=self.agency,
            employee_number=employee_number,
            data=data,
            create=create,
            check=lambda p: check_if_match(request, record_version(p)),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return _with_etag(PersonSerializer(person).data, person, code)


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class PeopleBulkView(AgencyApiView):
    write_scope = Scope.ROSTER_WRITE

    @extend_schema(
        summary="Create or update many people by employee number (upsert)",
        description="All or nothing: if any row is invalid nothing is written and every error is listed (field "
        "names like people[3].hire_date). Absent fields keep their values. At most 1,000 people a request.",
        request=PeopleBulkSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: PeopleBulkResultSerializer, 409: ERRORS[400], **ERRORS},
    )
    def post(self, request: Request) -> Response:
        return self.idempotent(request, lambda: self._bulk(request))

    def _bulk(self, request: Request) -> Response:
        rows = _valid(PeopleBulkSerializer, request.data)["people"]
        created, updated, unchanged = compose.upsert_people(
            actor=request.user, agency=self.agency, rows=[dict(r) for r in rows], request=request
        )
        return Response({"created": created, "updated": updated, "unchanged": unchanged})


class SeparateView(AgencyApiView):
    write_scope = Scope.ROSTER_WRITE

    @extend_schema(
        summary="Record a person's separation",
        request=SeparateSerializer,
        parameters=[IF_MATCH, IDEMPOTENCY_KEY],
        responses={200: PersonSerializer, 409: ERRORS[400], 412: ERRORS[400], **ERRORS},
    )
    def post(self, request: Request, employee_number: str) -> Response:
        return self.idempotent(request, lambda: self._separate(request, employee_number))

    def _separate(self, request: Request, employee_number: str) -> Response:
        data = _valid(SeparateSerializer, request.data)
        with transaction.atomic():
            person = _person(employee_number)
            person = Person.objects.select_for_update().get(pk=person.pk)
            check_if_match(request, record_version(person))
            person = separate_person(actor=request.user, person=person, on=data["on"], reason=data["reason"])
        return _with_etag(PersonSerializer(person).data, person)


class TrainingRecordsView(AgencyApiView):
    write_scope = Scope.TRAINING_WRITE

    @extend_schema(
        summary="Training records",
        parameters=[
            _query("course", "Course code, e.g. MHFA-PS."),
            _query("status", "Record status.", enum=["accepted", "pending", "rejected"]),
            _query("from", "Completed on or after (YYYY-MM-DD).", OpenApiTypes.DATE),
            _query("to", "Completed on or before (YYYY-MM-DD).", OpenApiTypes.DATE),
            _query("q", "Last name or employee number."),
            *PAGING,
        ],
        responses={200: TrainingRecordSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(training_list(self.agency, request.query_params), request, view=self)
        return paginator.get_paginated_response(TrainingRecordSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a completed course",
        request=TrainingWriteSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: TrainingRecordSerializer, 409: ERRORS[400], **ERRORS},
    )
    def post(self, request: Request) -> Response:
        return self.idempotent(request, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        data = _valid(TrainingWriteSerializer, request.data)
        record = compose.create_training(actor=request.user, agency=self.agency, data=data)
        return Response(TrainingRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class TrainingBulkView(AgencyApiView):
    write_scope = Scope.TRAINING_WRITE

    @extend_schema(
        summary="Create many training records at once (upsert)",
        description="All or nothing: if any record is invalid nothing is written and every error is listed. "
        "Records that already exist (same person, course and date) are left as they are.",
        request=TrainingBulkSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: TrainingBulkResultSerializer, 409: ERRORS[400], **ERRORS},
    )
    def post(self, request: Request) -> Response:
        return self.idempotent(request, lambda: self._bulk(request))

    def _bulk(self, request: Request) -> Response:
        rows = _valid(TrainingBulkSerializer, request.data)["records"]
        created, unchanged = compose.upsert_training(actor=request.user, agency=self.agency, rows=rows, request=request)
        body = {
            "created": len(created),
            "unchanged": unchanged,
            "records": TrainingRecordSerializer(created, many=True).data,
        }
        return Response(body)


class ComplianceView(AgencyApiView):
    @extend_schema(
        summary="Compliance status on a date",
        parameters=[_query("on", "The date (YYYY-MM-DD); today when absent.", OpenApiTypes.DATE)],
        responses={200: ComplianceSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        try:
            on = parse_date(request.query_params.get("on"), earliest=dt.date(1950, 1, 1), latest=dt.date(2100, 12, 31))
        except BadQueryValue as exc:
            raise exceptions.ValidationError({"on": [str(exc)]}) from exc
        on = on or timezone.localdate()
        return Response(ComplianceSerializer(compose.compliance_on(self.agency, on)).data)


class ExportView(AgencyApiView):
    read_scope = Scope.EXPORT

    @extend_schema(
        summary="Everything the agency holds, as a ZIP of JSON files",
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY), **ERRORS},
    )
    def get(self, request: Request) -> FileResponse:
        archive, filename = export_archive(actor=request.user, agency=self.agency, via="api")
        return as_download(FileResponse(archive, content_type="application/zip"), filename)


class CourseSessionsView(APIView):
    """Public: the same sessions the course finder lists. No token needed (one is accepted); limited per IP."""

    public = True

    @extend_schema(
        summary="Upcoming course sessions (public)",
        auth=[],
        parameters=[
            _query("type", "Course code, e.g. CIT-40."),
            _query("state", "Two-letter state."),
            _query("format", "Format.", enum=["in_person", "blended", "virtual"]),
            _query("provider", "Provider slug."),
            _query("from", "Starting on or after (YYYY-MM-DD).", OpenApiTypes.DATE),
            _query("to", "Starting on or before (YYYY-MM-DD).", OpenApiTypes.DATE),
            _query("seats", "Only sessions with seats left.", enum=["true"]),
            _query("near", "US ZIP code or “City, ST”."),
            _query("radius", "Miles around `near`.", int, enum=["25", "50", "100", "200", "500"]),
            *PAGING,
        ],
        responses={200: CourseSessionSerializer(many=True), 400: ERRORS[400], 401: ERRORS[401], 429: ERRORS[429]},
    )
    def get(self, request: Request) -> Response:
        params = {k: v for k, v in request.query_params.items() if k != "agency"}  # distance from an agency: UI only
        filters = parse_filters(params)
        if filters.errors:
            raise exceptions.ValidationError(filters.errors)
        paginator = Pagination()
        page = paginator.paginate_queryset(public_sessions(filters), request, view=self)
        return paginator.get_paginated_response(CourseSessionSerializer(page, many=True).data)
