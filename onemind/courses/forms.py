"""Forms of the course pages. Session rules live once, in CourseSession.clean; the form only assembles values."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms

from onemind.courses.models import CourseSession, timezone_names
from onemind.roster.forms import DateInput, style_uswds
from onemind.training.models import CourseType, TrainingFormat


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


# Where a model error on a combined datetime is shown in the form.
ERROR_FIELDS = {"starts_at": "start_date", "ends_at": "end_date", "registration_deadline": "deadline_date"}


class SessionForm(forms.Form):
    course_type = forms.ModelChoiceField(
        label="Course type",
        queryset=CourseType.objects.filter(approved=True).order_by("family", "code"),
        empty_label="Choose a course type",
    )
    title = forms.CharField(max_length=200, required=False, help_text="Optional, e.g. “Spring CIT academy”.")
    start_date = forms.DateField(label="First day", widget=DateInput())
    start_time = forms.TimeField(label="Starts at", widget=TimeInput())
    end_date = forms.DateField(label="Last day", widget=DateInput())
    end_time = forms.TimeField(label="Ends at", widget=TimeInput())
    timezone = forms.ChoiceField(
        label="Time zone", choices=[("", "Choose the session's time zone")] + [(n, n) for n in timezone_names()]
    )
    deadline_date = forms.DateField(label="Registration closes on", widget=DateInput())
    deadline_time = forms.TimeField(
        label="Registration closes at", widget=TimeInput(), required=False, help_text="Blank: the end of that day."
    )
    hours = forms.DecimalField(label="Hours", max_digits=5, decimal_places=1)
    format = forms.ChoiceField(choices=TrainingFormat.choices, initial=TrainingFormat.IN_PERSON)
    address = forms.CharField(max_length=300, required=False)
    city = forms.CharField(max_length=100, required=False)
    state = forms.CharField(label="State (two letters)", max_length=2, required=False)
    zip_code = forms.CharField(label="ZIP code", max_length=10, required=False)
    latitude = forms.FloatField(required=False, help_text="Blank: found from the ZIP code or city.")
    longitude = forms.FloatField(required=False)
    seats = forms.IntegerField(label="Seats")
    cost = forms.DecimalField(label="Cost per person (USD)", max_digits=8, decimal_places=2, initial=0)
    contact = forms.CharField(max_length=200, required=False, help_text="Who answers questions: name, e-mail, phone.")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_uswds(self)

    @classmethod
    def initial_from(cls, session: CourseSession) -> dict[str, Any]:
        start, end, deadline = session.starts_local, session.ends_local, session.deadline_local
        values = {name: getattr(session, name) for name in cls.base_fields if hasattr(session, name)}
        values.update(
            start_date=start.date(),
            start_time=start.time(),
            end_date=end.date(),
            end_time=end.time(),
            deadline_date=deadline.date(),
            deadline_time=deadline.time(),
        )
        return values

    def values(self) -> dict[str, Any]:
        """The session's field values, with aware datetimes in the chosen zone."""
        data = self.cleaned_data
        zone = zoneinfo.ZoneInfo(data["timezone"])
        deadline_time = data.get("deadline_time") or dt.time(23, 59)
        out = {
            name: data[name]
            for name in (
                "course_type",
                "title",
                "timezone",
                "hours",
                "format",
                "address",
                "city",
                "zip_code",
                "latitude",
                "longitude",
                "seats",
                "cost",
                "contact",
                "notes",
            )
        }
        out["state"] = data["state"].upper()
        out["starts_at"] = dt.datetime.combine(data["start_date"], data["start_time"], tzinfo=zone)
        out["ends_at"] = dt.datetime.combine(data["end_date"], data["end_time"], tzinfo=zone)
        out["registration_deadline"] = dt.datetime.combine(data["deadline_date"], deadline_time, tzinfo=zone)
        return out

    def add_model_errors(self, message_dict: dict[str, list[str]]) -> None:
        for name, messages in message_dict.items():
            target = ERROR_FIELDS.get(name, name)
            self.add_error(target if target in self.fields else None, messages)


class CancelSessionForm(forms.Form):
    reason = forms.CharField(label="Why is the session cancelled?", max_length=300)
