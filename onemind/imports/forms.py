from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from onemind.imports.mapping import FIELD_LABELS, FIELDS, mapping_errors
from onemind.imports.models import ImportBatch, ImportKind
from onemind.imports.reading import MAX_FILE_BYTES
from onemind.imports.validation import DEFAULT_SWORN_RANKS
from onemind.training.models import CourseType


def _course_choices() -> list[tuple[str, str]]:
    return [("", "Take the course from a column of the file")] + [
        (c.code, f"{c.code} — {c.name}") for c in CourseType.objects.order_by("code")
    ]


class DateInput(forms.DateInput):
    input_type = "date"


AUTO = "auto"
FILTER_SLOTS = 3


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        help_text="A full roster adds and updates people; a separations or transfers list only changes the people "
        "it finds and never adds anyone; training records attach to people already on the roster.",
    )
    file = forms.FileField(
        label="File (CSV or XLSX)",
        help_text=f"Up to {MAX_FILE_BYTES // 1024 // 1024} MB. The first row must hold the column names.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx", "class": "usa-file-input"}),
    )
    course_code = forms.ChoiceField(
        label="Training records only: course", required=False, widget=forms.Select(attrs={"class": "usa-select"})
    )
    default_completed_on = forms.DateField(
        label="Training records only: completion date for rows without one",
        required=False,
        widget=DateInput(attrs={"class": "usa-input"}),
        help_text="Use when the file has no completion-date column (e.g. a list of certified officers).",
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        allowed = [(k, label) for k, label in ImportKind.choices if k in kinds]
        auto = [(AUTO, "Let OneMind tell from the columns")] if len(allowed) == len(ImportKind.choices) else []
        kind.choices = auto + allowed
        kind.initial = AUTO if auto else (kinds[0] if kinds else None)
        course = self.fields["course_code"]
        assert isinstance(course, forms.ChoiceField)
        course.choices = _course_choices()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is {MAX_FILE_BYTES // 1024 // 1024} MB."
            )
        return upload

    def clean_default_completed_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("default_completed_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The completion date is in the future.")
        return value

    def chosen_kind(self) -> str:
        """The chosen kind, or "" when the columns are to decide."""
        value: str = self.cleaned_data["kind"]
        return "" if value == AUTO else value

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data["kind"] not in (ImportKind.TRAINING, AUTO) or not (
            data.get("course_code") or data.get("default_completed_on")
        ):
            return {}
        on = data.get("default_completed_on")
        return {"course_code": data.get("course_code", ""), "default_completed_on": on.isoformat() if on else ""}


class MappingForm(forms.Form):
    """One select per column of the file, then the options of the file's kind."""

    def __init__(self, *args: Any, batch: ImportBatch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.batch = batch
        samples = {h: values[0] for h, values in batch.samples.items() if values}
        choices = [("", "— not imported —")] + [(f, FIELD_LABELS[f]) for f in FIELDS[batch.kind]]
        self.column_names: list[str] = []
        for index, header in enumerate(batch.headers):
            name = f"col_{index}"
            self.column_names.append(name)
            sample = samples.get(header, "")
            self.fields[name] = forms.ChoiceField(
                label=f"Column “{header}”",
                choices=choices,
                required=False,
                initial=batch.mapping.get(header, ""),
                help_text=f"First value: {sample}" if sample else "First value: (empty)",
                widget=forms.Select(attrs={"class": "usa-select"}),
            )
        options = batch.options
        self._filter_fields(options)
        if batch.kind == ImportKind.ROSTER:
            self._roster_options(options)
        elif batch.kind == ImportKind.TRAINING:
            self._training_options(options)

    def _filter_fields(self, options: dict[str, Any]) -> None:
        """Up to three "keep only rows where COLUMN is VALUE" conditions (a file covering many agencies)."""
        chosen = list(options.get("filters", []))
        columns = [("", "— no condition —")] + [(h, h) for h in self.batch.headers]
        for slot in range(FILTER_SLOTS):
            column, value = chosen[slot] if slot < len(chosen) else ("", "")
            self.fields[f"filter_column_{slot}"] = forms.ChoiceField(
                label=f"Keep only rows where column (condition {slot + 1})",
                choices=columns,
                required=False,
                initial=column,
                widget=forms.Select(attrs={"class": "usa-select"}),
            )
            self.fields[f"filter_value_{slot}"] = forms.CharField(
                label=f"… holds the value (condition {slot + 1})",
                required=False,
                max_length=200,
                initial=value,
                help_text="E.g. County = Essex and Agency = Newark PD, or ORI = NJ0071400. Case and extra spaces are "
                "ignored. The preview says how many rows are kept.",
                widget=forms.TextInput(attrs={"class": "usa-input"}),
            )

    def filters(self) -> list[list[str]]:
        data = self.cleaned_data
        pairs = []
        for slot in range(FILTER_SLOTS):
            column, value = data.get(f"filter_column_{slot}") or "", (data.get(f"filter_value_{slot}") or "").strip()
            if column:
                pairs.append([column, value])
        return pairs

    def _roster_options(self, options: dict[str, Any]) -> None:
        self.fields["sworn_default"] = forms.ChoiceField(
            label="When a row has no sworn value",
            choices=[
                ("ranks", "Decide from the rank: the ranks listed below are sworn, others are not"),
                ("all", "Treat the person as sworn"),
                ("", "Report the row as an error"),
            ],
            initial=options.get("sworn_default", "ranks"),
            required=False,
            widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
        )
        self.fields["sworn_ranks"] = forms.CharField(
            label="Sworn ranks, one per line",
            help_text="Matched ignoring case and punctuation; end a line with * to accept ranks starting with it.",
            initial="\n".join(options.get("sworn_ranks") or DEFAULT_SWORN_RANKS),
            required=False,
            widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 6}),
        )
        self.fields["mark_missing"] = forms.BooleanField(
            label="Mark people who are not in this file as separated (the file is the whole current roster)",
            required=False,
            initial=False,
            widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
        )
        self.fields["separation_date"] = forms.DateField(
            label="Separation date for people not in the file",
            required=False,
            initial=timezone.localdate(),
            widget=DateInput(attrs={"class": "usa-input"}),
        )
        self.fields["separation_reason"] = forms.CharField(
            label="Separation reason for people not in the file",
            required=False,
            max_length=200,
            initial="Not on the imported roster",
            widget=forms.TextInput(attrs={"class": "usa-input"}),
        )

    def _training_options(self, options: dict[str, Any]) -> None:
        self.fields["course_code"] = forms.ChoiceField(
            label="Course",
            choices=_course_choices(),
            required=False,
            initial=options.get("course_code", ""),
            widget=forms.Select(attrs={"class": "usa-select"}),
        )
        self.fields["default_completed_on"] = forms.DateField(
            label="Completion date for rows without one",
            required=False,
            initial=options.get("default_completed_on") or None,
            widget=DateInput(attrs={"class": "usa-input"}),
        )
        self.fields["match_by_name"] = forms.BooleanField(
            label="Also find people by last and first name when no number matches",
            required=False,
            initial=bool(options.get("match_by_name")),
            widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
        )

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(name) or ""
            for header, name in zip(self.batch.headers, self.column_names, strict=True)
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for error in mapping_errors(self.batch.kind, self.mapping()):
            self.add_error(None, error)
        if cleaned.get("separation_date") and cleaned["separation_date"] > timezone.localdate():
            self.add_error("separation_date", "The separation date is in the future.")
        if cleaned.get("default_completed_on") and cleaned["default_completed_on"] > timezone.localdate():
            self.add_error("default_completed_on", "The completion date is in the future.")
        for slot in range(FILTER_SLOTS):
            if cleaned.get(f"filter_value_{slot}") and not cleaned.get(f"filter_column_{slot}"):
                self.add_error(f"filter_column_{slot}", "Choose the column this value is looked for in.")
        return cleaned

    def options(self) -> dict[str, Any]:
        return {**self._kind_options(), "filters": self.filters()}

    def _kind_options(self) -> dict[str, Any]:
        data = self.cleaned_data
        if self.batch.kind == ImportKind.UPDATE:
            return {}
        if self.batch.kind == ImportKind.ROSTER:
            ranks = [line.strip() for line in (data.get("sworn_ranks") or "").splitlines() if line.strip()]
            on = data.get("separation_date") or timezone.localdate()
            return {
                "sworn_default": data.get("sworn_default", ""),
                "sworn_ranks": ranks,
                "mark_missing": bool(data.get("mark_missing")),
                "separation_date": on.isoformat(),
                "separation_reason": data.get("separation_reason") or "Not on the imported roster",
            }
        default_on = data.get("default_completed_on")
        return {
            "course_code": data.get("course_code", ""),
            "default_completed_on": default_on.isoformat() if default_on else "",
            "match_by_name": bool(data.get("match_by_name")),
        }


class ApplyForm(forms.Form):
    skip_errors = forms.BooleanField(required=False)
    separate_missing = forms.BooleanField(required=False)
