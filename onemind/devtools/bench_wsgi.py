"""WSGI entry point for ``onemind bench``: the production settings with bench_urls as the URLconf."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onemind.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

settings.ROOT_URLCONF = "onemind.devtools.bench_urls"
application = get_wsgi_application()
