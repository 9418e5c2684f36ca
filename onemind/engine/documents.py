"""Strategies 1 and 2: the partnership agreement and the policy (RULES.md, "Partnership/Policy met on D")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from onemind.engine.records import Partnership, Policy
from onemind.engine.results import PARTNERSHIP, POLICY, MissingItem, State, StrategyResult
from onemind.engine.rules import POLICY_ELEMENT_LABELS, Edition


def partnership_problems(partnership: Partnership, on: date, edition: Edition) -> tuple[str, ...]:
    """Why an agreement does not satisfy strategy 1 on ``on``; empty when it does.

    ``ends_on`` is the agreement's last day in force, so an agreement ending on D still counts on D.
    """
    p = partnership
    problems = []
    if p.partner_kind not in edition.partner_kinds:
        problems.append(f"partner kind '{p.partner_kind}' is not accepted under edition {edition.code}")
    if p.effective_on > on:
        problems.append(f"not in effect until {p.effective_on}")
    if p.ends_on is not None and p.ends_on < on:
        problems.append(f"agreement ended on {p.ends_on}")
    if not p.signed_by_agency:
        problems.append("not signed by the agency")
    if not p.signed_by_partner:
        problems.append("not signed by the partner")
    if not p.agency_liaison.strip():
        problems.append("no agency liaison named")
    if not p.partner_liaison.strip():
        problems.append("no partner liaison named")
    if not p.has_document:
        problems.append("agreement document not on file")
    if p.disputed:
        problems.append("the partner disputes the agreement")
    return tuple(problems)


def partnership_result(partnerships: Sequence[Partnership], on: date, edition: Edition) -> StrategyResult:
    # Agreements not yet in effect on D are left out entirely: later paperwork must never change D's answer.
    known = [p for p in partnerships if p.effective_on <= on]
    # Sorted on the whole judgement so that two agreements with one partner list the same way every time.
    judged = sorted(
        ((p, partnership_problems(p, on, edition)) for p in known), key=lambda pp: (pp[0].partner_name, pp[1])
    )
    good = [p for p, problems in judged if not problems]
    if good:
        return StrategyResult(
            number=PARTNERSHIP,
            state=State.MET,
            numerator=len(good),
            denominator=len(known),
            target=1,
            explanation=f"Partnership with {good[0].partner_name} is in force.",
        )
    missing: tuple[MissingItem, ...]
    if not known:
        reason = f"no written agreement with {edition.partner_label} on record"
        missing = (MissingItem("partnership", "partnership agreement", reason),)
        explanation = f"No partnership yet: sign a written agreement with {edition.partner_label}."
    else:
        missing = tuple(MissingItem(p.partner_name, p.partner_name, "; ".join(problems)) for p, problems in judged)
        explanation = "No qualifying partnership: " + " ".join(f"{m.name}: {m.reason}." for m in missing)
    return StrategyResult(
        number=PARTNERSHIP,
        state=State.UNMET,
        numerator=0,
        denominator=len(known),
        target=1,
        explanation=explanation,
        missing=missing,
    )


def _policy_in_force(policies: Sequence[Policy], on: date, edition: Edition) -> Policy | None:
    """The policy governing ``on``: the latest one already effective, else the latest adopted one pending."""
    adopted = [p for p in policies if p.adopted_on <= on]
    if not adopted:
        return None
    effective = [p for p in adopted if p.effective_on <= on]
    if not effective:
        return max(adopted, key=lambda p: (p.adopted_on, p.effective_on, _tiebreak(p)))
    # A newer version supersedes an older one; among same-day versions, credit the most complete.
    return max(effective, key=lambda p: (p.effective_on, -len(_policy_gaps(p, on, edition)), _tiebreak(p)))


def _tiebreak(policy: Policy) -> tuple[date, str, bool, tuple[str, ...]]:
    """Fully orders look-alike versions, so the answer never depends on the order rows were loaded in."""
    return (policy.adopted_on, policy.title, policy.has_document, tuple(sorted(policy.elements_covered)))


def _policy_gaps(policy: Policy, on: date, edition: Edition) -> list[MissingItem]:
    gaps = []
    if policy.effective_on > on:
        gaps.append(MissingItem("effective_on", "effective date", f"policy takes effect on {policy.effective_on}"))
    if not policy.has_document:
        gaps.append(MissingItem("document", "policy document", "policy document not on file"))
    for element in edition.required_policy_elements:
        if element not in policy.elements_covered:
            label = POLICY_ELEMENT_LABELS.get(element, element)
            gaps.append(MissingItem(element, label, "not marked covered with a page/section"))
    return gaps


def policy_result(policies: Sequence[Policy], on: date, edition: Edition) -> StrategyResult:
    required = edition.required_policy_elements
    policy = _policy_in_force(policies, on, edition)
    if policy is None:
        return StrategyResult(
            number=POLICY,
            state=State.UNMET,
            numerator=0,
            denominator=len(required),
            target=len(required),
            explanation="No adopted policy yet: adopt one based on the IACP model policy.",
            missing=(MissingItem("policy", "policy", "no adopted policy on record"),),
        )
    covered = sum(1 for element in required if element in policy.elements_covered)
    gaps = _policy_gaps(policy, on, edition)
    if not gaps:
        explanation = f"Policy '{policy.title}' is in force and covers all {len(required)} required elements."
    else:
        explanation = f"Policy '{policy.title}': " + "; ".join(_gap_phrase(gaps)) + "."
    return StrategyResult(
        number=POLICY,
        state=State.UNMET if gaps else State.MET,
        numerator=covered,
        denominator=len(required),
        target=len(required),
        explanation=explanation,
        missing=tuple(gaps),
    )


def _gap_phrase(gaps: Sequence[MissingItem]) -> list[str]:
    phrases = [g.reason for g in gaps if g.ref in {"effective_on", "document"}]
    elements = [g.name for g in gaps if g.ref not in {"effective_on", "document"}]
    if elements:
        noun = "element" if len(elements) == 1 else "elements"
        phrases.append(f"missing {len(elements)} required {noun}: {', '.join(elements)}")
    return phrases
