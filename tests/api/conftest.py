"""An API client for the test cast: `api("admin", scopes)` makes a token and a client that sends it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.api.models import Scope
from onemind.api.tokens import create_api_token

ALL_SCOPES = list(Scope.values)


class ApiClient(Client):
    def __init__(self, raw_token: str, **kwargs: Any) -> None:
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {raw_token}", **kwargs)
        self.raw_token = raw_token

    def send(self, method: str, path: str, data: Any = None, **headers: str) -> Any:
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        if method == "GET":
            return self.get(path, data or {}, **extra)
        return getattr(self, method.lower())(path, data, content_type="application/json", **extra)


def make_token(user: Any, agency: Any, scopes: list[str] | None = None, days: int = 30) -> str:
    with scopes_disabled():
        _, raw = create_api_token(
            actor=user,
            agency=agency,
            name="HR sync",
            scopes=scopes or ALL_SCOPES,
            expires_on=timezone.localdate() + dt.timedelta(days=days),
        )
    return raw


@pytest.fixture
def api(cast: Any) -> Callable[..., ApiClient]:
    def build(scopes: list[str] | None = None, who: str = "admin", agency: Any = None) -> ApiClient:
        return ApiClient(make_token(getattr(cast, who), agency or cast.agency, scopes))

    return build


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
