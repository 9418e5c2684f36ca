from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Max, Min
from django.utils import timezone

from onemind.pledges.models import RuleEdition

TEXTAREA = forms.Textarea(attrs={"class": "usa-textarea", "rows": 3})


class _Terms(forms.Form):
    """Edition and committed months, the months bounded by the chosen edition's own min and max."""

    edition = forms.ModelChoiceField(
        label="Rule edition",
        queryset=RuleEdition.objects.all(),
        empty_label=None,
        help_text="The campaign wording your agency is judged under. Most agencies keep the default.",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    committed_months = forms.IntegerField(
        label="Months to complete the four strategies",
        initial=24,
        widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bounds = RuleEdition.objects.aggregate(low=Min("min_months"), high=Max("max_months"))
        field = cast(forms.IntegerField, self.fields["committed_months"])
        field.min_value, field.max_value = bounds["low"] or 1, bounds["high"] or 120
        field.widget.attrs.update(min=field.min_value, max=field.max_value)
        field.validators = []  # the chosen edition's range is checked in clean()
        ranges = "; ".join(f"{e.code}: {e.min_months}–{e.max_months}" for e in RuleEdition.objects.order_by("code"))
        field.help_text = f"From the pledge date. Each edition sets its range ({ranges})."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        edition, months = data.get("edition"), data.get("committed_months")
        if edition and months is not None and not edition.min_months <= months <= edition.max_months:
            self.add_error(
                "committed_months",
                f"Edition {edition.code} allows {edition.min_months} to {edition.max_months} months.",
            )
        return data


class PledgeForm(_Terms):
    """The agency signs today: the pledge date is the signing date, never chosen."""

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


class SignatoryCorrectionForm(forms.Form):
    """What the agency may correct itself: a typo in the signatory's name or title."""

    head_name = forms.CharField(
        label="Agency head's full name (typed signature)",
        max_length=150,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    head_title = forms.CharField(
        label="Agency head's title", max_length=100, widget=forms.TextInput(attrs={"class": "usa-input"})
    )
    correction_reason = forms.CharField(label="What does this correct, and why?", max_length=1000, widget=TEXTAREA)


class PledgeTermsForm(_Terms):
    """Campaign staff's change of edition, months or pledge date."""

    pledged_on = forms.DateField(
        label="Pledge date",
        help_text="The day the agency head signed. Never in the future.",
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
    )
    reason = forms.CharField(label="Reason (the agency sees it)", max_length=2000, widget=TEXTAREA)

    def clean_pledged_on(self) -> Any:
        value = self.cleaned_data["pledged_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The pledge date cannot be in the future.")
        return value
