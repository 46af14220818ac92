"""Faults a test asks the Zalo Bot emulator for, keyed by chat id or method name
(``getUpdates``): error envelopes, 5xx answers, late answers (:mod:`emulators.fault_plan`)."""

from __future__ import annotations

from emulators.fault_plan import FaultPlan as _FaultPlan
from emulators.fault_plan import ServerFault

from .errors import BotApiError

FaultPlan = _FaultPlan[BotApiError]

__all__ = ["FaultPlan", "ServerFault"]
