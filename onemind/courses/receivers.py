"""E-mail confirmations for registrations, connected in CoursesConfig.ready."""

from __future__ import annotations

from typing import Any

from onemind.courses import emails
from onemind.courses.signals import registration_changed, session_cancelled


def on_registration_changed(sender: Any, registration: Any, change: str, **kwargs: Any) -> None:
    emails.send_registration_email(registration, change)


def on_session_cancelled(sender: Any, session: Any, registrations: list[Any], **kwargs: Any) -> None:
    emails.send_session_cancelled_email(session, registrations)


def connect() -> None:
    registration_changed.connect(on_registration_changed, dispatch_uid="courses.registration_email")
    session_cancelled.connect(on_session_cancelled, dispatch_uid="courses.session_cancelled_email")
