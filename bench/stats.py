"""Statistics at scale (issue 5, item 7): the ``/stats`` queries on a province's five years.

Generates (once, then cached) a province of 100 communes x 10 hamlets with 10,000 groups on
four channels (Telegram, Zalo OA, Zalo Bot, SMS subscribers) and their member-count history,
two bulletins a week per commune over the last year (about a million deliveries) and 1,000,000
tips over 5 years on the four channels, with assessments, categories, outcomes and 6 % of them
merged into cases; then times ``reports.stats.unit_statistics`` (every query ``/stats`` runs,
``by_channel`` and ``tips.cases`` included) for a month, a quarter and a year, at province and
at commune scope, and prints p50 and p99 next to the targets (< 100 ms on SQLite, < 50 ms on
PostgreSQL) and next to a naive aggregation in Python (rows of the period fetched, counted in
Python). Both ways must give the same figures, by channel and cases too: a mismatch is printed
and the exit status is 1. Figures only: nothing here asserts on time.

    .venv/bin/python bench/stats.py                          # SQLite, the issue's sizes
    .venv/bin/python bench/stats.py --postgres postgresql+asyncpg://postgres@127.0.0.1/bench
    .venv/bin/python bench/stats.py --quick                  # a smoke run in seconds
    .venv/bin/python bench/stats.py --explain                # query plans, province x year

The SQLite file is cached under the system temporary directory (``--data-dir``), keyed by the
sizes; the PostgreSQL database (``--postgres`` or ``BENCH_POSTGRES_URL``) must be a throw-away
one: its ``public`` schema is dropped and rebuilt when it does not hold the requested data.
``--custom-plans`` sets PostgreSQL's ``plan_cache_mode`` to ``force_custom_plan``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from bench.stats_data import (
    CATEGORIES,
    OUTCOME_KINDS,
    ROOT,
    VN,
    Sizes,
    Tables,
    generate,
    unit_list,
    write_postgres,
    write_sqlite,
)
from bench.stats_explain import explain
from bench.stats_naive import figures, naive_figures
from bench.stats_server_cpu import ServerCpu
from org.units import UnitTree
from reports.periods import Period, parse_period
from reports.stats import unit_statistics
from reports.weekly_series import weekly_series
from storage import statistics, stats_tips
from storage import units as unit_store
from storage.db import Database, open_database
from storage.migrate import upgrade_to_head
from storage.stats_rebuild import rebuild_rollup

TARGET_MS = {"sqlite": 100.0, "postgresql": 50.0}
NOW = datetime(2027, 1, 1, 8, 0, tzinfo=VN)
PERIODS = (("month", "2026-12"), ("quarter", "2026-Q4"), ("year", "2026"))
COMMUNE = "X001"
WEEKLY_TARGET = 2


def percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


class DataSet:
    """The generated rows, made at most once per run and shared by both backends."""

    def __init__(self, sizes: Sizes) -> None:
        self.sizes = sizes
        self._tables: Tables | None = None

    def tables(self, unit_ids: dict[str, int]) -> Tables:
        if self._tables is None:
            started = time.monotonic()
            self._tables = generate(self.sizes, unit_ids)
            counts = ", ".join(f"{n:,} {name}" for name, n in self._tables.counts().items())
            print(f"generated in {time.monotonic() - started:.1f} s: {counts}")
        return self._tables


async def _fresh_schema(db: Database, data: DataSet) -> dict[str, int]:
    await upgrade_to_head(db)
    async with db.transaction() as conn:
        await unit_store.sync_units(conn, unit_list(data.sizes), NOW)
        return await unit_store.unit_ids(conn)


def sqlite_file(folder: Path, sizes: Sizes, regenerate: bool) -> tuple[Path, Path, bool]:
    """The cached file for ``sizes``, its "written completely" marker, and whether to write
    it (again); a file to be written is removed first, with its WAL."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"stats-{sizes.key()}.db"
    ready = path.with_suffix(".ready")
    if not regenerate and ready.exists():
        return path, ready, False
    ready.unlink(missing_ok=True)
    for stale in folder.glob(path.name + "*"):
        stale.unlink()
    return path, ready, True


def write_marker(ready: Path, sizes: Sizes) -> None:
    ready.write_text(f"{sizes}\n", "utf-8")


