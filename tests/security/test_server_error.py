"""(i) A forced server error with DEBUG off: a generic page, with no traceback, settings or SQL, for a page and for
an API path. (The plain case is also in tests/test_settings.py.)"""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path


def _broken_query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_column FROM table_that_does_not_exist WHERE token = 'tok-123'")
    return HttpResponse("unreachable")


def _broken_code(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(f"internal state: {request.META.get('HTTP_AUTHORIZATION')}")


urlpatterns = [
    path("agencies/x/broken/", _broken_query),
    path("api/v1/broken/", _broken_code),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/agencies/x/broken/", "/api/v1/broken/"])
def test_a_server_error_reveals_nothing(client, settings, url: str) -> None:  # noqa: ANN001
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    settings.SECRET_KEY = "s" * 20 + "-unique-secret-value-for-this-test-0123456789"
    client.raise_request_exception = False
    response = client.get(url, HTTP_AUTHORIZATION="Bearer om_secret-token-value")
    assert response.status_code == 500
    body = response.content.decode()
    for leak in (
        "Traceback",
        "SELECT",
        "table_that_does_not_exist",
        "tok-123",
        "om_secret-token-value",
        "unique-secret-value",
        "SECRET_KEY",
        "DATABASES",
        "internal state",
        "site-packages",
        ".py",
    ):
        assert leak not in body, leak
    assert "Something went wrong" in body
    assert response["X-Request-ID"]  # the id to quote to support, who find the details in the server log
