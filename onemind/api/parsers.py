"""The API's one body parser: JSON, refused with 400 when nested deeper than any real document.

Python's json module recurses once per level, so a body of 5,000 nested brackets would exhaust the stack (a
RecursionError, i.e. a 500) before any serializer saw it. No endpoint takes more than three levels.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 16


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON nested more than {MAX_DEPTH} levels deep is not accepted.") from None
        if _depth_exceeds(data, MAX_DEPTH):
            raise ParseError(f"JSON nested more than {MAX_DEPTH} levels deep is not accepted.")
        return data


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Walk without recursion, so measuring a deep document cannot exhaust the stack either."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
    return False
