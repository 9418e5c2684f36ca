"""Reading dates and whole numbers from a query string: the one parser every view and API endpoint uses.

Python's own parsers are too generous for values an attacker types: ``str.isdigit`` accepts '²' (which ``int``
then refuses), ``int`` accepts '١٢' and '1_000', and ``date.fromisoformat`` accepts '9999-12-31', after which any
date arithmetic overflows. Here a date is exactly ``YYYY-MM-DD`` within a range the product can compute with, and
a number is ASCII digits within stated bounds; anything else raises ``BadQueryValue`` with a sentence a person can
act on, which views show as a 400 (or a note beside the results) and the API as its JSON error.
"""

from __future__ import annotations

import datetime as dt
import re

# Far enough either side for every record and projection the product shows; near enough that adding a few
# decades (deadlines, expiries, grace periods) never overflows the date type.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_WHOLE = re.compile(r"-?[0-9]{1,18}", re.ASCII)


class BadQueryValue(ValueError):
    """A query value that is not usable; str() is the sentence to show."""


def _shown(raw: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in raw[:30])


def parse_date(
    raw: str | None,
    *,
    label: str = "date",
    earliest: dt.date = EARLIEST_DATE,
    latest: dt.date = LATEST_DATE,
) -> dt.date | None:
    """``YYYY-MM-DD`` between `earliest` and `latest`; None when absent or empty."""
    if raw is None or raw == "":
        return None
    value = raw.strip()
    if not _DATE.fullmatch(value):
        raise BadQueryValue(f"“{_shown(raw)}” is not a {label}: use YYYY-MM-DD.")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadQueryValue(f"“{_shown(raw)}” is not a day of the calendar.") from None
    if not earliest <= day <= latest:
        raise BadQueryValue(f"Choose a {label} between {earliest.isoformat()} and {latest.isoformat()}.")
    return day


def parse_int(raw: str | None, *, label: str = "number", minimum: int = 0, maximum: int = 1_000_000) -> int | None:
    """A whole number written in ASCII digits between `minimum` and `maximum`; None when absent or empty."""
    if raw is None or raw == "":
        return None
    value = raw.strip()
    if not _WHOLE.fullmatch(value):
        raise BadQueryValue(f"“{_shown(raw)}” is not a whole {label}: use digits 0-9.")
    number = int(value)
    if not minimum <= number <= maximum:
        raise BadQueryValue(f"Choose a {label} from {minimum} to {maximum}.")
    return number


def date_or_none(
    raw: str | None, *, earliest: dt.date = EARLIEST_DATE, latest: dt.date = LATEST_DATE
) -> dt.date | None:
    """For filters that silently ignore a value they cannot use."""
    try:
        return parse_date(raw, earliest=earliest, latest=latest)
    except BadQueryValue:
        return None


def int_or_none(raw: str | None, *, minimum: int = 0, maximum: int = 1_000_000) -> int | None:
    try:
        return parse_int(raw, minimum=minimum, maximum=maximum)
    except BadQueryValue:
        return None
