from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    # django-csp 4 exposes the nonce on the request; htmx_script reads it from the context variable.
    return {"csp_nonce": getattr(request, "csp_nonce", ""), "SITE_URL": settings.SITE_URL}
