"""Forms: one month's figures (each with its definition as help text), a file upload, the export mapping."""

from __future__ import annotations

from typing import Any

from django import forms

from onemind.imports.reading import MAX_FILE_BYTES
from onemind.outcomes import aggregator
from onemind.outcomes.fields import BY_NAME, FIELDS, MAX_COUNT, problems
from onemind.outcomes.models import OutcomeImport, OutcomeMonth


class MonthForm(forms.Form):
    status = forms.ChoiceField(
        label="This month's figures",
        choices=[
            (
                OutcomeMonth.Status.COLLECTED,
                "Collected: the figures below (leave a figure blank if it was not counted)",
            ),
            (OutcomeMonth.Status.NOT_COLLECTED, "Not collected this month (not the same as zero)"),
        ],
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
        initial=OutcomeMonth.Status.COLLECTED,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in FIELDS:
            self.fields[f.name] = forms.IntegerField(
                label=f.label,
                help_text=f.definition,
                required=False,
                min_value=0,
                max_value=MAX_COUNT,
                widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small", "inputmode": "numeric"}),
            )

    def values(self) -> dict[str, int | None]:
        return {f.name: self.cleaned_data.get(f.name) for f in FIELDS}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == OutcomeMonth.Status.COLLECTED and not self.errors:
            for name, reason in problems(self.values()).items():
                self.add_error(name, reason)
        return data

    def field_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        groups: dict[str, list[forms.BoundField]] = {}
        for f in FIELDS:
            groups.setdefault(f.group, []).append(self[f.name])
        return list(groups.items())


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=OutcomeImport.Kind.choices,
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
        initial=OutcomeImport.Kind.CALL_EXPORT,
    )
    file = forms.FileField(
        label="File (CSV or XLSX)",
        help_text=f"Up to {MAX_FILE_BYTES // 1024 // 1024} MB. The first row must hold the column names.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx", "class": "usa-file-input"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is {MAX_FILE_BYTES // 1024 // 1024} MB."
            )
        return upload


CALL_TYPE_CHOICES = [(aggregator.INCLUDE, "Count as a mental-health call"), (aggregator.EXCLUDE, "Leave out")]
DISPOSITION_CHOICES = [(t, BY_NAME[t].label) for t in aggregator.DISPOSITION_TARGETS] + [
    (aggregator.IGNORE, "Not counted")
]
INDICATOR_CHOICES = [(t, BY_NAME[t].label) for t in aggregator.INDICATOR_TARGETS] + [(aggregator.IGNORE, "Not counted")]


def mapping_rows(batch: OutcomeImport) -> list[tuple[str, str, list[tuple[str, str, int, str]], list[tuple[str, str]]]]:
    """(column key, heading, [(input name, value, contacts, chosen)], choices) for the mapping page."""
    found, chosen = batch.values_found, batch.mapping
    indicators = found.get("indicator", {})
    return [
        (
            "call_type",
            "Call types",
            [
                (f"c{i}", v, n, chosen.get("call_type", {}).get(v, aggregator.INCLUDE))
                for i, (v, n) in enumerate(found.get("call_type", {}).items())
            ],
            CALL_TYPE_CHOICES,
        ),
        (
            "disposition",
            "Dispositions",
            [
                (f"d{i}", v, n, chosen.get("disposition", {}).get(v, aggregator.IGNORE))
                for i, (v, n) in enumerate(found.get("disposition", {}).items())
            ],
            DISPOSITION_CHOICES,
        ),
        (
            "indicator",
            "Yes/no indicators",
            [
                (f"i{i}", v, indicators.get(v, 0), chosen.get("indicator", {}).get(v, aggregator.IGNORE))
                for i, v in enumerate(aggregator.INDICATORS)
            ],
            INDICATOR_CHOICES,
        ),
    ]


def mapping_from_post(batch: OutcomeImport, data: Any) -> dict[str, dict[str, str]]:
    """The posted choices as {column: {value: target}}, read by position so no posted text names a value."""
    mapping: dict[str, dict[str, str]] = {}
    for column, _heading, rows, _choices in mapping_rows(batch):
        mapping[column] = {value: str(data.get(name, ""))[:40] for name, value, _n, _c in rows}
    return mapping
