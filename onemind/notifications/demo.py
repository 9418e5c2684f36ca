"""Demo data: plan the reminders the demo campaign has due today; the demo's worker then delivers them."""

from __future__ import annotations

from onemind.notifications.planner import plan_reminders


def seed_notifications() -> int:
    return plan_reminders()
