"""The agency administrator's pages for API tokens and the agency data export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onemind.api.export import export_archive
from onemind.api.forms import TokenForm
from onemind.api.models import ApiToken
from onemind.api.tokens import create_api_token, revoke_api_token
from onemind.lib.downloads import as_download
from onemind.tenancy.access import AgencyRequest, agency_view
from onemind.tenancy.roles import AGENCY_WRITE


@agency_view(AGENCY_WRITE)
def tokens(request: AgencyRequest) -> HttpResponse:
    agency = request.access.agency
    form = TokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _, new_token = create_api_token(
                actor=request.user,
                agency=agency,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = TokenForm()
    context = {
        "agency": agency,
        "form": form,
        "new_token": new_token,
        "tokens": ApiToken.objects.filter(agency=agency).select_related("created_by", "revoked_by"),
    }
    return render(request, "api/tokens.html", context)


@require_POST
@agency_view(AGENCY_WRITE)
def revoke(request: AgencyRequest, prefix: str) -> HttpResponse:
    token = ApiToken.objects.filter(agency=request.access.agency, prefix=prefix).first()
    if token is None:
        raise Http404("No such token")
    revoke_api_token(actor=request.user, token=token)
    messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("api_tokens:tokens", request.access.agency.slug)


@agency_view(AGENCY_WRITE)
def export(request: AgencyRequest) -> HttpResponse:
    archive, filename = export_archive(actor=request.user, agency=request.access.agency, via="web")
    response: HttpResponse = FileResponse(archive, content_type="application/zip")  # type: ignore[assignment]
    return as_download(response, filename)
