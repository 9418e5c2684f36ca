from __future__ import annotations

from django import forms

from onemind.tenancy.models import Agency
from onemind.tenancy.roles import Role


class AgencyProfileForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "name",
            "agency_type",
            "county",
            "sworn_count",
            "nonsworn_count",
            "head_name",
            "head_title",
            "contact_name",
            "contact_email",
            "contact_phone",
            "public_profile",
        ]
        widgets = {
            "agency_type": forms.Select(attrs={"class": "usa-select"}),
            "public_profile": forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, field in self.fields.items():
            if name not in ("agency_type", "public_profile"):
                field.widget.attrs.setdefault("class", "usa-input")


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=[(r.value, r.label) for r in (Role.AGENCY_ADMIN, Role.TRAINING_COORDINATOR, Role.AGENCY_VIEWER)],
        widget=forms.Select(attrs={"class": "usa-select"}),
    )


class StaffOpenForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need this agency's personnel data?",
        min_length=10,
        max_length=1000,
        help_text="Recorded in the agency's audit log, which its administrators can read.",
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}),
    )
