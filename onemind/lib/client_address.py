"""The client's network address, the one place every rate limit, lockout and security-log line reads it from.

Behind `settings.TRUSTED_PROXY_COUNT` reverse proxies (`BEHIND_PROXY`), each proxy appends the address it received
the request from to `X-Forwarded-For`, so the client is the entry that many places from the right end of the chain
formed by the header and the connecting address. Entries further left were written by the client and are never
believed. With no trusted proxy the header is ignored altogether: the connecting address is the client.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def client_address(request: Any) -> str:
    """The address to count failures against; never a value the client chose."""
    meta = request.META
    remote = str(meta.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    chain = [*forwarded, remote]
    if len(chain) <= proxies:
        # Fewer hops than trusted proxies: the request did not come through them all, so trust only the connection.
        return remote
    candidate = chain[-(proxies + 1)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
