from __future__ import annotations

from django import forms

from onemind.reviews.evidence import evidence_field
from onemind.reviews.models import STRATEGIES

TEXTAREA = forms.Textarea(attrs={"class": "usa-textarea", "rows": 4})


class SubmitForm(forms.Form):
    note = forms.CharField(
        label="Note to the reviewer",
        required=False,
        max_length=4000,
        widget=TEXTAREA,
        help_text="Optional: anything the reviewer should know, or your answer to their comments.",
    )
    attachment = evidence_field("Supporting file (optional)")
    acknowledge_unmet = forms.BooleanField(
        label="Submit anyway: the reviewer should see something the records do not show (say what in the note).",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(label="Your comment", max_length=4000, widget=TEXTAREA)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision", choices=[("verify", "Verify"), ("return", "Return to the agency")], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Comment to the agency",
        required=False,
        max_length=4000,
        widget=TEXTAREA,
        help_text="Required when returning: say what the agency needs to change.",
    )
    override_reason = forms.CharField(
        label="Reason for verifying although the engine judges it not met",
        required=False,
        max_length=4000,
        widget=TEXTAREA,
        help_text="Required only when the engine's answer today is “not met”. Kept with the decision and shown to "
        "the agency.",
    )


class RecognizeForm(forms.Form):
    confirm = forms.BooleanField(
        label="I checked the four verified strategies and the engine's answer today, and recognize this agency.",
        error_messages={"required": "Tick the confirmation to recognize the agency."},
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )


class ReattestForm(forms.Form):
    statement = forms.CharField(
        label="Statement",
        max_length=4000,
        widget=TEXTAREA,
        initial="The agency confirms that the four strategies remain in place.",
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason for revoking",
        max_length=4000,
        widget=TEXTAREA,
        help_text="Required. The agency's members see it with what to do to regain recognition; the public does not.",
    )
    reopen = forms.TypedMultipleChoiceField(
        label="Strategies the agency must submit again",
        required=False,
        coerce=int,
        choices=[(n, f"{n}. {title}") for n, title in sorted(STRATEGIES.items())],
        widget=forms.CheckboxSelectMultiple,
        help_text="Checked strategies go back to the agency as returned, with the reason as your comment. "
        "Those the records show as no longer met are checked for you.",
    )


def normalize_code(raw: str) -> str:
    """A code as printed (XXXX-XXXX-…) from however it was typed: ASCII letters and digits only."""
    compact = "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label="Verification code", max_length=40, widget=forms.TextInput(attrs={"class": "usa-input"})
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("Enter the letters and digits printed on the certificate.")
        return code
