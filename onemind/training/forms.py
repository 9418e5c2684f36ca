"""Forms of the training pages. Record rules live in training.services.validate_training_fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from onemind.lib.uploads import MAX_UPLOAD_BYTES
from onemind.roster.forms import DateInput, style_uswds
from onemind.roster.models import Person
from onemind.tenancy.models import Agency
from onemind.training.models import CourseType, TrainingFormat
from onemind.training.services import validate_training_fields


class SessionFields(forms.Form):
    """What one training session has in common: course, date, hours, provider, instructor, format."""

    course_type = forms.ModelChoiceField(
        label="Course", queryset=CourseType.objects.order_by("family", "code"), empty_label="Choose a course"
    )
    completed_on = forms.DateField(label="Completion date", widget=DateInput())
    hours = forms.DecimalField(max_digits=5, decimal_places=1, required=False, min_value=0)
    provider = forms.CharField(max_length=200, required=False, help_text="Organisation that delivered the course.")
    instructor = forms.CharField(max_length=200, required=False)
    format = forms.ChoiceField(choices=[("", "Not recorded"), *TrainingFormat.choices], required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        errors = validate_training_fields(
            course_type=data.get("course_type"),
            completed_on=data.get("completed_on"),
            hours=data.get("hours"),
            format=data.get("format", ""),
        )
        for field, message in errors.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data


class TrainingForm(SessionFields):
    person_number = forms.CharField(
        label="Employee or badge number",
        max_length=40,
        required=False,
        help_text="Identifies the person on your roster.",
    )
    certificate_number = forms.CharField(max_length=80, required=False)
    certificate = forms.FileField(
        label="Certificate file (optional)",
        required=False,
        help_text=f"PDF, PNG or JPEG, at most {MAX_UPLOAD_BYTES // 1_048_576} MB.",
    )
    field_order = ["person_number", "course_type", "completed_on", "hours", "provider", "instructor", "format"]

    def __init__(self, *args: Any, agency: Agency, person: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency, self.person = agency, person
        if person is not None:
            del self.fields["person_number"]
        style_uswds(self)
        self.fields["certificate"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"

    def clean_person_number(self) -> str:
        number = " ".join(self.cleaned_data.get("person_number", "").split())
        if not number:
            raise forms.ValidationError("Give the person's employee or badge number.")
        matches = list(
            Person.objects.filter(agency=self.agency).filter(Q(employee_number=number) | Q(badge_number=number))[:2]
        )
        if not matches:
            raise forms.ValidationError(f"Nobody on the roster has employee or badge number {number}.")
        if len(matches) > 1:
            raise forms.ValidationError(f"{number} matches more than one person; use the employee number.")
        self.person = matches[0]
        return number


class ClassForm(SessionFields):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_uswds(self)


class RejectForm(forms.Form):
    reason = forms.CharField(label="Reason for rejecting", max_length=300)


class OwnCertificateForm(SessionFields):
    """What an officer sends with their certificate; the coordinator checks it before it counts."""

    certificate_number = forms.CharField(max_length=80, required=False)
    certificate = forms.FileField(
        label="Certificate file",
        help_text=f"A PDF, PNG or JPEG scan or photo, at most {MAX_UPLOAD_BYTES // 1_048_576} MB.",
    )
    field_order = ["course_type", "completed_on", "hours", "certificate_number", "provider", "certificate"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["instructor"], self.fields["format"]
        self.fields["course_type"].queryset = CourseType.objects.filter(approved=True).order_by("family", "code")  # type: ignore[attr-defined]
        style_uswds(self)
        self.fields["certificate"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
