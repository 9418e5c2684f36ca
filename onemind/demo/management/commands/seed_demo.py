from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onemind.demo.seed import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo campaign (generated agencies, pledges at every stage, one login per role). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = seed_demo()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.role:<24} {login.email:<36} {login.agency}")
