"""The OA's access token, refreshed before it expires with Zalo's single-use refresh token.

Zalo's OAuth v4 (``POST <oauth_base_url>/v4/oa/access_token``, form ``app_id``,
``grant_type=refresh_token``, ``refresh_token``; header ``secret_key``: the app secret) answers a
refresh with a new access token (``expires_in`` seconds, 25 hours) and a new refresh token; the
one just used never works again. Losing the new one stops the channel until an OA admin grants
the app again, so:

* the refresh is made with the token row locked (``storage.zalo_tokens.locked_tokens``), and the
  new pair is committed as soon as the answer is read, before the new access token is used: a
  crash or restart after that finds it in the database; a second process waits at the lock and
  then uses the fresh access token instead of refreshing again;
* a refused refresh token (no ``access_token`` in the answer) stops the channel: one log line
  naming the environment variable to put a new token in, :attr:`TokenKeeper.stopped` for the
  wiring to tell admins, and every later call refused at once with :class:`ChannelStopped`,
  never a retry loop.

The one window nothing can close: a crash after Zalo answered and before the commit. Zalo has
then used the old token and the new one is lost; the next start is refused and says so.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from channels.zalo_oa.api import ZaloTransportError, envelope_of
from core.clock import Clock
from core.outbound import TransientFailure
from storage import zalo_tokens
from storage.db import Database

log = logging.getLogger(__name__)

ACCESS_TOKEN_PATH = "/v4/oa/access_token"
# Refresh this long before the access token expires (Zalo's last for 25 hours).
REFRESH_MARGIN = timedelta(minutes=30)


class ChannelStopped(TransientFailure):
    """The Zalo OA channel is stopped (its refresh token was refused): nothing was sent. A
    transient failure for the senders: after an admin puts a new token in and restarts, the
    same send succeeds."""


def fingerprint(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()


class TokenKeeper:
    def __init__(self, db: Database, http: httpx.AsyncClient, *, oauth_base_url: str,
                 app_id: str, app_secret: str, oa_id: str, first_refresh_token: str,
                 refresh_token_env: str, clock: Clock,
                 margin: timedelta = REFRESH_MARGIN) -> None:
        self._db = db
        self._http = http
        self._url = oauth_base_url.rstrip("/") + ACCESS_TOKEN_PATH
        self._app_id, self._app_secret, self._oa_id = app_id, app_secret, oa_id
        self._first = first_refresh_token
        self._env = refresh_token_env
        self._clock = clock
        self._margin = margin
        self._lock = asyncio.Lock()
        self._seeded = False
        self._access: tuple[str, datetime] | None = None
        self.stopped: str | None = None  # why, once Zalo refused the refresh token
        # Called once, with the reason, when the channel stops (the wiring tells admins).
        self.on_stopped: Callable[[str], None] | None = None

    async def access_token(self) -> str:
        """A token valid for at least the margin; refreshed (and stored) first when needed."""
        if self._fresh(self._access) and self.stopped is None:
            return self._access[0]  # type: ignore[index]
        async with self._lock:
            return await self._current(refused=None)

    async def renew(self, refused: str) -> str:
        """Zalo refused ``refused`` before its time (revoked): a new one, unless another caller
        already replaced it."""
        async with self._lock:
            return await self._current(refused=refused)

    def _fresh(self, access: tuple[str, datetime] | None) -> bool:
        return access is not None and access[1] - self._margin > self._clock.now()

    async def _current(self, refused: str | None) -> str:
        if self.stopped is not None:
            raise ChannelStopped(self.stopped)
        if self._access is not None and self._access[0] != refused and self._fresh(self._access):
            return self._access[0]
        await self._seed()
        async with self._db.transaction() as conn:
            stored = await zalo_tokens.locked_tokens(conn, self._oa_id, self._clock.now())
            assert stored is not None  # seeded above
            if stored.refused_reason is not None:
                self._stop(stored.refused_reason)
            if (stored.access_token is not None and stored.access_token != refused
                    and self._fresh((stored.access_token, stored.access_expires_at))):
                self._access = (stored.access_token, stored.access_expires_at)  # type: ignore
                return stored.access_token
            answer = await self._refresh(stored.refresh_token)
            if "access_token" not in answer:
                reason = _refusal(answer)
                await zalo_tokens.mark_refused(conn, self._oa_id, stored.refresh_token, reason,
                                               self._clock.now())
                # Committed below, then the refusal is raised outside the transaction.
            else:
                access, expires = self._pair(answer)
                await zalo_tokens.store_rotation(
                    conn, self._oa_id, used_refresh_token=stored.refresh_token,
                    # Zalo always sends the next one; were it missing, the used one is all we have.
                    refresh_token=str(answer.get("refresh_token") or stored.refresh_token),
                    access_token=access,
                    access_expires_at=expires, now=self._clock.now())
        if "access_token" not in answer:
            self._stop(reason)
        # Only now, with the new refresh token committed, is the new access token used.
        self._access = (access, expires)
        return access

    async def _seed(self) -> None:
        if self._seeded:
            return
        async with self._db.transaction() as conn:
            await zalo_tokens.seed_tokens(conn, self._oa_id, self._first,
                                          fingerprint(self._first), self._clock.now())
        self._seeded = True

    async def _refresh(self, refresh_token: str) -> dict[str, Any]:
        try:
            response = await self._http.post(
                self._url, headers={"secret_key": self._app_secret},
                data={"app_id": self._app_id, "grant_type": "refresh_token",
                      "refresh_token": refresh_token})
        except httpx.TransportError as error:
            # The stored token stays: if Zalo did take it, the next try says so (refused).
            raise TransientFailure(f"Zalo OAuth unreachable: {type(error).__name__}") from error
        try:
            return envelope_of(response)
        except ZaloTransportError as error:
            raise TransientFailure(f"Zalo OAuth: {error}") from error

    def _pair(self, answer: dict[str, Any]) -> tuple[str, datetime]:
        try:
            lifetime = float(answer.get("expires_in", 0))
        except (TypeError, ValueError):
            lifetime = 0.0
        return str(answer["access_token"]), self._clock.now() + timedelta(seconds=lifetime)

    def _stop(self, reason: str) -> None:
        if self.stopped is None:
            self.stopped = reason
            log.error("Zalo OA channel stopped: Zalo refused the refresh token (%s); an OA admin "
                      "must grant the app again and put the new refresh token in %s, then "
                      "restart the bot", reason, self._env)
            if self.on_stopped is not None:
                self.on_stopped(reason)
        raise ChannelStopped(reason)


def _refusal(answer: dict[str, Any]) -> str:
    words = answer.get("error_description") or answer.get("error_name") or answer.get("message")
    return f"{words or 'refused'} ({answer.get('error', '?')})"
