"""Start time: from ``python -m bot run`` being spawned to its first ``getUpdates``.

The bot runs as its own process (``bench/bot_process.py``: polling mode, SQLite, WARNING logs)
against the Bot API emulator on 127.0.0.1 in this process; the emulator stamps each call on
arrival with the same monotonic clock the spawn was timed with. Two kinds of start, each
``--runs`` times:

* **first start**: an empty data folder, so every migration runs;
* **restart**: the same folder again, schema current (the usual start in production).

Also printed: the CPU time the bot had used by its first ``getUpdates`` (steadier than the
wall time on a loaded machine), the time to the first ``getMe`` (the interpreter, the imports
and the storage before the Telegram application starts) and how many ``getMe`` calls one start
makes.
Figures only, nothing asserted. The machine's load average is printed with them: on a shared
machine wall times vary. From the repository root::

    .venv/bin/python bench/start_time.py [--runs 5] [--round-trip 0.15]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bot_process import BotProcess, cpu_seconds_of
from emulators.telegram import FakeTelegramAPI

# Bot API methods a start calls before it polls: with --round-trip each answer is held that long,
# as Telegram's servers are a round trip away (about 0.1-0.3 s from Việt Nam).
START_METHODS = ("getMe", "setMyCommands", "deleteMyCommands", "deleteWebhook", "sendMessage")
before_polling: Counter[str] = Counter()


async def one_start(fake: FakeTelegramAPI, bot: BotProcess) -> tuple[float, float, int, float]:
    """(seconds to the first getMe, seconds to the first getUpdates, getMe calls, CPU seconds
    the bot had used when its first getUpdates arrived)."""
    await bot.start()
    try:
        polled = await bot.first_get_updates()
        cpu = cpu_seconds_of(bot.pid)
        calls = [c for c in fake.world.calls
                 if bot.spawned_at <= c.at < bot.spawned_at + polled]
        before_polling.clear()
        before_polling.update(c.method for c in calls)
        get_me = [c for c in calls if c.method == "getMe"]
        return get_me[0].at - bot.spawned_at, polled, len(get_me), cpu
    finally:
        await bot.stop()


def describe(name: str, rows: list[tuple[float, float, int, float]]) -> str:
    firsts = [r[0] for r in rows]
    polls = [r[1] for r in rows]
    runs = " ".join(f"{p:.2f}" for p in polls)
    return (f"{name:<13} to getUpdates: median {statistics.median(polls):.2f} s, "
            f"min {min(polls):.2f} s (runs: {runs}); CPU used by then: median "
            f"{statistics.median(r[3] for r in rows):.2f} s; to first getMe: median "
            f"{statistics.median(firsts):.2f} s; getMe calls per start: {rows[0][2]}")


async def run(runs: int, round_trip: float) -> None:
    fake = FakeTelegramAPI()
    await fake.start()
    if round_trip:
        for method in START_METHODS:
            fake.inject_delay(method, round_trip, times=1_000_000)
    officer = fake.user("Cán bộ thử")
    first: list[tuple[float, float, int, float]] = []
    again: list[tuple[float, float, int, float]] = []
    try:
        for _ in range(runs):
            bot = BotProcess(fake, Path(tempfile.mkdtemp(prefix="bench-start-")), officer)
            first.append(await one_start(fake, bot))
            again.append(await one_start(fake, bot))
    finally:
        await fake.stop()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python -m bot run (polling, SQLite) to its first getUpdates; {runs} runs each; "
          f"Bot API round trip {round_trip:.2f} s; load average {load}")
    print(describe("first start", first))
    print(describe("restart", again))
    print("Bot API calls before the first getUpdates (last restart): "
          + ", ".join(f"{method} {n}" for method, n in before_polling.most_common()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--round-trip", type=float, default=0.0,
                        help="seconds the emulator holds each answer before polling starts")
    args = parser.parse_args()
    asyncio.run(run(args.runs, args.round_trip))


if __name__ == "__main__":
    main()
