"""Faults a test asks the Zalo Bot emulator for: the next calls for a chat (or a method) refused
with an error envelope, answered with a 5xx (the API's JSON or an HTML page from the web server
in front of it), or carried out and answered late (the client gives up first)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from .errors import BotApiError

T = TypeVar("T")


@dataclass
class ServerFault:
    status: int
    html: bool


@dataclass
class FaultPlan:
    """Faults keyed by what they hit: a chat id, or a method name (``getUpdates``)."""

    errors: dict[str, list[BotApiError]] = field(default_factory=dict)
    server_errors: dict[str, list[ServerFault]] = field(default_factory=dict)
    delays: dict[str, list[float]] = field(default_factory=dict)

    def add_error(self, target: str, error: BotApiError, times: int) -> None:
        self.errors.setdefault(target, []).extend([error] * times)

    def add_server_error(self, target: str, status: int, html: bool) -> None:
        self.server_errors.setdefault(target, []).append(ServerFault(status, html))

    def add_delay(self, target: str, seconds: float) -> None:
        self.delays.setdefault(target, []).append(seconds)

    def take_error(self, target: str) -> BotApiError | None:
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
