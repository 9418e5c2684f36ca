"""Every number the rules use is read from the agency's rule edition; each figure has one definition."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from onemind.compliance.engine import MHFA
from onemind.compliance.loader import load_agency, load_many
from onemind.compliance.pdf import render_progress_pdf
from onemind.compliance.selectors import agency_dashboard, untrained_hires
from onemind.notifications.planner import _people_reminders, agency_infos
from onemind.pledges.models import Pledge, RuleEdition
from onemind.tenancy.changes import agencies_changed
from tests.compliance.test_loader import add_person, add_training, staff_roster
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
TODAY = NOW.date()


def _edition_of(cast: Cast) -> RuleEdition:
    with scopes_disabled():
        return Pledge.objects.get(pk=cast.pledge.pk).edition


def _set_targets(edition: RuleEdition, *, s3: int, s4: int, months: tuple[int, int]) -> None:
    edition.s3_target_percent, edition.s4_target_percent = s3, s4
    edition.min_months, edition.max_months = months
    edition.is_default = True
    edition.save()
    RuleEdition.objects.exclude(pk=edition.pk).update(is_default=False)
    agencies_changed()


@time_machine.travel(NOW, tick=False)
def test_a_25_percent_edition_reads_25_percent_everywhere(cast: Cast, settings: Any) -> None:
    settings.REQUIRE_TWO_FACTOR = False
    staff_roster(cast.agency, 9, mhfa=8, cit=1)
    _set_targets(_edition_of(cast), s3=90, s4=25, months=(18, 30))
    viewer = cast.client_for("viewer")
    dashboard = viewer.get(reverse("compliance:dashboard", args=[cast.agency.slug])).content.decode()
    overview = viewer.get(reverse("tenancy:overview", args=[cast.agency.slug])).content.decode()
    landing = cast.client_for("anonymous").get(reverse("public:landing")).content.decode()
    with scopes_disabled():
        board = agency_dashboard(cast.agency, TODAY, today=TODAY, show_names=True)
    pdf = render_progress_pdf(board, generated=NOW, compress=False).decode("latin-1")
    ticks = 'text-anchor="end">20%</text>'  # the chart's 0–100% axis has a tick at 20%
    for page in (dashboard.replace(ticks, ""), overview, landing):
        assert "25%" in page and "20%" not in page
    assert "CIT target 25%" in dashboard and "at least 25% of sworn officers" in dashboard
    assert "at least 90% of sworn officers" in dashboard and "(target 90%)" in dashboard
    assert "within 18 to 30 months" in landing and "12 to 36" not in landing
    assert "90%" in overview and "100%" not in overview
    assert "25%" in pdf and "20%" not in pdf and "100%" not in pdf
    assert board.result.strategy(4).target == 3  # ceil(25% of 9)


@time_machine.travel(NOW, tick=False)
def test_the_strategy_3_card_and_the_lists_below_are_one_computation(cast: Cast) -> None:
    lapsing = [add_person(cast.agency, f"Lapsing{i}") for i in range(3)]
    lapsed = [add_person(cast.agency, f"Lapsed{i}") for i in range(2)]
    exempt = add_person(cast.agency, "Exempt")
    civilian = add_person(cast.agency, "Civilian", sworn=False)  # not designated: in no figure
    for person in lapsing:
        add_training(person, "MHFA-PS", dt.date(2023, 7, 1))  # expires 2026-07-01
    for person in [*lapsed, civilian, exempt]:
        add_training(person, "MHFA-PS", dt.date(2023, 3, 1))  # expired 2026-03-01
    with scopes_disabled():
        from onemind.roster.models import Exemption

        Exemption.objects.create(
            agency=cast.agency,
            person=exempt,
            reason="military",
            start=TODAY,
            end=dt.date(2026, 9, 1),
            approved_by=cast.admin,
        )
        board = agency_dashboard(cast.agency, TODAY, today=TODAY, show_names=True)
    panel = next(p for p in board.panels if p.number == MHFA)
    cards = {group.label: group.count for group in panel.groups}
    assert board.expiring.count == cards[board.expiring.label] == len(panel.result.expiring) == 3
    assert board.expired.count == cards[board.expired.label] == 2
    assert f"{board.expiring.count} certificates expire in the next 90 days." in panel.left


@time_machine.travel(NOW, tick=False)
def test_the_weekly_digest_counts_the_dashboards_untrained_hires(cast: Cast) -> None:
    add_person(cast.agency, "Recent", hired=dt.date(2026, 1, 5))
    add_person(cast.agency, "Longago", hired=dt.date(2010, 1, 5))  # untrained for years: not a new hire
    trained = add_person(cast.agency, "Trained", hired=dt.date(2026, 2, 1))
    add_training(trained, "CIT-40", dt.date(2026, 3, 1))
    add_person(cast.agency, "Civilian", hired=dt.date(2026, 2, 1), sworn=False)
    with scopes_disabled():
        board = agency_dashboard(cast.agency, TODAY, today=TODAY, show_names=True)
        data = load_agency(cast.agency)
        infos = agency_infos(NOW, [cast.agency.pk])
        summary: dict[int, dict[str, Any]] = {cast.agency.pk: {"expiring": 0, "lapsed": 0, "untrained": 0}}
        _people_reminders(infos, summary)
        assert list(load_many(infos, TODAY))
    assert [line.name for line in board.untrained_hires.people] == ["Recent, Sam"]
    assert summary[cast.agency.pk]["untrained"] == board.untrained_hires.count == 1
    assert len(untrained_hires(data.records_on(TODAY), TODAY, data.edition)) == 1
    assert re.search(r"hired in the last 365 days", board.untrained_hires.label)
