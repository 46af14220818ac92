"""The leader's lock on PostgreSQL (SPEC §14): a session advisory lock on a connection of its own.

PostgreSQL holds a session advisory lock for as long as the session lives and drops it the
moment the session ends: the process killed (its socket closes), or - with the TCP keepalives
set below - its machine gone or cut off, after about ``idle + interval × count`` seconds. So the
lock needs no lease table and no clock: whoever holds it is the leader, and a standby that
asks again every second takes over as soon as the old session is gone. Advisory locks belong
to one database, so two deployments on one server do not share a leader.

The connection is asyncpg's own, in autocommit: it never sits "idle in transaction" holding a
snapshot for the life of the process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.sql.elements import TextClause

if TYPE_CHECKING:  # imported where a lock is taken: a bot on SQLite never loads asyncpg for it
    import asyncpg

# "KNA_LEAD" as a 63-bit number: the one advisory lock key this application uses.
LEADER_LOCK_KEY = int.from_bytes(b"KNA_LEAD", "big") & 0x7FFF_FFFF_FFFF_FFFF
# The server gives up on a silent client after idle + interval × count = 5 + 2 × 3 = 11 s.
KEEPALIVE_SETTINGS = {"tcp_keepalives_idle": "5", "tcp_keepalives_interval": "2",
                      "tcp_keepalives_count": "3", "application_name": "ketnoi-antt leader lock"}


# The session whose lock this process's claims must see held (``fence_claims``); None: no fence
# (SQLite, a standby, a test driving the engine without a leader).
_fence_pid: int | None = None


def fence_claims(backend_pid: int | None) -> None:
    """From now on every delivery claim of this process succeeds only while the session
    ``backend_pid`` holds the leader lock (None lifts the fence)."""
    global _fence_pid
    _fence_pid = backend_pid


def leader_fence() -> tuple[TextClause, ...]:
    """The condition a claim adds to its own UPDATE: checked in the claiming transaction, so a
    leader that lost its lock claims nothing more, and a row it claimed just before is
    ``sending`` - which the next leader reports uncertain, never sends again (SPEC §12)."""
    if _fence_pid is None:
        return ()
    return (text(
        "EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND pid = :fence_pid AND classid = CAST(:fence_classid AS oid)"
        " AND objid = CAST(:fence_objid AS oid) AND objsubid = 1)").bindparams(
            fence_pid=_fence_pid, fence_classid=LEADER_LOCK_KEY >> 32,
            fence_objid=LEADER_LOCK_KEY & 0xFFFF_FFFF),)


def is_postgresql(storage_url: str) -> bool:
    return make_url(storage_url).drivername.startswith("postgresql")


class LeaderLockSession:
    """One connection that asks for, holds, and proves it still holds, the leader lock."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    @classmethod
    async def open(cls, storage_url: str) -> LeaderLockSession:
        import asyncpg

        dsn = make_url(storage_url).set(drivername="postgresql").render_as_string(
            hide_password=False)
        return cls(await asyncpg.connect(dsn, server_settings=KEEPALIVE_SETTINGS))

    @property
    def backend_pid(self) -> int:
        return self._connection.get_server_pid()

    async def try_take(self) -> bool:
        return bool(await self._connection.fetchval("SELECT pg_try_advisory_lock($1)",
                                                    LEADER_LOCK_KEY))

    async def still_held(self) -> bool:
        """True while this session holds the lock; raises when the session is gone (then
        the server has dropped the lock, or will within the keepalive time)."""
        held = await self._connection.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND pid = pg_backend_pid() AND classid = $1::bigint::oid"
            " AND objid = $2::bigint::oid AND objsubid = 1",
            LEADER_LOCK_KEY >> 32, LEADER_LOCK_KEY & 0xFFFF_FFFF)
        return bool(held)

    async def close(self) -> None:
        import asyncpg

        # Closing the session releases the lock: the next leader need not wait.
        try:
            await self._connection.close(timeout=5)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            self._connection.terminate()
