"""A page whose body is already rendered, placed in a site shell rendered once per visitor and kept in memory.

The dashboard's body comes from a cache (onemind/compliance/pages.py); without this, rendering the navigation and
layout around it was the largest part of a visit. The shell (everything but the body) depends on who is visiting
and where, never on the data, so it is rendered once per ``vary`` key with three markers in it: where the body
goes, the CSP nonce and the CSRF token. Each request then joins the kept pieces with its own body, nonce and token.

Only the shell's pieces are searched for markers, never the body, so no text in the data can be turned into a
token. The markers are random per process and never leave it. A page with messages to show is rendered normally.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

_MARK = secrets.token_hex(12)
BODY_MARKER = f"[[body-{_MARK}]]"
NONCE_MARKER = f"nonce-{_MARK}"
CSRF_MARKER = f"csrf-{_MARK}"
SHELL_SECONDS = 60 * 60


def render_with_kept_shell(
    request: HttpRequest, template_name: str, context: dict[str, Any], *, body: str, vary: tuple[Any, ...]
) -> HttpResponse:
    """Render ``template_name`` with ``context["body"] = body``; ``vary`` must name everything the shell shows.

    ``body`` is trusted HTML (rendered from escaped template output by the caller).
    """
    if messages.get_messages(request):
        return render(request, template_name, {**context, "body": mark_safe(body)})  # noqa: S308 - see docstring
    user = getattr(request, "user", None)
    key = _key(template_name, (getattr(user, "pk", None), getattr(user, "full_name", ""), *vary))
    local = caches["local"]
    pieces: list[str] | None = local.get(key)
    if pieces is None:
        pieces = _render_pieces(request, template_name, context)
        local.set(key, pieces, SHELL_SECONDS)
    head, tail = pieces
    nonce, token = str(getattr(request, "csp_nonce", "")), get_token(request)
    page = _fill(head, nonce, token) + body + _fill(tail, nonce, token)
    return HttpResponse(page)


def _render_pieces(request: HttpRequest, template_name: str, context: dict[str, Any]) -> list[str]:
    marked = {**context, "body": mark_safe(BODY_MARKER), "csp_nonce": NONCE_MARKER, "csrf_token": CSRF_MARKER}
    html = render_to_string(template_name, marked, request=request)
    head, found, tail = html.partition(BODY_MARKER)
    if not found:
        raise ValueError(f"{template_name} does not show {{{{ body }}}}")
    return [head, tail]


def _fill(piece: str, nonce: str, token: str) -> str:
    return piece.replace(NONCE_MARKER, nonce).replace(CSRF_MARKER, token)


def _key(template_name: str, vary: tuple[Any, ...]) -> str:
    digest = hashlib.sha256(repr(vary).encode()).hexdigest()
    return f"shell:{template_name}:{digest}"
