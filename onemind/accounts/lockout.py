"""Sign-in lockout: django-axes' database handler plus two rules of our own, all read from the database so every web
process sees the same state.

- one e-mail address from one client address: AXES_FAILURE_LIMIT failures lock the pair (axes itself);
- password spraying: LOGIN_FAILURES_PER_ADDRESS failures from one client address, whatever accounts they name, lock
  that address until the cool-off ends;
- guessing one account from many addresses: past LOGIN_FAILURES_PER_ACCOUNT failures on the account, an address that
  never signed in to it gets one attempt per LOGIN_ACCOUNT_SLOWDOWN_SECONDS (for the whole account), while the owner's
  own known addresses are not slowed, so the attacker cannot lock the owner out.

The client address is `onemind.lib.client_address.client_address` (AXES_CLIENT_IP_CALLABLE), so behind a proxy it is
the real client, never the proxy (which would lock everyone out) and never a header the client wrote.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from onemind.lib.client_address import client_address


def normalized_username(request: Any, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: e-mail addresses are case-insensitive, so "Admin@x" and "admin@x" count together."""
    field = settings.AXES_USERNAME_FORM_FIELD
    raw = (credentials or {}).get(field) or (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get(field)
    return str(raw).strip().lower() if raw else None


def _window_start() -> dt.datetime:
    cool_off = get_cool_off() or dt.timedelta(minutes=15)
    return timezone.now() - cool_off


def failures_from_address(address: str) -> int:
    if not address:
        return 0
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=_window_start()).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return int(total or 0)


def account_slowed(username: str | None, address: str) -> bool:
    """True when this address must wait before trying this account again (see the module docstring)."""
    if not username:
        return False
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=_window_start()).aggregate(
        total=Sum("failures_since_start"), last=Max("attempt_time")
    )
    if int(recent["total"] or 0) < settings.LOGIN_FAILURES_PER_ACCOUNT:
        return False
    if address and AccessLog.objects.filter(username=username, ip_address=address).exists():
        return False
    wait = dt.timedelta(seconds=settings.LOGIN_ACCOUNT_SLOWDOWN_SECONDS)
    return recent["last"] is not None and timezone.now() - recent["last"] < wait


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        address = client_address(request)
        if failures_from_address(address) >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return True
        return account_slowed(get_client_username(request, credentials), address)
