from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onemind.directory.selectors import search_directory
from onemind.tenancy.models import Membership
from onemind.tenancy.roles import Role


def search(request: HttpRequest) -> HttpResponse:
    """Type-ahead results for sign-up: public directory facts only (name, ORI, place, whether it is managed)."""
    return render(request, "directory/search_results.html", search_context(request.GET.get("q", "")))


def search_context(query: str) -> dict[str, Any]:
    query = query[:100]
    agencies = list(search_directory(query))
    managed = set(
        Membership.objects.filter(agency__in=agencies, role=Role.AGENCY_ADMIN).values_list("agency_id", flat=True)
    )
    return {"query": query, "agencies": agencies, "managed": managed}
