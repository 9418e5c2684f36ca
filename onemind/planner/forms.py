"""The planner's assumptions, as the coordinator changes them; a bad value is named and its default kept."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from onemind.courses.selectors import DEFAULT_RADIUS, RADIUS_CHOICES
from onemind.planner.projection import CIT_40, MHFA_PS, MHFA_RECERT
from onemind.planner.selectors import WINDOWS

SEAT_FIELDS = {MHFA_PS: "seats_mhfa", MHFA_RECERT: "seats_recert", CIT_40: "seats_cit"}
_NUMBER = {"class": "usa-input usa-input--small", "inputmode": "decimal"}


class AssumptionsForm(forms.Form):
    window = forms.TypedChoiceField(
        label="Roster history used for the rates",
        choices=[(w, f"The last {w} months") for w in WINDOWS],
        coerce=int,
        required=False,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    hires = forms.DecimalField(
        label="Sworn hires per month",
        min_value=0,
        max_value=5000,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={**_NUMBER, "step": "any"}),
    )
    attrition = forms.DecimalField(
        label="Attrition (% of sworn leaving per year)",
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={**_NUMBER, "step": "any"}),
    )
    seats_mhfa = forms.IntegerField(
        label="MHFA for Public Safety seats per month",
        min_value=0,
        max_value=100_000,
        required=False,
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    seats_recert = forms.IntegerField(
        label="MHFA recertification seats per month",
        min_value=0,
        max_value=100_000,
        required=False,
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    seats_cit = forms.IntegerField(
        label="CIT 40-hour seats per month",
        min_value=0,
        max_value=100_000,
        required=False,
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    radius = forms.TypedChoiceField(
        label="Course sessions within",
        choices=[(r, f"{r} miles") for r in RADIUS_CHOICES],
        coerce=int,
        required=False,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )

    def value(self, name: str, default: Any) -> Any:
        """The cleaned value, or ``default`` when the field is blank or invalid (its error is shown)."""
        if not self.is_bound:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name) if name not in self.errors else None
        return default if value in (None, "") else value

    @property
    def radius_value(self) -> int:
        return int(self.value("radius", DEFAULT_RADIUS))


def as_decimal(value: Any) -> Decimal:
    return Decimal(str(value))
