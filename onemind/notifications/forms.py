from __future__ import annotations

from typing import Any

from django import forms

from onemind.notifications.kinds import Category
from onemind.notifications.timezones import is_valid_zone


def _checkbox(label: str) -> forms.BooleanField:
    return forms.BooleanField(
        required=False, label=label, widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"})
    )


class PreferencesForm(forms.Form):
    email_opt_out = _checkbox("Stop all reminder e-mails")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category, label in Category.choices:
            self.fields[f"{category}_email"] = _checkbox(f"{label}: e-mail")
            self.fields[f"{category}_in_app"] = _checkbox(f"{label}: in OneMind")

    @staticmethod
    def initial_from(choices: dict[str, tuple[bool, bool]], opted_out: bool) -> dict[str, bool]:
        initial = {"email_opt_out": opted_out}
        for category, (email, in_app) in choices.items():
            initial[f"{category}_email"], initial[f"{category}_in_app"] = email, in_app
        return initial

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(label, self[f"{c}_email"], self[f"{c}_in_app"]) for c, label in Category.choices]

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {c: (bool(data[f"{c}_email"]), bool(data[f"{c}_in_app"])) for c in Category.values}


class AgencySettingsForm(forms.Form):
    new_hire_days = forms.IntegerField(
        label="Remind about sworn hires without MHFA or CIT training after (days)", min_value=1, max_value=3650
    )
    time_zone = forms.CharField(
        label="Time zone",
        required=False,
        max_length=64,
        help_text="An IANA name such as America/Chicago. Blank: the usual zone of the agency's state.",
    )

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        if value and not is_valid_zone(value):
            raise forms.ValidationError("Enter a time zone name such as America/Chicago.")
        return value
