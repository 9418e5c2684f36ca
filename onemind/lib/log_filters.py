"""Filters on the log handler (settings.LOGGING). Imports nothing of the app: logging is configured before Django
loads the apps."""

from __future__ import annotations

import logging

# Refusals the security log already writes as one "access.denied" line, with the request id and the reason
# (onemind/accounts/security.py): Django's own line for them would be a second one, with a traceback.
_RECORDED_REFUSALS = frozenset({401, 403, 429})


class OneLineRefusals(logging.Filter):
    """An expected refusal is one log line, never a traceback: Django's `django.request` and `django.security.*`
    lines for 401/403/429 are dropped (the security log has them), and any other 4xx line loses its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(("django.request", "django.security")):
            return True
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or status >= 500:
            return True
        if status in _RECORDED_REFUSALS:
            return False
        record.exc_info = None
        record.exc_text = None
        return True
