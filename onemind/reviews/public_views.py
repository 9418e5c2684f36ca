"""The public certificate check: anyone with a code sees whether it names a real, current recognition.

A revoked code is still found and says when it was revoked (not "not found"), so a holder of an old paper
certificate cannot pass it off as current. The reason for revoking stays with the agency.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_scopes import scopes_disabled

from onemind.reviews.forms import VerifyCodeForm, normalize_code
from onemind.reviews.models import STRATEGIES, Recognition


def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyCodeForm(request.GET or None)
    if form.is_valid():
        return redirect("verify:code", code=form.cleaned_data["code"])
    return render(request, "reviews/verify_form.html", {"form": form})


def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    with scopes_disabled():
        recognition = Recognition.objects.select_related("agency").filter(code=normalize_code(code)[:19]).first()
    if recognition is None:
        return render(request, "reviews/verify_not_found.html", {"code": code[:40]}, status=404)
    newer = None
    if recognition.revoked_at is not None:
        with scopes_disabled():
            newer = Recognition.objects.filter(agency=recognition.agency_id, revoked_at__isnull=True).first()
    verified = [(n, title, recognition.verified.get(str(n))) for n, title in STRATEGIES.items()]
    return render(request, "reviews/verify.html", {"recognition": recognition, "verified": verified, "newer": newer})
