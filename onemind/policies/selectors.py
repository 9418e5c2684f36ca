"""Reads of policies: the engine's strategy-2 inputs for many agencies."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django_scopes import scopes_disabled

from onemind import engine
from onemind.policies.models import PolicyElement, PolicyVersion


def engine_policies(agency_ids: list[int], on: dt.date) -> dict[int, tuple[engine.Policy, ...]]:
    """Every adopted policy version of the given agencies as the engine's input, in two queries.

    An element counts only when marked covered *with* a page or section (RULES.md). ``on`` is accepted for
    symmetry; the engine picks the version in force on D itself.
    """
    del on
    ids = list(agency_ids)
    covered: dict[int, set[str]] = defaultdict(set)
    with scopes_disabled():
        for version_id, element in (
            PolicyElement.objects.filter(agency_id__in=ids, coverage=PolicyElement.Coverage.COVERED)
            .exclude(section="")
            .values_list("version_id", "element")
        ):
            covered[version_id].add(element)
        found: dict[int, list[engine.Policy]] = defaultdict(list)
        for pk, agency_id, title, version, adopted, effective, file in (
            PolicyVersion.objects.filter(agency_id__in=ids)
            .order_by("agency_id", "effective_on", "pk")
            .values_list("pk", "agency_id", "document__title", "version", "adopted_on", "effective_on", "file")
        ):
            found[agency_id].append(
                engine.Policy(
                    title=f"{title} ({version})",
                    adopted_on=adopted,
                    effective_on=effective,
                    has_document=bool(file),
                    elements_covered=frozenset(covered.get(pk, ())),
                )
            )
    return {agency_id: tuple(items) for agency_id, items in found.items()}
