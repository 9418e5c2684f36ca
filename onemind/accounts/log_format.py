"""Log lines as JSON, one object a line, so a log shipper can index them. Imports no model: logging is configured
before Django loads the apps."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

# Keys a security event may never carry, whatever a caller passes: secrets and personal identifiers.
FORBIDDEN_KEYS = frozenset(
    {
        "password",
        "token",
        "secret",
        "authorization",
        "cookie",
        "email",
        "username",
        "name",
        "full_name",
        "first_name",
        "last_name",
        "badge",
        "badge_number",
        "code",
    }
)


def safe_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Only plain values under allowed keys."""
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key.lower() in FORBIDDEN_KEYS or any(word in key.lower() for word in ("password", "token", "secret")):
            continue
        clean[key] = value if isinstance(value, int | float | bool) or value is None else str(value)[:200]
    return clean


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("event", "request_id"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update({k: v for k, v in fields.items() if k not in line})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
