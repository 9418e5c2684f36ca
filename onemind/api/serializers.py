"""Shapes of the API's JSON. Types only: every rule about the values lives in the roster and training services,
which the forms and the importer call too (validate_person_fields, validate_training_fields)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from onemind.roster.models import Person, PersonStatus
from onemind.tenancy.models import Agency
from onemind.training.models import TrainingRecord


def _max(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length)


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    request_id = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["slug", "name", "ori", "agency_type", "state", "county", "country", "sworn_count", "nonsworn_count"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "employee_number",
            "first_name",
            "last_name",
            "badge_number",
            "sworn",
            "rank",
            "unit",
            "shift",
            "district",
            "hire_date",
            "separation_date",
            "separation_reason",
            "status",
            "designated_mhfa",
            "designated_cit",
            "email",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


def _text(model: Any, name: str) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=_max(model, name))


class PersonWriteSerializer(serializers.Serializer):
    """Fields an HR system may set. Separation has its own endpoint (it needs a date and a reason); the agency,
    id, version and account link are never taken from a request."""

    first_name = _text(Person, "first_name")
    last_name = _text(Person, "last_name")
    badge_number = _text(Person, "badge_number")
    sworn = serializers.BooleanField(required=False)
    rank = _text(Person, "rank")
    unit = _text(Person, "unit")
    shift = _text(Person, "shift")
    district = _text(Person, "district")
    hire_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=[PersonStatus.ACTIVE, PersonStatus.LEAVE], required=False)
    designated_mhfa = serializers.BooleanField(required=False)
    designated_cit = serializers.BooleanField(required=False)
    email = _text(Person, "email")
    effective_on = serializers.DateField(
        required=False, help_text="When transfers or sworn-status changes took effect (default today)."
    )


class PersonRowSerializer(PersonWriteSerializer):
    employee_number = serializers.CharField(max_length=_max(Person, "employee_number"))


class PeopleBulkSerializer(serializers.Serializer):
    people = PersonRowSerializer(many=True, allow_empty=False, max_length=1000)


class PeopleBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class SeparateSerializer(serializers.Serializer):
    on = serializers.DateField()
    reason = serializers.CharField(max_length=_max(Person, "separation_reason"))


class TrainingRecordSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    person_id = serializers.UUIDField(source="person.public_id", read_only=True)
    employee_number = serializers.CharField(source="person.employee_number", read_only=True)
    course = serializers.CharField(source="course_type.code", read_only=True)

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "person_id",
            "employee_number",
            "course",
            "completed_on",
            "hours",
            "provider",
            "instructor",
            "format",
            "certificate_number",
            "status",
            "source",
            "created_at",
        ]
        read_only_fields = fields


class TrainingWriteSerializer(serializers.Serializer):
    """A completed course. Name the person by employee number or by id. Status and source are set by the server."""

    employee_number = serializers.CharField(required=False, max_length=_max(Person, "employee_number"))
    person_id = serializers.UUIDField(required=False)
    course = serializers.CharField(max_length=30, help_text="Course code, e.g. MHFA-PS or CIT-40.")
    completed_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)
    provider = _text(TrainingRecord, "provider")
    instructor = _text(TrainingRecord, "instructor")
    format = _text(TrainingRecord, "format")
    certificate_number = _text(TrainingRecord, "certificate_number")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("employee_number") and not attrs.get("person_id"):
            raise serializers.ValidationError({"employee_number": "Give the employee number or the person id."})
        return attrs


class TrainingBulkSerializer(serializers.Serializer):
    records = TrainingWriteSerializer(many=True, allow_empty=False, max_length=1000)


class TrainingBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    records = TrainingRecordSerializer(many=True)


class FigureSerializer(serializers.Serializer):
    population = serializers.CharField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    target = serializers.IntegerField()
    state = serializers.CharField()


class StrategySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    state = serializers.CharField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    target = serializers.IntegerField()
    explanation = serializers.CharField()
    sworn = FigureSerializer(allow_null=True)
    designated = FigureSerializer(allow_null=True)


class ComplianceSerializer(serializers.Serializer):
    on = serializers.DateField()
    edition = serializers.CharField()
    status = serializers.CharField()
    status_reason = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    strategies = StrategySerializer(many=True)


class CourseSessionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    course = serializers.CharField(source="course_type.code")
    course_name = serializers.CharField(source="course_type.name")
    title = serializers.CharField()
    provider = serializers.CharField(source="provider.name")
    provider_slug = serializers.CharField(source="provider.slug")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    timezone = serializers.CharField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    format = serializers.CharField()
    address = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    zip_code = serializers.CharField()
    seats = serializers.IntegerField()
    seats_left = serializers.SerializerMethodField()
    registration_deadline = serializers.DateTimeField()
    cost = serializers.DecimalField(max_digits=8, decimal_places=2)
    status = serializers.CharField()

    def get_seats_left(self, session: Any) -> int:
        return max(session.seats - getattr(session, "confirmed_count", 0), 0)
