from __future__ import annotations

from typing import Any

from django import forms

from onemind.partnerships.models import JointActivity, PartnerOrganization, Partnership
from onemind.reviews.evidence import evidence_field

DATE = forms.DateInput(attrs={"type": "date", "class": "usa-input"})


class _Styled:
    """USWDS classes on every widget, so templates can render forms with includes/form.html."""

    def style(self: Any) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "usa-checkbox__input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "usa-select")
            elif isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("class", "usa-textarea")
            elif not isinstance(widget, forms.FileInput):
                widget.attrs.setdefault("class", "usa-input")


class OrganizationForm(_Styled, forms.ModelForm):
    class Meta:
        model = PartnerOrganization
        fields = [
            "name",
            "kind",
            "street",
            "city",
            "state",
            "postal_code",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def clean_state(self) -> str:
        return str(self.cleaned_data["state"]).strip().upper()


class PartnershipForm(_Styled, forms.ModelForm):
    # Declared, not generated: a generated field would query the scoped manager at import time.
    organization: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label="Partner organization")
    document_file = evidence_field("Agreement document")

    class Meta:
        model = Partnership
        fields = [
            "agreement_type",
            "title",
            "agency_signed_on",
            "partner_signed_on",
            "effective_on",
            "ends_on",
            "agency_liaison_name",
            "agency_liaison_email",
            "partner_liaison_name",
            "partner_liaison_email",
            "info_sharing_agreement",
            "meeting_cadence",
            "joint_training",
            "response_model",
            "designated_receiving_facility",
        ]
        widgets = {name: DATE for name in ("agency_signed_on", "partner_signed_on", "effective_on", "ends_on")}

    def __init__(self, *args: Any, agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = PartnerOrganization.objects.filter(agency=agency)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial["organization"] = self.instance.organization_id
        self.order_fields(["organization"])
        self.style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        effective, ends = data.get("effective_on"), data.get("ends_on")
        if effective and ends and ends < effective:
            self.add_error("ends_on", "The agreement cannot end before it takes effect.")
        return data


class ActivityForm(_Styled, forms.ModelForm):
    class Meta:
        model = JointActivity
        fields = ["kind", "occurred_on", "description"]
        widgets = {"occurred_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class InviteLiaisonForm(_Styled, forms.Form):
    name = forms.CharField(label="Partner liaison's name", max_length=150)
    email = forms.EmailField(label="Partner liaison's e-mail address")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class AnswerForm(_Styled, forms.Form):
    decision = forms.ChoiceField(
        label="Is this agreement recorded correctly?",
        choices=[("confirm", "Yes: I confirm it for my organization"), ("dispute", "No: I dispute it")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note to the agency", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "dispute" and not str(data.get("note", "")).strip():
            self.add_error("note", "Say what is wrong so the agency can correct it.")
        return data


class CountersignedForm(_Styled, forms.Form):
    file = evidence_field("Counter-signed agreement", required=True)
    signed_on = forms.DateField(label="Signed by your organization on", widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()
