"""Leader and standby among several ``run`` processes on one PostgreSQL database (SPEC §14).

A process starts as a standby: it serves ``/healthz`` (role ``standby``) and asks for the leader
lock (``storage.leader_lock``) every second, and does nothing else - no polling, no schedule, no
sending - so two processes never both act. Once it holds the lock it is the leader and starts the
bot; the bot's own start-up then treats rows a dead leader left ``sending`` exactly as after a
restart (SPEC §12: uncertain, the officer told, never re-sent on its own).

The leader proves every second, on the lock's own connection, that it still holds the lock. If
that fails (the database restarted, the network cut) it sets ``lost`` and the bot is stopped at
once: within about 1 + 3 seconds, before the server lets a standby take the lock (the session's
TCP keepalives give up after 11). And should it not be fast enough, each delivery row's claim
checks in its own UPDATE that this process's lock session still holds the lock
(``storage.leader_lock.leader_fence``): two leaders never both claim one row.

SQLite has no standbys: ``ops.run_lock`` refuses a second process, so the only one is leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from storage.leader_lock import LeaderLockSession, fence_claims, is_postgresql

RETRY_S = 1.0  # how often a standby asks for the lock: the bulk of a takeover's delay
HEARTBEAT_S = 1.0
HEARTBEAT_TIMEOUT_S = 3.0

log = logging.getLogger(__name__)


class Leadership:
    """The held leader lock; ``lost`` is set when it can no longer be proven held."""

    def __init__(self, session: LeaderLockSession) -> None:
        self._session = session
        self.lost = asyncio.Event()
        fence_claims(session.backend_pid)
        self._heartbeat = asyncio.create_task(self._prove_held(), name="leader-heartbeat")

    async def _prove_held(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            try:
                async with asyncio.timeout(HEARTBEAT_TIMEOUT_S):
                    held = await self._session.still_held()
            except Exception as err:  # any failure: the lock can no longer be counted on
                log.error("leader lock: the database did not confirm it (%s); stopping",
                          type(err).__name__)
                held = False
            if not held:
                self.lost.set()
                return

    async def release(self) -> None:
        fence_claims(None)
        self._heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._heartbeat
        await self._session.close()


async def wait_for_leadership(storage_url: str, stop: asyncio.Event) -> Leadership | None:
    """Block as a standby until this process holds the leader lock (its :class:`Leadership`),
    or until ``stop`` (None). None at once on SQLite, where the run lock already made this
    process the only one. The first connection's failure is raised (the database is
    unreachable at start-up: the caller says so); a standby's later failures are retried."""
    if not is_postgresql(storage_url):
        return None
    session = await LeaderLockSession.open(storage_url)
    announced = False
    while not stop.is_set():
        try:
            if await session.try_take():
                log.info("leader lock taken: this process is the leader")
                return Leadership(session)
        except Exception as err:  # a standby outlives a database restart
            log.warning("leader lock: cannot ask (%s); trying again", type(err).__name__)
            await session.close()
            session = await _reopen(storage_url, stop)
            if session is None:
                return None
            continue
        if not announced:
            log.info("another process is the leader: waiting as a standby")
            announced = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RETRY_S)
    await session.close()
    return None


async def _reopen(storage_url: str, stop: asyncio.Event) -> LeaderLockSession | None:
    while not stop.is_set():
        try:
            return await LeaderLockSession.open(storage_url)
        except Exception as err:
            log.warning("leader lock: the database does not answer (%s)", type(err).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RETRY_S)
    return None


async def first_set(*events: asyncio.Event | None) -> asyncio.Event:
    """Wait until one of ``events`` (None ones left out) is set; that event."""
    waiting = {asyncio.ensure_future(e.wait()): e for e in events if e is not None}
    try:
        done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in waiting:
            task.cancel()
    return waiting[next(iter(done))]
