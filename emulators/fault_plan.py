"""Faults a test asks an emulator for, keyed by what they hit (a recipient, a chat, a method):
the next calls refused with the platform's error envelope, answered with a 5xx (the API's own
JSON or an HTML page from the web server in front of it), or carried out and answered late (the
client gives up first). Shared by the Zalo OA and Zalo Bot emulators; ``E`` is the platform's
error type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

E = TypeVar("E")
T = TypeVar("T")


@dataclass
class ServerFault:
    status: int
    html: bool


@dataclass
class FaultPlan(Generic[E]):
    errors: dict[str, list[E]] = field(default_factory=dict)
    server_errors: dict[str, list[ServerFault]] = field(default_factory=dict)
    delays: dict[str, list[float]] = field(default_factory=dict)

    def add_error(self, target: str, error: E, times: int) -> None:
        self.errors.setdefault(target, []).extend([error] * times)

    def add_server_error(self, target: str, status: int, html: bool) -> None:
        self.server_errors.setdefault(target, []).append(ServerFault(status, html))

    def add_delay(self, target: str, seconds: float) -> None:
        self.delays.setdefault(target, []).append(seconds)

    def take_error(self, target: str) -> E | None:
        return _take(self.errors, target)

    def take_server_error(self, target: str) -> ServerFault | None:
        return _take(self.server_errors, target)

    def take_delay(self, target: str) -> float:
        return _take(self.delays, target) or 0.0


def _take(plan: dict[str, list[T]], target: str) -> T | None:
    queued = plan.get(target)
    if not queued:
        return None
    return queued.pop(0)
