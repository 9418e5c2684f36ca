"""Forms of the roster pages. Field rules live in roster.services.validate_person_fields, not here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from onemind.roster.models import Exemption, Person, PersonStatus
from onemind.roster.services import validate_person_fields
from onemind.tenancy.models import Agency


def style_uswds(form: forms.BaseForm) -> None:
    """Give every widget its USWDS class."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "usa-checkbox__input"
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        elif isinstance(widget, forms.Select):
            css = "usa-select"
        elif isinstance(widget, forms.Textarea):
            css = "usa-textarea"
        elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
            css = "usa-file-input"
        else:
            css = "usa-input"
        widget.attrs.setdefault("class", css)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PersonForm(forms.Form):
    last_name = forms.CharField(max_length=100)
    first_name = forms.CharField(max_length=100, required=False)
    employee_number = forms.CharField(max_length=40, required=False)
    badge_number = forms.CharField(label="Badge/star number", max_length=40, required=False)
    sworn = forms.BooleanField(label="Sworn officer", required=False, initial=True)
    rank = forms.CharField(label="Rank/position", max_length=100, required=False)
    unit = forms.CharField(max_length=100, required=False)
    shift = forms.CharField(max_length=50, required=False)
    district = forms.CharField(max_length=100, required=False)
    hire_date = forms.DateField(required=False, widget=DateInput())
    designated_mhfa = forms.BooleanField(label="Designated non-sworn staff for MHFA", required=False)
    designated_cit = forms.BooleanField(label="Designated non-sworn staff for CIT", required=False)
    email = forms.EmailField(
        required=False, help_text="Optional. Only used to invite the officer to see their own training record."
    )

    def __init__(self, *args: Any, agency: Agency, instance: Person | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {name: getattr(instance, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        self.agency, self.instance = agency, instance
        if instance is not None and instance.status != PersonStatus.SEPARATED:
            # Separation and rehire have their own pages (they need a date and a reason).
            self.fields["status"] = forms.ChoiceField(
                choices=[(PersonStatus.ACTIVE, "Active"), (PersonStatus.LEAVE, "On leave")],
                initial=instance.status,
                required=False,
            )
        if instance is not None:
            self.fields["effective_on"] = forms.DateField(
                label="Date these changes took effect",
                required=False,
                widget=DateInput(),
                help_text="For transfers and sworn-status changes; leave blank for today.",
            )
        style_uswds(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {k: v for k, v in data.items() if k in self.base_fields or (k == "status" and v)}
        for name in ("first_name", "last_name", "employee_number", "badge_number", "rank", "unit", "shift", "district"):
            if isinstance(values.get(name), str):
                values[name] = " ".join(values[name].split())
        for field, message in validate_person_fields(self.agency, values, instance=self.instance).items():
            self.add_error(field if field in self.fields else None, message)
        data.update(values)
        return data

    def person_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: v for k, v in data.items() if k in self.base_fields or (k == "status" and v)}


class SeparateForm(forms.Form):
    on = forms.DateField(label="Separation date", widget=DateInput())
    reason = forms.CharField(
        label="Reason", max_length=200, help_text="For example: retired, resigned, terminated, transferred out."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_uswds(self)


class RehireForm(forms.Form):
    on = forms.DateField(label="Rehire date", widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_uswds(self)


class ExemptionForm(forms.Form):
    reason = forms.ChoiceField(choices=Exemption.Reason.choices)
    start = forms.DateField(label="First day", widget=DateInput())
    end = forms.DateField(label="Last day", widget=DateInput())
    note = forms.CharField(max_length=300, required=False, help_text="Optional details (no medical information).")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_uswds(self)


class EndExemptionForm(forms.Form):
    on = forms.DateField(label="Last day of the exemption", widget=DateInput(), initial=timezone.localdate)


class PositionForm(forms.Form):
    title = forms.CharField(label="Position title", max_length=100, required=False)
    for_mhfa = forms.BooleanField(label="In scope for MHFA", required=False)
    for_cit = forms.BooleanField(label="In scope for CIT", required=False)


PositionFormSet = forms.formset_factory(PositionForm, extra=3)


class InviteOfficerForm(forms.Form):
    email = forms.EmailField(
        label="The officer's e-mail address",
        max_length=254,
        help_text="They get a link, valid for 14 days, to see their own training record and send certificates.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_uswds(self)
