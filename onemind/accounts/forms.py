from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from onemind.lib.agency_types import AGENCY_TYPES
from onemind.lib.ori import InvalidORI, normalize_ori
from onemind.tenancy.roles import Role


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "usa-input"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "usa-input"}),
    )


class PasswordResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "usa-input"}),
    )


class AccountForm(forms.Form):
    full_name = forms.CharField(
        label="Your full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "class": "usa-input"}),
    )
    email = forms.EmailField(
        label="Work e-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "usa-input"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=128,
        help_text="At least 12 characters; not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "usa-input"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            try:
                password_validation.validate_password(password)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class InvitedAccountForm(AccountForm):
    """E-mail is fixed by the invitation, so the form does not ask for it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["email"]


class NewAgencyForm(forms.Form):
    name = forms.CharField(label="Agency name", max_length=200, widget=forms.TextInput(attrs={"class": "usa-input"}))
    ori = forms.CharField(
        label="ORI (Originating Agency Identifier)",
        max_length=20,
        required=False,
        help_text="9 characters such as IL0160000, or the legacy 7 such as IL01600. Leave blank outside the US.",
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    agency_type = forms.ChoiceField(
        label="Agency type", choices=AGENCY_TYPES, widget=forms.Select(attrs={"class": "usa-select"})
    )
    state = forms.CharField(
        label="State (2 letters)",
        max_length=2,
        required=False,
        widget=forms.TextInput(attrs={"class": "usa-input usa-input--xs"}),
    )
    county = forms.CharField(
        label="County", max_length=200, required=False, widget=forms.TextInput(attrs={"class": "usa-input"})
    )
    country = forms.CharField(
        label="Country (2 letters)",
        max_length=2,
        initial="US",
        widget=forms.TextInput(attrs={"class": "usa-input usa-input--xs"}),
    )

    def clean_ori(self) -> str:
        try:
            return normalize_ori(self.cleaned_data.get("ori", ""))
        except InvalidORI as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_state(self) -> str:
        return self.cleaned_data.get("state", "").strip().upper()

    def clean_country(self) -> str:
        return self.cleaned_data.get("country", "US").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("country") == "US":
            if not data.get("state"):
                self.add_error("state", "US agencies need a state.")
            if not data.get("ori") and "ori" not in self.errors:
                self.add_error("ori", "US agencies need an ORI; agencies outside the US leave it blank.")
        ori, state = data.get("ori"), data.get("state")
        if ori and state and not ori.startswith(state):
            self.add_error("ori", f"ORI {ori} does not start with the state code {state}.")
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address", max_length=254, widget=forms.EmailInput(attrs={"class": "usa-input"})
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[(r.value, r.label) for r in (Role.AGENCY_ADMIN, Role.TRAINING_COORDINATOR, Role.AGENCY_VIEWER)],
        widget=forms.Select(attrs={"class": "usa-select"}),
    )


class AccessRequestForm(forms.Form):
    message = forms.CharField(
        label="Message to the administrator (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}),
    )


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label="New e-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "usa-input", "autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Your password (to confirm it is you)",
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "usa-input", "autocomplete": "current-password"}),
    )


class ClaimForm(forms.Form):
    """What a claimant tells campaign staff: shown beside the evidence in the claim queue."""

    job_title = forms.CharField(
        label="Your title at the agency",
        max_length=100,
        help_text="For example: Deputy Chief, Training Sergeant, Executive Assistant to the Chief.",
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "organization-title"}),
    )
    phone = forms.CharField(
        label="Work phone",
        max_length=40,
        required=False,
        help_text="Campaign staff may call the agency to confirm.",
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "tel", "type": "tel"}),
    )
    head_name = forms.CharField(
        label="Name of the agency head (chief, sheriff, commissioner)",
        max_length=150,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    statement = forms.CharField(
        label="Anything that helps us confirm you act for the agency (optional)",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}),
    )


class ClaimAccountForm(AccountForm, ClaimForm):
    """Sign-up for a directory agency: the account and the claim at once."""


class DisputeForm(ClaimForm):
    statement = forms.CharField(
        label="Who you are, and why the agency's current administration on OneMind is not right",
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 5}),
    )
