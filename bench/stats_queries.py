"""``/stats``'s queries one by one (issue 19 item 5): which of them costs the most.

Times each query ``reports.stats.unit_statistics`` runs, on its own, for the province and a
commune over a year, on a database ``bench/stats.py`` has already filled (run it first). Prints
p50 and p99 per query and scope; the first runs are printed apart (a cold cache or a plan
PostgreSQL has not settled on yet). ``CPU p50`` is the client's CPU time per run, ``srv p50``
the PostgreSQL backends' (bench/stats_server_cpu.py): their sum is the cost on a machine
nobody shares, whatever the load. Figures only.

    .venv/bin/python bench/stats_queries.py --postgres postgresql+asyncpg://postgres@127.0.0.1/bench
    .venv/bin/python bench/stats_queries.py --sqlite /tmp/kna-bench-stats/<file>.sqlite3
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stats import NOW, WEEKLY_TARGET, percentile
from bench.stats_data import ROOT, VN
from bench.stats_server_cpu import ServerCpu
from reports.periods import parse_period
from reports.stats import _judged_weeks
from storage import statistics, stats_channels, stats_tips, stats_weeks
from storage.db import open_database
from storage.stats_period import period_figures

Query = Callable[[Any], Awaitable[Any]]


def queries(scope: str, period_text: str) -> dict[str, Query]:
    period = parse_period(period_text, now=NOW, tz=VN)
    first, last = period.first_day, period.last_day
    weeks = _judged_weeks(period, VN, NOW)
    scope_id = statistics.scope_id_of(scope, False)
    return {
        "group_totals": lambda c: statistics.group_totals(c, scope, period.end_utc),
        "delivery_totals": lambda c: statistics.delivery_totals(c, scope, first, last),
        "weeks_below_target": lambda c: stats_weeks.weeks_below_target(
            c, scope, weeks, WEEKLY_TARGET),
        "tip_counts (all)": lambda c: stats_tips.tip_counts(c, scope, first, last),
        "case_count": lambda c: stats_tips.case_count(c, scope_id, first, last, received=1),
        "outcome_totals": lambda c: statistics.outcome_totals(c, scope, first, last),
        "channel_totals": lambda c: stats_channels.channel_totals(c, scope, first, last),
        # All of the above in one statement, as /stats reads them (storage/stats_period.py).
        "period_figures (all)": lambda c: period_figures(
            c, scope, first, last, period.end_utc, weeks, WEEKLY_TARGET),
    }


async def run(args: argparse.Namespace) -> None:
    url = args.postgres or f"sqlite+aiosqlite:///{args.sqlite}"
    settings = {"plan_cache_mode": "force_custom_plan"} if args.custom_plans else {}
    db = open_database(url, connect_args={"server_settings": settings} if args.postgres else {})
    print(f"{'scope':<10}{'period':<8}{'query':<24}{'first 3 ms':>22}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'slowest':>9}{'at run':>7}{'CPU p50':>9}{'srv p50':>9}")
    for scope, label in ((ROOT, "province"), ("X001", "commune")):
        for period_text in args.periods:
            for name, query in queries(scope, period_text).items():
                samples, cpu, served = [], [], []
                async with db.reading() as conn:
                    await query(conn)  # the pool's connection open, its backend known
                server = await ServerCpu.of(db)
                for _ in range(args.repeat):
                    async with db.reading() as conn:
                        started, used = time.perf_counter(), time.process_time()
                        before = server.nanoseconds() if server else 0
                        await query(conn)
                        samples.append((time.perf_counter() - started) * 1000)
                        cpu.append((time.process_time() - used) * 1000)
                        if server:
                            served.append((server.nanoseconds() - before) / 1e6)
                first = " ".join(f"{s:.1f}" for s in samples[:3])
                rest = samples[3:] or samples
                print(f"{label:<10}{period_text:<8}{name:<24}{first:>22}"
                      f"{percentile(rest, 0.5):>9.1f}{percentile(rest, 0.99):>9.1f}"
                      f"{max(samples):>9.1f}{samples.index(max(samples)) + 1:>7}"
                      f"{percentile(cpu[3:] or cpu, 0.5):>9.1f}"
                      f"{percentile(served[3:], 0.5) if served[3:] else '-':>9.4}")
    await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres")
    parser.add_argument("--sqlite")
    parser.add_argument("--custom-plans", action="store_true")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--periods", nargs="+", default=["2026"])
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
