"""Signals of the framework-light layer that apps above it may answer (lib imports no app)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `onemind worker` before it takes its first task: apps mark work a killed worker left running.
worker_starting = Signal()
