"""URLconf for ``onemind bench`` only: the real site plus a trivial view to compare request rates against."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("__bench__/trivial/", trivial),
    path("", include("onemind.urls")),
]
