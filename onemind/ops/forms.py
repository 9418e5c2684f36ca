"""The agency's retention setting."""

from __future__ import annotations

from django import forms


class RetentionForm(forms.Form):
    years = forms.IntegerField(
        label="Erase separated personnel's identifying data after (years)",
        required=False,
        min_value=1,
        max_value=75,
        help_text="Counted from each person's separation date. Leave blank to keep it for good.",
        widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small", "inputmode": "numeric"}),
    )
