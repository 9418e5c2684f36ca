"""Campaign staff's side of agency claims: the queue with the evidence, and the decision."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from onemind.tenancy.access import AuthenticatedRequest, campaign_view
from onemind.tenancy.models import AgencyClaim
from onemind.tenancy.roles import CAMPAIGN_REVIEW
from onemind.tenancy.selectors import claim_evidence, evidence_for, pending_claims
from onemind.tenancy.services import decide_claim


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision", choices=[("approve", "Approve"), ("decline", "Decline")], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason (the claimant sees it)",
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}),
        help_text="For example: called the agency's front desk; the chief's office confirmed.",
    )
    remember_domain = forms.BooleanField(
        label="Record the claimant's e-mail domain as the agency's own (later claimants on it are approved at once)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )


@campaign_view(CAMPAIGN_REVIEW)
def claims(request: HttpRequest) -> HttpResponse:
    page = Paginator(pending_claims(), 50).get_page(request.GET.get("page"))
    rows = evidence_for(list(page))
    return render(request, "tenancy/claims.html", {"page": page, "rows": rows, "query_string": ""})


@campaign_view(CAMPAIGN_REVIEW)
def claim(request: AuthenticatedRequest, claim_id: object) -> HttpResponse:
    item = get_object_or_404(AgencyClaim.objects.select_related("agency", "user"), public_id=claim_id)
    form = ClaimDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decide_claim(
                actor=request.user,
                claim=item,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                remember_domain=form.cleaned_data["remember_domain"],
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, f"{item.agency.name}: the request of {item.user.email} is decided.")
            return redirect("campaign:claims")
    others = AgencyClaim.objects.filter(agency=item.agency).exclude(pk=item.pk).select_related("user")
    return render(
        request,
        "tenancy/claim.html",
        {"claim": item, "evidence": claim_evidence(item), "others": others, "form": form},
        status=400 if form.errors else 200,
    )
