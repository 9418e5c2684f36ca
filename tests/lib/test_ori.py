from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onemind.lib.ori import (
    FBI_STATE_ALIASES,
    PLACEHOLDER_ORIS,
    STATE_CODES,
    InvalidORI,
    is_valid_ori,
    normalize_ori,
    ori7,
    postal_state,
)


def _message(raw: str) -> str:
    with pytest.raises(InvalidORI) as excinfo:
        normalize_ori(raw)
    return str(excinfo.value)


def test_it_accepts_a_nine_character_ori() -> None:
    assert normalize_ori("IL0160000") == "IL0160000"


def test_it_accepts_a_legacy_seven_character_ori() -> None:
    assert normalize_ori("IL01600") == "IL01600"


def test_it_upper_cases() -> None:
    assert normalize_ori("il016000a") == "IL016000A"


def test_it_strips_surrounding_whitespace() -> None:
    assert normalize_ori("  IL0160000\t\n") == "IL0160000"


@pytest.mark.parametrize("raw", [None, "", "   ", "\t"])
def test_it_returns_empty_for_blank(raw: str | None) -> None:
    assert normalize_ori(raw) == ""


@pytest.mark.parametrize("raw", ["0000000", "000000000", "00", "none", "N/A", "n/a", "Unknown", "-", "0", "NULL"])
def test_it_reports_sentinels_as_placeholders(raw: str) -> None:
    assert "is a placeholder" in _message(raw)


def test_every_listed_sentinel_is_reported_as_a_placeholder() -> None:
    for sentinel in PLACEHOLDER_ORIS:
        assert "placeholder" in _message(sentinel), sentinel


def test_it_explains_a_value_that_is_too_short() -> None:
    assert _message("XX12") == ("ORI 'XX12' is 4 characters; expected 9 (e.g. IL0160000) or legacy 7 (IL01600)")


def test_it_explains_a_value_that_is_too_long() -> None:
    assert "is 10 characters; expected 9" in _message("IL01600000")


def test_it_rejects_the_eight_characters_between_the_two_lengths() -> None:
    assert "is 8 characters" in _message("IL016000")


def test_it_names_the_offending_character() -> None:
    assert _message("IL-016000") == "ORI 'IL-016000' contains '-'; only letters and digits are allowed"


@pytest.mark.parametrize(("raw", "char"), [("IL 0160000", " "), ("IL016000É", "É"), ("IL01.6000", ".")])
def test_it_rejects_inner_spaces_accents_and_punctuation(raw: str, char: str) -> None:
    assert f"contains '{char}'" in _message(raw)


def test_it_requires_two_letters_first() -> None:
    assert _message("120160000") == "ORI '120160000' must start with a two-letter state code, not '12'"


def test_it_rejects_a_prefix_that_is_no_state() -> None:
    assert _message("XX0160000") == "ORI 'XX0160000' starts with 'XX', which is not a US state or territory"


@pytest.mark.parametrize("prefix", ["DC", "PR", "GU", "VI", "AS", "MP", "NB", "GM"])
def test_it_accepts_dc_territories_and_the_fbi_codes(prefix: str) -> None:
    assert normalize_ori(f"{prefix}0010000") == f"{prefix}0010000"


def test_it_knows_fifty_states_dc_and_five_territories() -> None:
    assert len(STATE_CODES) == 56


def test_invalid_ori_is_a_value_error_carrying_the_cleaned_value() -> None:
    with pytest.raises(ValueError) as excinfo:
        normalize_ori(" il-1 ")
    assert isinstance(excinfo.value, InvalidORI)
    assert excinfo.value.value == "IL-1"


def test_is_valid_ori_answers_without_raising() -> None:
    assert is_valid_ori("il0160000")
    assert not is_valid_ori("XX12")
    assert not is_valid_ori("")
    assert not is_valid_ori(None)


def test_ori7_is_the_first_seven_characters() -> None:
    assert ori7("IL0160000") == "IL01600"
    assert ori7(" il01600 ") == "IL01600"
    assert ori7("") == ""


def test_ori7_rejects_an_invalid_ori() -> None:
    with pytest.raises(InvalidORI):
        ori7("IL-016000")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("il", "IL"),
        (" NB ", "NE"),
        ("GM", "GU"),
        ("Nebraska", "NE"),
        ("district  of columbia", "DC"),
        ("XX", ""),
    ],
)
def test_postal_state_accepts_codes_fbi_aliases_and_names(raw: str, expected: str) -> None:
    assert postal_state(raw) == expected


def test_every_fbi_alias_points_at_a_known_state() -> None:
    assert set(FBI_STATE_ALIASES.values()) <= set(STATE_CODES)


_prefixes = st.sampled_from(sorted(STATE_CODES) + sorted(FBI_STATE_ALIASES))
_tails = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=5, max_size=7).filter(
    lambda tail: len(tail) != 6
)


@given(prefix=_prefixes, tail=_tails)
def test_normalizing_a_valid_ori_is_idempotent(prefix: str, tail: str) -> None:
    once = normalize_ori(f" {(prefix + tail).lower()} ")
    assert normalize_ori(once) == once == prefix + tail
