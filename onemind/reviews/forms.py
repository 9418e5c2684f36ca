from __future__ import annotations

from django import forms

from onemind.reviews.evidence import evidence_field

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


class ReattestForm(forms.Form):
    statement = forms.CharField(
        label="Statement",
        max_length=4000,
        widget=TEXTAREA,
        initial="The agency confirms that the four strategies remain in place.",
    )


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label="Verification code", max_length=40, widget=forms.TextInput(attrs={"class": "usa-input"})
    )
