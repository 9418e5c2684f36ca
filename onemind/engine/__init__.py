"""The One Mind compliance engine (RULES.md): pure Python, no Django, no database.

On date D, under the rule edition a pledge was made under, is each of the four strategies met, and if not,
exactly what is missing? The Django side (``onemind.compliance.loader``) reads rows into the frozen inputs of
``records`` and renders the frozen ``results``; everything in between lives here:

| module | what it holds |
|---|---|
| ``records`` | the inputs: people, exemptions, trainings, agreements, policies, the pledge |
| ``rules`` | rule editions: every number the engine uses is a field of one |
| ``people`` | who is in scope on a date; whose certificate is current on it |
| ``documents`` | strategies 1 and 2: the partnership agreement and the policy |
| ``schedule`` | deadline, pace and projection |
| ``judge`` | ``evaluate``: one date, with the named people behind every gap |
| ``sweep`` | ``evaluate_dates``: the same figures at many dates in one pass; ``standings_on_dates`` |
| ``results`` | the outputs a page, report or API renders as they are |
"""

from onemind.engine.documents import partnership_problems, partnership_result, policy_result
from onemind.engine.judge import coverage_by, evaluate, evaluate_many
from onemind.engine.people import (
    Certificate,
    Courses,
    History,
    Scope,
    SwornChange,
    certificate_from_history,
    certificate_on,
    certification_expiry,
    compile_courses,
    histories_on,
    scope_on,
    sworn_on,
)
from onemind.engine.records import (
    AgencyRecords,
    Exemption,
    Partnership,
    Person,
    PersonId,
    Pledge,
    Policy,
    Training,
    add_months,
    ceil_percent,
    deadline_of,
)
from onemind.engine.results import (
    CIT,
    MHFA,
    PARTNERSHIP,
    POLICY,
    AgencyResult,
    Due,
    Expiring,
    Figure,
    GroupCoverage,
    MissingItem,
    Numbers,
    Standing,
    State,
    Status,
    StrategyResult,
    standing_of,
)
from onemind.engine.rules import Edition, edition_2016, edition_2019, make_edition, pledge_months_allowed
from onemind.engine.schedule import Projection, people_per_month_needed, project
from onemind.engine.sweep import evaluate_dates, standings_on_dates

__all__ = [
    "CIT",
    "MHFA",
    "PARTNERSHIP",
    "POLICY",
    "AgencyRecords",
    "AgencyResult",
    "Certificate",
    "Courses",
    "Due",
    "Edition",
    "Exemption",
    "Expiring",
    "Figure",
    "GroupCoverage",
    "History",
    "MissingItem",
    "Numbers",
    "Partnership",
    "Person",
    "PersonId",
    "Pledge",
    "Policy",
    "Projection",
    "Scope",
    "Standing",
    "State",
    "Status",
    "StrategyResult",
    "SwornChange",
    "Training",
    "add_months",
    "ceil_percent",
    "certificate_from_history",
    "certificate_on",
    "certification_expiry",
    "compile_courses",
    "coverage_by",
    "deadline_of",
    "edition_2016",
    "edition_2019",
    "evaluate",
    "evaluate_dates",
    "evaluate_many",
    "histories_on",
    "make_edition",
    "partnership_problems",
    "partnership_result",
    "people_per_month_needed",
    "pledge_months_allowed",
    "policy_result",
    "project",
    "scope_on",
    "standing_of",
    "standings_on_dates",
    "sworn_on",
]
