"""Faults a test asks an emulator for, keyed by what they hit (a recipient, a chat, a method):
the next calls refused with the platform's error envelope, answered with a 5xx (the API's own
JSON or an HTML page from the web server in front of it), or carried out and answered late (the
client gives up first). Shared by the Zalo OA and Zalo Bot emulators; ``E`` is the platform's
error type.

:class:`FaultPlan` is what is queued; :class:`FaultInjection` is the emulator's side of it, the
same for both: the ``inject_*`` methods a test calls, and the taking of a queued 5xx or late
answer while a request is answered. Only the platform's words differ (its error type, its JSON
5xx), given by the emulator."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from emulators.telegram.http import HttpResponse
from emulators.telegram.waiting import Signal

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


# What the web server in front of an API answers when the API behind it is down.
BAD_GATEWAY_PAGE = b"<html><body>502 Bad Gateway</body></html>"


class FaultInjection(Generic[E]):
    """Mixed into an :class:`emulators.http_emulator.HttpEmulator` (its ``_changed``) that keeps
    its faults in ``faults``."""

    faults: FaultPlan[E]
    _changed: Signal

    def _fault_error(self, code: int, message: str) -> E:
        """The platform's refusal with this code and these words."""
        raise NotImplementedError

    def _server_error_answer(self, status: int) -> HttpResponse:
        """The API's own JSON answer for an error of its own, with this HTTP status."""
        raise NotImplementedError

    def inject_error(self, target: str, code: int, message: str, *, times: int = 1) -> None:
        """The next ``times`` calls for ``target`` are refused with this envelope (what a
        target is, the emulator says: a recipient, a chat, a method, a path)."""
        self.faults.add_error(target, self._fault_error(code, message), times)

    def inject_server_error(self, target: str, *, status: int = 502, html: bool = False) -> None:
        """The next call for ``target`` is answered ``status``: the API's JSON, or with ``html``
        the page of the web server in front of it."""
        self.faults.add_server_error(target, status, html)

    def inject_delay(self, target: str, seconds: float) -> None:
        """The next call for ``target`` is carried out, then answered ``seconds`` late."""
        self.faults.add_delay(target, seconds)

    def _server_fault(self, target: str) -> HttpResponse | None:
        """The 5xx queued for ``target``, taken; None when there is none."""
        fault = self.faults.take_server_error(target)
        if fault is None:
            return None
        if fault.html:
            return HttpResponse(fault.status, BAD_GATEWAY_PAGE, "text/html")
        return self._server_error_answer(fault.status)

    async def _answer_late(self, target: str) -> None:
        """Wait out the late answer queued for ``target``, if any: what was asked is done
        already, and a test waiting for it sees it before the client gives up."""
        delay = self.faults.take_delay(target)
        if delay:
            self._changed.notify()
            await asyncio.sleep(delay)
