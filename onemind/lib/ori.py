"""ORI (Originating Agency Identifier) validation and normalization.

An ORI is the FBI's identifier for a law-enforcement agency: two letters naming the state or territory, then
seven letters/digits (ORI9, e.g. ``IL0160000``). Older datasets (the Washington Post shootings data, LEMAS)
still carry the legacy 7-character form (ORI7, ``IL01600``), the ORI9 without its last two characters;
``ori7()`` gives the key that links the two.

Pure Python, no Django: the agency model, the sign-up form and the directory importer all call
``normalize_ori`` so the rule lives in one place.
"""

from __future__ import annotations

import re

__all__ = [
    "FBI_STATE_ALIASES",
    "PLACEHOLDER_ORIS",
    "STATE_CODES",
    "InvalidORI",
    "is_valid_ori",
    "normalize_ori",
    "ori7",
    "postal_state",
]

# USPS codes of the 50 states, DC and the inhabited territories.
STATE_CODES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "DC": "District of Columbia",
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "U.S. Virgin Islands",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}

# The FBI's NCIC state codes differ from USPS for two places, and the FBI CDE agency list uses them both in
# the ORI prefix and in state_abbr (checked on fbi_cde_agencies_2018.csv: its 54 prefixes are the USPS ones
# plus these two). Real ORIs start with them, so they must validate; ``postal_state`` maps them back for
# display and filtering.
FBI_STATE_ALIASES: dict[str, str] = {"NB": "NE", "GM": "GU"}

_ORI_PREFIXES = frozenset(STATE_CODES) | frozenset(FBI_STATE_ALIASES)

# Values people type into a required ORI cell when they have none; reporting them as "placeholder" tells the
# user what is wrong better than "4 characters, expected 9".
PLACEHOLDER_ORIS = frozenset({"NONE", "N/A", "NA", "NULL", "UNKNOWN", "TBD", "-", "0"})

# A cell of only zeros, dashes or X's ("0000000", "---", "XXXXXXXXX") is filler, whatever its length.
_FILLER_CHARS = ({"0"}, {"-"}, {"X"})
_ORI9 = re.compile(r"[A-Z]{2}[A-Z0-9]{7}")
_ORI7 = re.compile(r"[A-Z]{2}[A-Z0-9]{5}")
_BAD_CHAR = re.compile(r"[^A-Z0-9]")
_STATE_NAMES = {name.upper(): code for code, name in STATE_CODES.items()}


class InvalidORI(ValueError):
    """Raised with a message a user can act on; ``value`` is the cleaned text that was rejected."""

    def __init__(self, value: str, message: str) -> None:
        super().__init__(message)
        self.value = value


def normalize_ori(raw: str | None) -> str:
    """Return the ORI upper-cased and stripped, or "" when blank; raise InvalidORI if it cannot be an ORI."""
    if raw is None:
        return ""
    value = raw.strip().upper()
    if not value:
        return ""
    if value in PLACEHOLDER_ORIS or set(value) in _FILLER_CHARS:
        raise InvalidORI(value, f"ORI '{value}' is a placeholder, not an ORI; leave it blank if the agency has none")
    bad = _BAD_CHAR.search(value)
    if bad:
        raise InvalidORI(value, f"ORI '{value}' contains '{bad.group()}'; only letters and digits are allowed")
    if len(value) not in (7, 9):
        raise InvalidORI(
            value,
            f"ORI '{value}' is {len(value)} characters; expected 9 (e.g. IL0160000) or legacy 7 (IL01600)",
        )
    if not (_ORI9.fullmatch(value) or _ORI7.fullmatch(value)):
        raise InvalidORI(value, f"ORI '{value}' must start with a two-letter state code, not '{value[:2]}'")
    if value[:2] not in _ORI_PREFIXES:
        raise InvalidORI(value, f"ORI '{value}' starts with '{value[:2]}', which is not a US state or territory")
    return value


def is_valid_ori(raw: str | None) -> bool:
    """True for a non-blank value that normalize_ori accepts."""
    try:
        return normalize_ori(raw) != ""
    except InvalidORI:
        return False


def ori7(ori: str) -> str:
    """Return the legacy 7-character form that links an ORI9 to datasets keyed by ORI7 ("" for blank).

    Truncation is lossy: in the 2018 FBI list 13 pairs of ORI9s share an ORI7, so callers must treat it as a
    candidate match, not a unique key.
    """
    return normalize_ori(ori)[:7]


def postal_state(code: str | None) -> str:
    """Return the USPS code for a state code or full state name (FBI 'NB' → 'NE'), or "" when unknown."""
    value = " ".join((code or "").split()).upper()
    value = FBI_STATE_ALIASES.get(value, value)
    if value in STATE_CODES:
        return value
    return _STATE_NAMES.get(value, "")
