"""What the course services announce, always after the transaction commits.

registration_changed: kwargs ``registration`` and ``change`` ("confirmed", "waitlisted", "promoted", "cancelled").
session_cancelled: kwargs ``session`` and ``registrations`` (the registrations that were active, now cancelled).
session_changed: kwargs ``session``, ``registrations`` (the active ones), ``changes`` (a dict of what registrants
read about the session, "when" and/or "where", each an ``(old, new)`` pair of labels) and ``change_id`` (unique
per edit: the audit entry's id, so a repeated signal is recognised as the same edit).

The notifications app turns each of these into e-mail and in-app notices, honouring preferences; the courses app
sends no e-mail itself.
"""

from __future__ import annotations

import django.dispatch

registration_changed = django.dispatch.Signal()
session_cancelled = django.dispatch.Signal()
session_changed = django.dispatch.Signal()
