"""The words the agency head agrees to, built from the edition's own numbers and wording.

Stored verbatim on every pledge, so later edits here (or to an edition) never change a signed pledge.
"""

from __future__ import annotations

from typing import Any

CONSENT_TEXT = (
    "On behalf of {agency}, I pledge that within {months} months of the pledge date the agency will implement the "
    "four One Mind Campaign strategies: establish a clearly defined and sustainable partnership with one or more "
    "community {partner_kind} organizations; develop and implement a model policy addressing police response "
    "to persons affected by mental illness{idd}; train and certify {s3} of sworn officers (and selected non-sworn "
    "staff) in {s3_course}; and provide Crisis Intervention Team training to at least {s4}% of sworn "
    "officers{s4_designated}. I am authorized to make this commitment, and I agree that typing my name below is my "
    "electronic signature."
)


def consent_text_for(*, agency_name: str, months: int, edition: Any) -> str:
    """The pledge text under ``edition`` (a RuleEdition): a 25% edition reads 25%."""
    s3 = "all" if edition.s3_target_percent == 100 else f"{edition.s3_target_percent}%"
    s3_course = (
        "either Crisis Intervention Team training or Mental Health First Aid for Public Safety, or an approved "
        "equivalent"
        if edition.s3_accepts_cit
        else "Mental Health First Aid for Public Safety or an approved equivalent"
    )
    return CONSENT_TEXT.format(
        agency=agency_name,
        months=months,
        partner_kind="health" if edition.partner_scope == "health" else "mental health",
        idd=" or with intellectual and developmental disabilities" if edition.policy_covers_idd else "",
        s3=s3,
        s3_course=s3_course,
        s4=edition.s4_target_percent,
        s4_designated=" (and selected non-sworn staff)" if edition.s4_counts_designated else "",
    )