async def sqlite_database(data: DataSet, folder: Path, regenerate: bool) -> Database:
    path, ready, write = sqlite_file(folder, data.sizes, regenerate)
    if write:
        db = open_database(f"sqlite+aiosqlite:///{path}")
        unit_ids = await _fresh_schema(db, data)
        await db.close()  # the bulk load runs on the stdlib driver, outside the engine
        tables = data.tables(unit_ids)
        started = time.monotonic()
        write_sqlite(str(path), tables)
        print(f"sqlite: written in {time.monotonic() - started:.1f} s to {path}")
        db = open_database(f"sqlite+aiosqlite:///{path}")
        await build_totals(db, "sqlite")
        await db.close()
        write_marker(ready, data.sizes)
    else:
        print(f"sqlite: cached data in {path}")
    db = open_database(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(db)
    return db


async def build_totals(db: Database, backend: str) -> None:
    """The bulk load bypasses the bot's storage functions, so the running totals are built
    from the loaded rows, as the first start after migration 0007 builds them."""
    await upgrade_to_head(db)
    started = time.monotonic()
    async with db.transaction() as conn:
        await rebuild_rollup(conn, NOW)
    print(f"{backend}: running totals built in {time.monotonic() - started:.1f} s")


async def postgres_database(data: DataSet, url: str, regenerate: bool,
                            custom_plans: bool) -> Database:
    # asyncpg prepares every statement; from the sixth run on, PostgreSQL may switch to a
    # generic plan that cannot see how narrow a period is (see the README's figures).
    settings = {"plan_cache_mode": "force_custom_plan"} if custom_plans else {}
    db = open_database(url, connect_args={"server_settings": settings})
    marker = f"bench-stats {data.sizes.key()}"
    async with db.reading() as conn:
        found = (await conn.execute(text(
            "SELECT obj_description(to_regclass('public.tips'), 'pg_class')"))).scalar()
    if regenerate or found != marker:
        async with db.transaction() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        unit_ids = await _fresh_schema(db, data)
        tables = data.tables(unit_ids)
        started = time.monotonic()
        await write_postgres(url, tables)
        print(f"postgresql: copied in {time.monotonic() - started:.1f} s")
        await build_totals(db, "postgresql")
        async with db.transaction() as conn:
            await conn.execute(text(f"COMMENT ON TABLE tips IS '{marker}'"))
    else:
        print("postgresql: cached data")
    await upgrade_to_head(db)
    return db


# The merged tips' index of migration 0024, made here too when the cached data was built by an
# earlier release (the data is cached between runs and not migrated).
MERGED_INDEX = ("CREATE INDEX IF NOT EXISTS ix_tips_merged_unit_id_created_at"
                " ON tips (unit_id, created_at, case_id) WHERE case_id IS NOT NULL")


async def ensure_merged_index(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(text(MERGED_INDEX))
        if db.dialect == "postgresql":
            await conn.execute(text("ANALYZE tips"))


async def run_stats(db: Database, tree: UnitTree, scope: str, period_text: str) -> Any:
    period = parse_period(period_text, now=NOW, tz=VN)
    return await unit_statistics(db, tree, scope, period, weekly_target=WEEKLY_TARGET,
                                 category_keys=CATEGORIES, outcome_kinds=OUTCOME_KINDS,
                                 now=NOW, tz=VN)


async def case_count(db: Database, scope: str, period: Period, received: int) -> int:
    async with db.reading() as conn:
        return await stats_tips.case_count(conn, statistics.scope_id_of(scope, False),
                                           period.first_day, period.last_day, received=received)


# The process's CPU time of the last timed call, per run: on SQLite the queries run in the
# process (the driver's thread), so this is what a run costs on a machine nobody shares. On
# PostgreSQL, the server's backends' CPU time too (SERVER_MS; bench/stats_server_cpu.py): the
# client's plus the server's is what a run costs there.
CPU_MS: list[float] = []
SERVER_MS: list[float] = []


async def timed(repeat: int, call: Any, server: ServerCpu | None = None,
                ) -> tuple[list[float], Any]:
    samples, result = [], None
    CPU_MS.clear()
    SERVER_MS.clear()
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        served = server.nanoseconds() if server else 0
        result = await call()
        samples.append((time.perf_counter() - started) * 1000)
        CPU_MS.append((time.process_time() - cpu) * 1000)
        if server:
            SERVER_MS.append((server.nanoseconds() - served) / 1e6)
    return samples, result


async def measure(db: Database, tree: UnitTree, repeat: int, naive_repeat: int) -> bool:
    backend = db.dialect
    target = TARGET_MS[backend]
    agree = True
    print(f"\n{'backend':<11}{'scope':<10}{'period':<9}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'CPU p50':>9}{'CPU p99':>9}{'srv p50':>9}{'srv p99':>9}"
          f"{'target':>10}{'naive p50 ms':>14}{'chart p50':>11}{'cases p50':>11}{'slowest':>9}"
          f"{'at run':>7}  figures")
    for scope in (ROOT, COMMUNE):
        scope_codes = tree.subtree_codes(scope)
        for name, period_text in PERIODS:
            period = parse_period(period_text, now=NOW, tz=VN)
            await run_stats(db, tree, scope, period_text)  # warm the caches once
            server = await ServerCpu.of(db)
            samples, stats = await timed(repeat, lambda s=scope, p=period_text:
                                         run_stats(db, tree, s, p), server)
            cpu_samples, server_samples = list(CPU_MS), list(SERVER_MS)
            naive_samples, naive = await timed(naive_repeat, lambda c=scope_codes, p=period:
                                               naive_figures(db, c, p, now=NOW, tz=VN,
                                                             weekly_target=WEEKLY_TARGET))
            # The weekly chart's queries (``/stats … chart``, before drawing): no target.
            chart_samples, _ = await timed(repeat, lambda s=scope, p=period: weekly_series(
                db, tree, s, p, weekly_target=WEEKLY_TARGET, tz=VN, now=NOW))
            # The distinct cases alone (part of the figures above): read from the tips.
            cases_samples, _ = await timed(repeat, lambda s=scope, p=period, n=stats.tips.received:
                                           case_count(db, s, p, n))
            same = figures(stats) == naive
            agree = agree and same
            p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
            verdict = "ok" if p99 < target else "OVER"
            label = "province" if scope == ROOT else "commune"
            print(f"{backend:<11}{label:<10}{name:<9}{p50:>9.1f}{p99:>9.1f}"
                  f"{percentile(cpu_samples, 0.5):>9.1f}{percentile(cpu_samples, 0.99):>9.1f}"
                  f"{_ms(server_samples, 0.5):>9}{_ms(server_samples, 0.99):>9}"
                  f"{f'<{target:.0f} {verdict}':>10}{percentile(naive_samples, 0.5):>14.1f}"
                  f"{percentile(chart_samples, 0.5):>11.1f}"
                  f"{percentile(cases_samples, 0.5):>11.1f}"
                  f"{max(samples):>9.1f}{samples.index(max(samples)) + 1:>7}  "
                  f"{'same' if same else 'MISMATCH'}: {stats.tips.received:,} tips, "
                  f"{stats.bulletins.deliveries:,} deliveries, "
                  f"{len(stats.bulletins.weeks_below_target)} weeks below target")
            if not same:
                print(f"  MISMATCH\n  sql:   {figures(stats)}\n  naive: {naive}")
    return agree


def _ms(samples: Sequence[float], q: float) -> str:
    return f"{percentile(samples, q):.1f}" if samples else "-"


async def run(args: argparse.Namespace) -> int:
    sizes = Sizes(tips=args.tips, groups=args.groups, years=args.years, communes=args.communes,
                  hamlets=args.hamlets, delivery_years=args.delivery_years, seed=args.seed)
    print(f"sizes: {sizes}")
    data = DataSet(sizes)
    tree = UnitTree(unit_list(sizes))
    folder = Path(args.data_dir)
    agree = True
    targets = [] if args.postgres_only else ["sqlite"]
    targets += ["postgresql"] if args.postgres else []
    for backend in targets:
        started = time.monotonic()
        if backend == "sqlite":
            db = await sqlite_database(data, folder, args.regenerate)
        else:
            db = await postgres_database(data, args.postgres, args.regenerate,
                                         args.custom_plans)
        print(f"{backend}: ready in {time.monotonic() - started:.1f} s")
        if args.generate_only:
            await db.close()
            continue
        await ensure_merged_index(db)
        if args.explain:
            await explain(db, lambda d=db: run_stats(d, tree, ROOT, "2026"))
        agree = await measure(db, tree, args.repeat, args.naive_repeat) and agree
        await db.close()
    if not agree:
        print("\nMISMATCH: the SQL figures and the naive figures differ (see above)")
    return 0 if agree else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tips", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--hamlets", type=int, default=10, help="per commune")
    parser.add_argument("--delivery-years", type=int, default=1,
                        help="the last years with bulletins (each is ~1M deliveries at 10k groups)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--naive-repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 20,000 tips, 300 groups, 10 communes")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL"),
                        help="a throw-away PostgreSQL database (postgresql+asyncpg://...)")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--custom-plans", action="store_true",
                        help="PostgreSQL: plan_cache_mode=force_custom_plan on each connection")
    parser.add_argument("--data-dir", default=str(Path(tempfile.gettempdir()) / "kna-bench-stats"))
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--generate-only", action="store_true",
                        help="make (or check) the cached data and stop")
    args = parser.parse_args()
    if args.quick:
        args.tips, args.groups, args.communes, args.hamlets = 20_000, 300, 10, 5
        args.repeat, args.naive_repeat = min(args.repeat, 10), 1
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
