"""The floor under a tip's storage cost on SQLite: what one filing transaction costs at best.

``bench/tip_intake.py`` compares the real bot with a bare echo bot; most of the difference is
the filing transaction. This prints what its parts cost on this machine, in a temporary SQLite
file with the bot's own engine settings (``storage.db``: WAL, ``synchronous=NORMAL``, so a
commit does not wait for the disk):

* one statement and a commit on a bare ``aiosqlite`` connection (one thread trip each);
* the same through SQLAlchemy's async engine, which the bot's other transactions use: each
  statement costs three or four trips to the database thread (cursor, execute, fetch, close);
* the filing transaction's shape, one read and three inserts, through that engine;
* ``tips.filing.file_text`` for one tip, which runs inline on a plain connection
  (``storage/sqlite_inline.py``), and how many aiosqlite trips it makes (none).

Figures only. Run from the repository root::

    PYTHONPATH=. .venv/bin/python bench/tip_storage_floor.py [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite
import aiosqlite.core
from sqlalchemy import text

from channels.telegram_addresses import address_of_chat as telegram
from core.clock import SystemClock
from core.config_model import Category, TipSettings
from core.i18n import Translator
from org.directory import Directory
from org.roles import Role
from org.staff import StaffMember
from org.units import Unit
from storage import tip_senders
from storage.db import open_database
from storage.migrate import upgrade_to_head
from tips.anonymity import Anonymizer
from tips.context import TipsContext
from tips.filing import Filed, file_text


async def p50_ms(body: Callable[[], Awaitable[object]], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        await body()
        times.append(time.perf_counter() - began)
    return 1000 * sorted(times)[len(times) // 2]


class TripCounter:
    """Counts calls that cross to aiosqlite's thread (each is one wake-up there and back)."""

    def __init__(self) -> None:
        self.count = 0
        self._inner = aiosqlite.core.Connection._execute

        async def counted(connection: aiosqlite.Connection, fn: Callable[..., Any], *args: Any,
                          **kwargs: Any) -> Any:
            self.count += 1
            return await self._inner(connection, fn, *args, **kwargs)

        aiosqlite.core.Connection._execute = counted  # type: ignore[method-assign]


async def raw_figures(path: Path, repeat: int) -> list[tuple[str, float]]:
    connection = await aiosqlite.connect(path)
    await connection.execute("PRAGMA journal_mode=WAL")
    await connection.execute("PRAGMA synchronous=NORMAL")
    await connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")

    async def one_trip() -> None:
        await connection.execute("SELECT 1")

    async def insert_commit() -> None:
        await connection.execute("INSERT INTO t (v) VALUES ('x')")
        await connection.commit()

    figures = [("aiosqlite: one trip (SELECT 1)", await p50_ms(one_trip, repeat)),
               ("aiosqlite: INSERT + COMMIT", await p50_ms(insert_commit, repeat))]
    await connection.close()
    return figures


async def engine_figures(path: Path, repeat: int) -> list[tuple[str, float]]:
    db = open_database(f"sqlite+aiosqlite:///{path}")
    async with db.transaction() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))

    async def one_insert() -> None:
        async with db.transaction() as conn:
            await conn.execute(text("INSERT INTO t (v) VALUES ('x')"))

    async def filing_shape() -> None:
        async with db.transaction() as conn:
            await conn.execute(text("SELECT count(*) FROM t WHERE v = 'y'"))
            for _ in range(3):
                await conn.execute(text("INSERT INTO t (v) VALUES ('x')"))

    figures = [("SQLAlchemy: transaction, 1 INSERT", await p50_ms(one_insert, repeat)),
               ("SQLAlchemy: transaction, 1 SELECT + 3 INSERT", await p50_ms(filing_shape,
                                                                           repeat))]
    await db.close()
    return figures


async def filing_figures(path: Path, repeat: int, trips: TripCounter) -> list[tuple[str, float]]:
    db = open_database(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(db)
    clock = SystemClock()
    directory = Directory(db)
    await directory.sync_from_config([Unit("DT", "Tỉnh", None), Unit("TT", "Xã", "DT")],
                                     [StaffMember(telegram(1), Role.OFFICER, "TT",
                                                  True)], clock.now())
    ctx = TipsContext(db=db, clock=clock, anonymizer=Anonymizer(b"k" * 32), tr=Translator("vi"),
                      tz=ZoneInfo("Asia/Ho_Chi_Minh"),
                      settings=TipSettings(10**6, 10**6, 30, 30, "unit",
                                           (Category("other", ""),)),
                      outcome_kinds=(), directory=directory)
    async with db.transaction() as conn:
        await tip_senders.remember_unit(conn, "sender", "TT", clock.now())
    link = ctx.anonymizer.seal_address(telegram(1))

    async def file_one() -> None:
        result = await file_text(ctx, "sender", "có trộm", link)
        assert result.outcome is Filed.FILED

    await file_one()
    before = trips.count
    await file_one()
    per_tip = trips.count - before
    figures = [("tips.filing.file_text, one tip", await p50_ms(file_one, repeat)),
               (f"  (thread trips per tip: {per_tip})", float("nan"))]
    await db.close()
    return figures


async def main(repeat: int) -> None:
    trips = TripCounter()
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        rows = [*await raw_figures(Path(tmp) / "raw.db", repeat),
                *await engine_figures(Path(tmp) / "engine.db", repeat),
                *await filing_figures(Path(tmp) / "bot.db", repeat, trips)]
    print(f"SQLite floor (p50 of {repeat}, ms)")
    for label, value in rows:
        print(f"{label:48}{'' if value != value else f'{value:8.2f}'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=300, help="default 300")
    asyncio.run(main(parser.parse_args().repeat))
