"""Rule editions: every number and list the compliance engine judges by (RULES.md, "Rule editions").

Pure standard library, like the rest of the engine. The Django layer turns a ``RuleEdition`` row plus the
approved-equivalents registry into an ``Edition`` with ``make_edition``; ``edition_2016`` and ``edition_2019``
are the two published editions with no equivalents approved yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Course-type codes from RULES.md ("Qualifying training").
MHFA_PS = "MHFA-PS"
MHFA_ADULT = "MHFA-ADULT"
MHFA_RECERT = "MHFA-RECERT"
CIT_40 = "CIT-40"
CRIT_40 = "CRIT-40"
CIT_911 = "CIT-911"

# Designation scopes a non-sworn person can be selected for (RULES.md, "Designated non-sworn").
DESIGNATED_MHFA = "mhfa"
DESIGNATED_CIT = "cit"

# Partner kinds accepted for strategy 1. The 2019 wording widened "mental health" to "health" organizations.
MENTAL_HEALTH_PARTNER_KINDS: frozenset[str] = frozenset(
    {
        "cmhc",
        "ccbhc",
        "mobile_crisis",
        "crisis_line_988",
        "crisis_stabilization",
        "behavioral_health_hospital",
        "nami_affiliate",
        "other_approved",
    }
)
HEALTH_PARTNER_KINDS: frozenset[str] = MENTAL_HEALTH_PARTNER_KINDS | {"community_health_organization"}

# The model-policy checklist (RULES.md, "Policy met on D"), slug -> the label a chief reads.
POLICY_ELEMENTS: dict[str, str] = {
    "purpose_scope": "purpose and scope",
    "policy_statement": "policy statement (de-escalation goal)",
    "definitions": "definitions",
    "recognizing_behaviours": "recognizing behaviours",
    "dispatch_protocol": "call-taker/dispatcher protocol",
    "on_scene_response": "on-scene response and de-escalation",
    "disposition_options": "disposition options",
    "transportation_custody": "transportation and custodial transfer",
    "documentation": "documentation",
    "information_sharing": "information sharing",
    "training_requirements": "training requirements",
    "supervision_data_review": "supervision, data and review",
}
IDD_SCOPE_ELEMENT = "idd_scope"
POLICY_ELEMENT_LABELS: dict[str, str] = {
    **POLICY_ELEMENTS,
    IDD_SCOPE_ELEMENT: "scope covers intellectual/developmental disabilities",
}


@dataclass(frozen=True, slots=True)
class Edition:
    """One edition of the rules. Course sets are per strategy and per population (sworn / designated)."""

    code: str
    s3_accepts: frozenset[str]
    s4_accepts: frozenset[str]
    s3_designated_accepts: frozenset[str]
    s4_designated_accepts: frozenset[str]
    # Designation scopes that put a non-sworn person into each strategy's designated figure; empty = none.
    s3_designated_scopes: frozenset[str]
    s4_designated_scopes: frozenset[str]
    mhfa_codes: frozenset[str]
    recert_codes: frozenset[str]
    partner_kinds: frozenset[str]
    required_policy_elements: tuple[str, ...]
    s3_label: str = "MHFA"
    s4_label: str = "CIT"
    partner_label: str = "a community mental health organization"
    mhfa_valid_months: int = 36
    cit_valid_months: int | None = None
    s3_target_percent: int = 100
    s4_target_percent: int = 20
    new_hire_grace_days: int = 0
    at_risk_time_percent: int = 20
    expiring_window_days: int = 90
    min_months: int = 12
    max_months: int = 36

    def valid_months(self, course_code: str) -> int | None:
        """How long a completed course counts; None = forever."""
        if course_code in self.mhfa_codes:
            return self.mhfa_valid_months
        return self.cit_valid_months


def make_edition(
    code: str,
    *,
    partner_scope: str = "mental_health",
    policy_covers_idd: bool = False,
    s3_accepts_cit: bool = False,
    s4_counts_designated: bool = True,
    mhfa_equivalents: Iterable[str] = (),
    cit_equivalents: Iterable[str] = (),
    mhfa_valid_months: int = 36,
    cit_valid_months: int | None = None,
    s3_target_percent: int = 100,
    s4_target_percent: int = 20,
    new_hire_grace_days: int = 0,
    at_risk_time_percent: int = 20,
    min_months: int = 12,
    max_months: int = 36,
) -> Edition:
    """Build an edition from the flat switches of a ``RuleEdition`` row and the approved equivalents.

    ``mhfa_equivalents`` are approved course codes that stand in for MHFA-PS (e.g. ``MHFA-ADULT``) and so
    expire and renew like MHFA; ``cit_equivalents`` stand in for CIT-40.
    """
    mhfa = frozenset({MHFA_PS, *mhfa_equivalents})
    cit = frozenset({CIT_40, CRIT_40, *cit_equivalents})
    # CIT-911 is the call-taker/dispatcher CIT course: it qualifies designated non-sworn staff, not officers.
    cit_for_designated = cit | {CIT_911}
    s3 = mhfa | cit if s3_accepts_cit else mhfa
    s3_designated = mhfa | cit_for_designated if s3_accepts_cit else mhfa
    elements = tuple(POLICY_ELEMENTS)
    return Edition(
        code=code,
        s3_accepts=s3,
        s4_accepts=cit,
        s3_designated_accepts=s3_designated,
        s4_designated_accepts=cit_for_designated,
        s3_designated_scopes=(
            frozenset({DESIGNATED_MHFA, DESIGNATED_CIT}) if s3_accepts_cit else frozenset({DESIGNATED_MHFA})
        ),
        s4_designated_scopes=frozenset({DESIGNATED_CIT}) if s4_counts_designated else frozenset(),
        mhfa_codes=mhfa,
        recert_codes=frozenset({MHFA_RECERT}),
        partner_kinds=HEALTH_PARTNER_KINDS if partner_scope == "health" else MENTAL_HEALTH_PARTNER_KINDS,
        required_policy_elements=elements + (IDD_SCOPE_ELEMENT,) if policy_covers_idd else elements,
        s3_label="MHFA or CIT" if s3_accepts_cit else "MHFA",
        partner_label=(
            "a community health organization" if partner_scope == "health" else "a community mental health organization"
        ),
        mhfa_valid_months=mhfa_valid_months,
        cit_valid_months=cit_valid_months,
        s3_target_percent=s3_target_percent,
        s4_target_percent=s4_target_percent,
        new_hire_grace_days=new_hire_grace_days,
        at_risk_time_percent=at_risk_time_percent,
        min_months=min_months,
        max_months=max_months,
    )


def edition_2016(*, mhfa_equivalents: Iterable[str] = (), cit_equivalents: Iterable[str] = ()) -> Edition:
    """The original wording: MHFA for Public Safety for all, CIT for 20% incl. designated non-sworn."""
    return make_edition("2016", mhfa_equivalents=mhfa_equivalents, cit_equivalents=cit_equivalents)


def edition_2019(*, mhfa_equivalents: Iterable[str] = (), cit_equivalents: Iterable[str] = ()) -> Edition:
    """Current IACP wording: health partners, IDD in policy scope, S3 met by MHFA or CIT, S4 sworn only."""
    return make_edition(
        "2019",
        partner_scope="health",
        policy_covers_idd=True,
        s3_accepts_cit=True,
        s4_counts_designated=False,
        mhfa_equivalents=mhfa_equivalents,
        cit_equivalents=cit_equivalents,
    )


def pledge_months_allowed(months: int, edition: Edition) -> bool:
    return edition.min_months <= months <= edition.max_months
