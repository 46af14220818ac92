"""``bench/stats.py --explain``: the query plan of every statement one call runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event

from storage.db import Database


async def explain(db: Database, call: Callable[[], Awaitable[Any]]) -> None:
    """Print the plan of every statement ``call`` runs (``/stats``: the province, a year)."""
    seen: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    await call()
    event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
    async with db.reading() as conn:
        for statement, parameters in seen:
            if statement.strip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
                continue
            print("\n--", " ".join(statement.split())[:300])
            for row in await conn.exec_driver_sql(prefix + statement, parameters):
                print("   ", " | ".join(str(v) for v in row))
