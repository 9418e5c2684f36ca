"""Which calendar day it is for an agency: its own time zone decides when a reminder falls due."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

# The zone most of each state's population lives in; an agency in a split state sets its own zone.
_STATE_ZONES = {
    "America/Chicago": "AL AR IA IL KS LA MN MO MS ND NE OK SD TN TX WI",
    "America/Denver": "CO MT NM UT WY",
    "America/Boise": "ID",
    "America/Phoenix": "AZ",
    "America/Los_Angeles": "CA NV OR WA",
    "America/Anchorage": "AK",
    "Pacific/Honolulu": "HI",
    "America/Puerto_Rico": "PR VI",
    "Pacific/Guam": "GU MP",
    "Pacific/Pago_Pago": "AS",
}
STATE_ZONE = {state: zone for zone, states in _STATE_ZONES.items() for state in states.split()}


def zone_name(state: str, explicit: str = "") -> str:
    """The agency's explicit zone, else its state's, else the site's (eastern states and unknowns)."""
    return explicit or STATE_ZONE.get(state.upper(), "") or settings.TIME_ZONE


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def local_today(now: dt.datetime, name: str) -> dt.date:
    """The calendar day ``now`` (an aware datetime) falls on in zone ``name``."""
    return now.astimezone(zone(name)).date()


def is_valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
