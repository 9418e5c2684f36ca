"""The one parser for dates and whole numbers read from a query string (onemind/lib/query.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from onemind.lib.query import BadQueryValue, date_or_none, int_or_none, parse_date, parse_int


def test_a_date_is_exactly_yyyy_mm_dd_within_the_range() -> None:
    assert parse_date("2026-03-31") == dt.date(2026, 3, 31)
    assert parse_date("") is None and parse_date(None) is None


@pytest.mark.parametrize(
    "raw", ["9999-12-31", "10000-01-01", "0001-01-01", "2026-02-30", "20260331", "2026-W13-2", "２０２６-03-31", "'"]
)
def test_a_date_past_the_range_or_in_another_form_is_refused_with_a_sentence(raw: str) -> None:
    with pytest.raises(BadQueryValue) as refused:
        parse_date(raw)
    assert "YYYY-MM-DD" in str(refused.value) or "between" in str(refused.value) or "calendar" in str(refused.value)
    assert date_or_none(raw) is None


def test_bounds_are_the_callers() -> None:
    with pytest.raises(BadQueryValue, match="between 2000-01-01 and 2100-12-31"):
        parse_date("1999-12-31", earliest=dt.date(2000, 1, 1), latest=dt.date(2100, 12, 31))


@pytest.mark.parametrize("raw", ["²", "١٢", "1_000", "1e3", " ", "0x10", "99999999999999999999999", "-"])
def test_a_number_is_ascii_digits_only(raw: str) -> None:
    with pytest.raises(BadQueryValue):
        parse_int(raw)
    assert int_or_none(raw) is None


def test_a_number_within_its_bounds() -> None:
    assert parse_int("30") == 30 and parse_int(" 4 ") == 4
    with pytest.raises(BadQueryValue, match="from 1 to 4"):
        parse_int("5", minimum=1, maximum=4)
    assert int_or_none("-1") is None
