"""The running of a platform emulator over real HTTP on 127.0.0.1, the part every emulator but
Telegram's has alike (the Zalo OA, the Zalo Bot, the SMS gateway phone, eSMS): start on a port
(the system's pick by default), stop, say its ``base_url``, and answer each request so that no
test ever hangs on it.

A subclass answers in :meth:`HttpEmulator._answer`. A platform's refusal raised anywhere in it is
a :class:`Refusal`, answered as the platform answers it; anything else raised is a bug of the
emulator: recorded in ``internal_errors`` (tests assert it stays empty) and answered with the
subclass's 5xx (:meth:`HttpEmulator._bug_answer`). Every answer, and stopping, fires ``_changed``
so that a test waiting on the emulator's state (``wait_until_sent``) looks again.
"""

from __future__ import annotations

from emulators.telegram.http import HttpRequest, HttpResponse, HttpServer
from emulators.telegram.waiting import Signal


class Refusal(Exception):
    """A refusal in the platform's own words: what the API answers when it will not do it."""

    def answer(self) -> HttpResponse:
        raise NotImplementedError


class HttpEmulator:
    def __init__(self) -> None:
        self.internal_errors: list[str] = []  # "METHOD /path: the exception", one per bug met
        self._changed = Signal()
        self._server = HttpServer(self._handle)

    async def start(self, port: int = 0) -> None:
        await self._server.start(port)

    async def stop(self) -> None:
        self._changed.notify()  # a test still waiting gives up now rather than at its timeout
        await self._server.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    async def _answer(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError

    def _bug_answer(self) -> HttpResponse:
        """The 5xx the platform would give for an error of its own."""
        raise NotImplementedError

    async def _handle(self, request: HttpRequest) -> HttpResponse:
        try:
            return await self._answer(request)
        except Refusal as refusal:
            return refusal.answer()
        except Exception as error:  # a bug of the emulator: answered, and the test fails
            self.internal_errors.append(f"{request.method} {request.path}: {error!r}")
            return self._bug_answer()
        finally:
            self._changed.notify()
