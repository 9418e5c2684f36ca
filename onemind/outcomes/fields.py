"""The monthly crisis-response figures an agency reports, each with the definition shown beside it.

Pure standard library: the model, the form, the file import, the aggregator, the trend page and the exports all
read this one table, so a figure means the same thing everywhere. Every figure is a count for one calendar month;
no figure is ever about a person.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutcomeField:
    name: str
    label: str
    definition: str
    group: str
    # Figures that count calls (and so cannot exceed the month's mental-health calls).
    per_call: bool = True


CALLS = "Calls and CIT response"
DISPOSITIONS = "Dispositions"
FORCE = "Use of force and injuries"
OTHER = "Other responses"
GROUPS = (CALLS, DISPOSITIONS, FORCE, OTHER)

FBI_DEFINITION = (
    "The FBI National Use-of-Force Data Collection counts a use of force by an officer that results in the death "
    "of a person, in serious bodily injury of a person (a substantial risk of death, unconsciousness, protracted "
    "and obvious disfigurement, or protracted loss or impairment of a bodily member, organ or mental faculty), or "
    "the discharge of a firearm at or in the direction of a person."
)

FIELDS: tuple[OutcomeField, ...] = (
    OutcomeField(
        "mh_calls",
        "Mental-health-related calls",
        "Calls for service the agency identified as involving a person with a mental illness or in a behavioural or "
        "emotional crisis (by call type, final call type or a crisis report), each call counted once.",
        CALLS,
        per_call=False,
    ),
    OutcomeField(
        "cit_requested",
        "CIT officer requested",
        "Of those calls, the calls on which a CIT-trained officer was requested by the caller, the dispatcher or an "
        "officer on scene.",
        CALLS,
    ),
    OutcomeField(
        "cit_dispatched",
        "CIT officer dispatched",
        "Of those calls, the calls a CIT-trained officer was sent to.",
        CALLS,
    ),
    OutcomeField(
        "cit_arrived",
        "CIT officer arrived",
        "Of those calls, the calls on which a CIT-trained officer was on scene (dispatched or not).",
        CALLS,
    ),
    OutcomeField(
        "resolved_on_scene",
        "Resolved on scene",
        "Calls closed on scene with no transport, referral, evaluation or arrest (e.g. de-escalated, no action "
        "needed).",
        DISPOSITIONS,
    ),
    OutcomeField(
        "referred",
        "Referred to services",
        "Calls closed with a referral to a mental-health, substance-use or social service, without transport.",
        DISPOSITIONS,
    ),
    OutcomeField(
        "transported_voluntary",
        "Transported voluntarily",
        "Calls on which the person went voluntarily to a hospital, crisis centre or other treatment facility.",
        DISPOSITIONS,
    ),
    OutcomeField(
        "involuntary_evaluation",
        "Involuntary evaluation",
        "Calls ending in an emergency detention or involuntary evaluation under the state's emergency-evaluation law.",
        DISPOSITIONS,
    ),
    OutcomeField("arrest", "Arrest", "Calls on which the person in crisis was arrested or cited.", DISPOSITIONS),
    OutcomeField(
        "disposition_other",
        "Other disposition",
        "Calls closed any other way (e.g. gone on arrival, unable to locate, handled by another agency).",
        DISPOSITIONS,
    ),
    OutcomeField(
        "force_fbi",
        "Use of force (FBI definition)",
        "Calls with a use of force meeting the FBI National Use-of-Force Data Collection definition. " + FBI_DEFINITION,
        FORCE,
    ),
    OutcomeField(
        "force_any",
        "Any reportable use of force",
        "Calls with any use of force reportable under the agency's own policy (wider than the FBI definition).",
        FORCE,
    ),
    OutcomeField(
        "officer_injuries",
        "Officers injured",
        "Officers injured on these calls (a count of officers).",
        FORCE,
        per_call=False,
    ),
    OutcomeField(
        "subject_injuries",
        "Subjects injured",
        "People in crisis injured on these calls (a count of people, never who they are).",
        FORCE,
        per_call=False,
    ),
    OutcomeField(
        "swat_callouts",
        "SWAT or tactical callouts",
        "Mental-health-related calls to which a SWAT or tactical team was called out (e.g. a barricaded or "
        "suicidal subject).",
        OTHER,
    ),
    OutcomeField(
        "crisis_line_transfers",
        "988 or crisis-line transfers",
        "Calls transferred to 988 or a local crisis line, or received from one.",
        OTHER,
    ),
    OutcomeField(
        "co_responder",
        "Co-responder or mobile crisis involved",
        "Calls on which a co-responder clinician or a mobile crisis team took part.",
        OTHER,
    ),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
BY_NAME: dict[str, OutcomeField] = {f.name: f for f in FIELDS}
DISPOSITION_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.group == DISPOSITIONS)
MAX_COUNT = 10_000_000


def grouped() -> list[tuple[str, list[OutcomeField]]]:
    return [(group, [f for f in FIELDS if f.group == group]) for group in GROUPS]


def problems(values: dict[str, int | None]) -> dict[str, str]:
    """Per-field reasons a month's figures cannot be right (UI, file import and aggregator all run this)."""
    found: dict[str, str] = {}
    for name, value in values.items():
        if value is not None and not 0 <= value <= MAX_COUNT:
            found[name] = f"Enter a whole number from 0 to {MAX_COUNT:,}."
    calls = values.get("mh_calls")
    if calls is not None and "mh_calls" not in found:
        for f in FIELDS:
            value = values.get(f.name)
            if f.per_call and value is not None and f.name not in found and value > calls:
                found[f.name] = f"{f.label} ({value}) cannot exceed the month's mental-health calls ({calls})."
    fbi, wide = values.get("force_fbi"), values.get("force_any")
    if fbi is not None and wide is not None and fbi > wide and "force_fbi" not in found:
        found["force_fbi"] = "Uses of force meeting the FBI definition cannot exceed all reportable uses of force."
    return found
