# The words the agency head agrees to. Stored verbatim on every pledge, so later edits here never change a pledge.
CONSENT_TEXT = (
    "On behalf of {agency}, I pledge that within {months} months of today the agency will implement the four "
    "One Mind Campaign strategies: establish a clearly defined and sustainable partnership with one or more "
    "community {partner_kind} organizations; develop and implement a model policy addressing police response "
    "to persons affected by mental illness; train and certify 100% of sworn officers (and selected non-sworn "
    "staff) in Mental Health First Aid for Public Safety or an approved equivalent; and provide Crisis "
    "Intervention Team training to at least 20% of sworn officers (and selected non-sworn staff). I am "
    "authorized to make this commitment, and I agree that typing my name below is my electronic signature."
)


def consent_text_for(*, agency_name: str, months: int, partner_scope: str) -> str:
    partner_kind = "health" if partner_scope == "health" else "mental health"
    return CONSENT_TEXT.format(agency=agency_name, months=months, partner_kind=partner_kind)
