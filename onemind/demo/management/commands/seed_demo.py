from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onemind.campaign.models import FiguresRefresh
from onemind.campaign.standings import seed_campaign_figures
from onemind.courses.demo import seed_courses
from onemind.demo.seed import DEMO_PASSWORD, demo_logins, seed_demo
from onemind.notifications.demo import seed_notifications


class Command(BaseCommand):
    help = "Create the demo campaign (generated agencies, pledges at every stage, one login per role). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo()
        seed_courses()
        if not FiguresRefresh.objects.exists():
            # A year of month-end figures so the campaign dashboard opens populated; the worker refreshes nightly.
            seed_campaign_figures(months=12, schedule=True)
        seed_notifications()
        logins = demo_logins()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.role:<26} {login.email:<36} {login.agency}")
