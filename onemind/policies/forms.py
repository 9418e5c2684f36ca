from __future__ import annotations

from typing import Any

from django import forms

from onemind.partnerships.forms import DATE, _Styled
from onemind.policies.models import ELEMENT_CHOICES, PolicyDocument, PolicyElement, PolicyVersion
from onemind.reviews.evidence import evidence_field


class DocumentForm(_Styled, forms.ModelForm):
    class Meta:
        model = PolicyDocument
        fields = ["title", "reference"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class VersionForm(_Styled, forms.ModelForm):
    policy_file = evidence_field("Policy document")

    class Meta:
        model = PolicyVersion
        fields = ["version", "adopted_on", "effective_on", "signing_authority", "acknowledged_count", "personnel_count"]
        widgets = {"adopted_on": DATE, "effective_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        signed, asked = data.get("acknowledged_count"), data.get("personnel_count")
        if signed is not None and asked is not None and signed > asked:
            self.add_error("acknowledged_count", "More people signed than were asked to sign.")
        adopted, effective = data.get("adopted_on"), data.get("effective_on")
        if adopted and effective and effective < adopted:
            self.add_error("effective_on", "A policy cannot take effect before it is adopted.")
        return data


class ChecklistForm(forms.Form):
    """One coverage select and one section input per model-policy element."""

    def __init__(self, *args: Any, rows: dict[str, PolicyElement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.elements = []
        for slug, label in ELEMENT_CHOICES:
            row = rows.get(slug)
            self.fields[f"{slug}__coverage"] = forms.ChoiceField(
                label=f"{label}: coverage",
                choices=PolicyElement.Coverage.choices,
                initial=row.coverage if row else PolicyElement.Coverage.MISSING,
                widget=forms.Select(attrs={"class": "usa-select"}),
            )
            self.fields[f"{slug}__section"] = forms.CharField(
                label=f"{label}: page or section",
                required=False,
                max_length=100,
                initial=row.section if row else "",
                widget=forms.TextInput(attrs={"class": "usa-input"}),
            )
            self.elements.append((slug, label, self[f"{slug}__coverage"], self[f"{slug}__section"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for slug, _label in ELEMENT_CHOICES:
            coverage, section = data.get(f"{slug}__coverage"), str(data.get(f"{slug}__section") or "").strip()
            if coverage in (PolicyElement.Coverage.COVERED, PolicyElement.Coverage.PARTIAL) and not section:
                self.add_error(f"{slug}__section", "Say where the policy covers this (page or section).")
        return data

    def answers(self) -> dict[str, tuple[str, str]]:
        return {
            slug: (self.cleaned_data[f"{slug}__coverage"], self.cleaned_data[f"{slug}__section"])
            for slug, _label in ELEMENT_CHOICES
        }
