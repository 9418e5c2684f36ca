"""The kinds of law-enforcement agency OneMind knows, and how source files spell them.

The slugs are stored (model choices, URL filters); the labels are shown. ``agency_type_for`` maps a free-text
type from an import file to a slug. An unknown spelling becomes ``other`` rather than an error, because a
directory row is still useful without a precise type and the caller keeps the original text.
"""

from __future__ import annotations

import re

__all__ = ["AGENCY_TYPES", "AGENCY_TYPE_LABELS", "AGENCY_TYPE_SLUGS", "agency_type_for"]

AGENCY_TYPES: tuple[tuple[str, str], ...] = (
    ("city", "City/municipal police"),
    ("county", "County police/sheriff"),
    ("state", "State police/highway patrol"),
    ("university", "University or college"),
    ("tribal", "Tribal"),
    ("federal", "Federal"),
    # Transit, port, airport, school-district, park and other special-jurisdiction police.
    ("other", "Other"),
)
AGENCY_TYPE_LABELS: dict[str, str] = dict(AGENCY_TYPES)
AGENCY_TYPE_SLUGS: frozenset[str] = frozenset(AGENCY_TYPE_LABELS)

# Keys are spellings after _key(): lower case, punctuation as spaces, whitespace collapsed. The FBI CDE list
# (2018) has exactly seven: City, County, State Police, Other State Agency, University or College, Other,
# Tribal. "Other State Agency" is fish & game, natural resources, liquor control, capitol police, state fire
# marshals: special jurisdictions, not the state police, hence "other".
_SPELLINGS: dict[str, str] = {
    # city
    "city": "city",
    "municipal": "city",
    "municipality": "city",
    "municipal police": "city",
    "city police": "city",
    "police department": "city",
    "town": "city",
    "township": "city",
    "village": "city",
    "borough": "city",
    "local": "city",
    "local police": "city",
    "regional": "city",
    "regional police": "city",
    # NJ Attorney General's file: regional departments serving several towns.
    "multiple municipalities": "city",
    # county
    "county": "county",
    "county police": "county",
    "sheriff": "county",
    "sheriffs office": "county",
    "sheriff s office": "county",
    "sheriffs": "county",
    "county sheriff": "county",
    "sheriff s department": "county",
    "sheriffs department": "county",
    "county police sheriff": "county",
    # state
    "state": "state",
    "state police": "state",
    "state patrol": "state",
    "highway patrol": "state",
    "state highway patrol": "state",
    "state police highway patrol": "state",
    "primary state le": "state",
    # university
    "university": "university",
    "college": "university",
    "university or college": "university",
    "university college": "university",
    "college university": "university",
    "campus": "university",
    "campus police": "university",
    "university police": "university",
    # tribal
    "tribal": "tribal",
    "tribal police": "tribal",
    "tribe": "tribal",
    "tribal agency": "tribal",
    # federal
    "federal": "federal",
    "federal agency": "federal",
    # other
    "other": "other",
    "other state agency": "other",
    "special jurisdiction": "other",
    "transit": "other",
    "transit police": "other",
    "port": "other",
    "port authority": "other",
    "airport": "other",
    "school": "other",
    "school district": "other",
    "school police": "other",
    "park": "other",
    "parks": "other",
    "hospital": "other",
    "railroad": "other",
    "constable": "other",
}
# Each label maps to its own slug, so a file exported from OneMind re-imports unchanged.
_SPELLINGS.update({slug: slug for slug in AGENCY_TYPE_SLUGS})

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _key(text: str) -> str:
    return _NOT_WORD.sub(" ", text.lower()).strip()


_SPELLINGS.update({_key(label): slug for slug, label in AGENCY_TYPES})


def agency_type_for(raw: str | None) -> str:
    """Return the slug for a type as written in a source file; ``other`` when blank or unrecognised."""
    return _SPELLINGS.get(_key(raw or ""), "other")
