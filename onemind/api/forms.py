from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from onemind.api.models import Scope


def _in_ninety_days() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=90)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. “HR system nightly sync”.")
    scopes = forms.MultipleChoiceField(
        label="Permissions", choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.READ]
    )
    expires_on = forms.DateField(
        label="Expires on",
        initial=_in_ninety_days,
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"),
        help_text="At most a year from today. Make a new token before this one expires.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["class"] = "usa-input"
