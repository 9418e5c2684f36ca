"""Course fixtures: the cast's course provider user belongs to a provider organization of its own."""

from __future__ import annotations

import pytest

from onemind.courses.models import CourseProvider
from tests.conftest import Cast
from tests.courses.helpers import make_provider


@pytest.fixture
def provider_org(cast: Cast) -> CourseProvider:
    return make_provider(cast.provider)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Dashboards are cached by agency id and data version; rolled-back tests reuse both, so start empty.
    from django.core.cache import cache

    cache.clear()
