from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from onemind.pledges.models import RuleEdition


class PledgeForm(forms.Form):
    edition = forms.ModelChoiceField(
        label="Rule edition",
        queryset=RuleEdition.objects.all(),
        empty_label=None,
        help_text="The campaign wording your agency is judged under. Most agencies keep the default.",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    committed_months = forms.IntegerField(
        label="Months to complete the four strategies",
        min_value=12,
        max_value=36,
        initial=24,
        help_text="Between 12 and 36 months from the pledge date.",
        widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}),
    )
    pledged_on = forms.DateField(
        label="Pledge date",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
    )
    sworn_count = forms.IntegerField(
        label="Sworn officers today",
        min_value=0,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}),
    )
    nonsworn_count = forms.IntegerField(
        label="Non-sworn staff today",
        min_value=0,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}),
    )
    head_name = forms.CharField(
        label="Agency head's full name (typed signature)",
        max_length=150,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    head_title = forms.CharField(
        label="Agency head's title",
        max_length=100,
        help_text="For example: Chief of Police, Sheriff, Commissioner.",
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    consent = forms.BooleanField(
        label="The agency head has read the pledge above and agrees to it; the typed name is their signature.",
        required=True,
        error_messages={"required": "The pledge cannot be signed without the agency head's agreement."},
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )

    def clean_pledged_on(self) -> Any:
        value = self.cleaned_data["pledged_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The pledge date cannot be in the future.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        edition, months = data.get("edition"), data.get("committed_months")
        if edition and months is not None and not edition.min_months <= months <= edition.max_months:
            self.add_error(
                "committed_months",
                f"Edition {edition.code} allows {edition.min_months} to {edition.max_months} months.",
            )
        return data


class CorrectionForm(PledgeForm):
    correction_reason = forms.CharField(
        label="What does this correction change, and why?",
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}),
    )
