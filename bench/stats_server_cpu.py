"""The CPU time PostgreSQL's server processes spend on a bench's queries (``bench/stats.py``,
``bench/stats_queries.py``): on a machine shared with other work the wall time of a query
includes waiting for a core; the CPU time of the client (``time.process_time``) plus that of the
server backends is what a run costs on a machine nobody shares.

Read from ``/proc/<pid>/schedstat`` (nanoseconds on a CPU) of every backend connected to the
bench's database, so only for a server on this machine; ``None`` elsewhere (or on SQLite, whose
queries run in the client's process and are in its CPU time already).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from storage.db import Database


class ServerCpu:
    def __init__(self, pids: list[int]) -> None:
        self.pids = pids

    @classmethod
    async def of(cls, db: Database) -> ServerCpu | None:
        """The backends serving ``db`` now (call it after a first query, so that the pool has
        opened its connection)."""
        if db.dialect != "postgresql":
            return None
        async with db.reading() as conn:
            pids = [int(pid) for (pid,) in await conn.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))]
        if not pids or not all(_schedstat(pid).exists() for pid in pids):
            return None
        return cls(pids)

    def nanoseconds(self) -> int:
        total = 0
        for pid in self.pids:
            try:
                total += int(_schedstat(pid).read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue  # a backend that ended (the pool closed a connection)
        return total


def _schedstat(pid: int) -> Path:
    return Path(f"/proc/{pid}/schedstat")
