from __future__ import annotations

from typing import Any

from django import forms

from onemind.campaign.models import Announcement, ContactLogEntry
from onemind.partnerships.forms import DATE, _Styled
from onemind.pledges.models import RuleEdition
from onemind.public.models import Resource
from onemind.reviews.evidence import evidence_field
from onemind.training.models import CourseType


class _Model(_Styled, forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class ResourceForm(_Model):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https")

    class Meta:
        model = Resource
        fields = ["title", "description", "url", "finder_type", "position", "is_published"]

    def clean_finder_type(self) -> str:
        code = self.cleaned_data["finder_type"].strip()
        if code and not CourseType.objects.filter(code=code, approved=True).exists():
            raise forms.ValidationError(f"No approved course type has the code {code!r}.")
        return code


class AnnouncementForm(_Model):
    class Meta:
        model = Announcement
        fields = [
            "title",
            "body",
            "published_on",
            "expires_on",
            "is_published",
            "target_states",
            "target_status",
            "target_deadline_days",
        ]
        widgets = {"published_on": DATE, "expires_on": DATE}

    def clean_target_states(self) -> str:
        from onemind.lib.ori import STATE_CODES

        raw = self.cleaned_data.get("target_states", "")
        codes = [c.strip().upper() for c in raw.replace(" ", ",").split(",") if c.strip()]
        unknown = [c for c in codes if c not in STATE_CODES]
        if unknown:
            raise forms.ValidationError(f"Not a US state code: {', '.join(unknown[:5])}.")
        return ",".join(dict.fromkeys(codes))


class ContactLogForm(_Model):
    class Meta:
        model = ContactLogEntry
        fields = ["kind", "contacted_on", "summary"]
        widgets = {"contacted_on": DATE}


class EditionForm(_Model):
    class Meta:
        model = RuleEdition
        fields = [
            "name",
            "summary",
            "min_months",
            "max_months",
            "partner_scope",
            "policy_covers_idd",
            "s3_accepts_cit",
            "s4_counts_designated",
            "s3_target_percent",
            "s4_target_percent",
            "mhfa_valid_months",
            "cit_valid_months",
            "new_hire_grace_days",
            "at_risk_time_percent",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_months"), data.get("max_months")
        if low is not None and high is not None and low > high:
            self.add_error("max_months", "The longest time frame cannot be shorter than the shortest.")
        return data


class NewEditionForm(EditionForm):
    class Meta(EditionForm.Meta):
        fields = ["code", *EditionForm.Meta.fields]


class CourseTypeForm(_Model):
    syllabus = evidence_field("Syllabus (evidence for an equivalent)")

    class Meta:
        model = CourseType
        fields = [
            "code",
            "name",
            "family",
            "default_hours",
            "valid_months",
            "is_equivalent",
            "approved",
            "syllabus_note",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_equivalent") and data.get("approved") and not data.get("syllabus_note", "").strip():
            has_file = bool(self.instance.pk and self.instance.syllabus_files.exists())
            if not has_file and not data.get("syllabus"):
                self.add_error("syllabus_note", "An approved equivalent needs syllabus evidence: a note or a file.")
        return data
