"""Faults a test asks the Zalo emulator for, keyed by recipient ("user:<id>", "group:<id>") or
"oauth": Zalo's error envelopes (quota, rate), 5xx answers, late answers
(:mod:`emulators.fault_plan`)."""

from __future__ import annotations

from emulators.fault_plan import FaultPlan as _FaultPlan
from emulators.fault_plan import ServerFault

from .errors import ZaloError

FaultPlan = _FaultPlan[ZaloError]

__all__ = ["FaultPlan", "ServerFault"]
