"""E-mail backends that fail on purpose: a mail server that is down, and a worker killed while sending."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class WorkerKilled(BaseException):
    """Like SIGKILL for our purposes: nothing in the sender catches a BaseException."""


class Faults:
    down = False  # every send fails with an SMTP error
    kill_at: int | None = None  # the n-th send (1-based) kills the worker before the server accepts it
    sends = 0

    @classmethod
    def reset(cls) -> None:
        cls.down, cls.kill_at, cls.sends = False, None, 0


class FaultyBackend(LocmemBackend):
    def send_messages(self, messages: Sequence[Any]) -> int:
        Faults.sends += 1
        if Faults.down:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if Faults.kill_at is not None and Faults.sends == Faults.kill_at:
            raise WorkerKilled()
        return super().send_messages(messages)


__all__ = ["FaultyBackend", "Faults", "WorkerKilled", "mail"]
