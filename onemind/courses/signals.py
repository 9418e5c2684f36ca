"""What the course services announce, always after the transaction commits.

registration_changed: kwargs ``registration`` and ``change`` ("confirmed", "waitlisted", "promoted", "cancelled").
session_cancelled: kwargs ``session`` and ``registrations`` (the registrations that were active, now cancelled).
"""

from __future__ import annotations

import django.dispatch

registration_changed = django.dispatch.Signal()
session_cancelled = django.dispatch.Signal()
