"""The bot's CPU when nothing happens (issue 19, item 1): in ``bench/tip_intake_paths.py`` the
real bot's windows last tens of seconds (staff notices go one a second per officer chat), so
what it spends idle counts against every tip.

Starts the real bot (``python -m bot run``, SQLite) and the bare echo bot exactly as
``bench/tip_intake_paths.py`` does, each against its own fake Bot API, lets them settle, then
reads each one's CPU time from outside (``/proc/<pid>/stat``) over ``--seconds`` of silence, and
counts the ``getUpdates`` calls each made meanwhile (long polls that ended with nothing).
Figures only.

    PYTHONPATH=. .venv/bin/python bench/idle_cpu.py [--seconds 30] [--settle 10]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from contextlib import AsyncExitStack
from pathlib import Path

from bench.tip_intake_paths import start_subjects
from bench.tip_intake_procs import cpu_seconds


async def measure(seconds: float, settle: float) -> None:
    with tempfile.TemporaryDirectory(prefix="kna-idle-") as workdir:
        async with AsyncExitStack() as stack:
            subjects = await start_subjects(stack, Path(workdir))
            await asyncio.sleep(settle)
            before = {kind: (cpu_seconds(s.bot.pid), len(s.bot.fake.world.calls))
                      for kind, s in subjects.items()}
            await asyncio.sleep(seconds)
            for kind, subject in subjects.items():
                cpu0, calls0 = before[kind]
                cpu = cpu_seconds(subject.bot.pid).since(cpu0)
                calls = subject.bot.fake.world.calls[calls0:]
                polls = sum(1 for call in calls if call.method == "getUpdates")
                print(f"{kind:5} bot idle: {1000 * cpu / seconds:6.2f} ms CPU per second"
                      f" ({cpu:.3f} s over {seconds:.0f} s), {polls} getUpdates,"
                      f" {len(calls) - polls} other calls", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="measured (30)")
    parser.add_argument("--settle", type=float, default=10.0, help="after start (10)")
    args = parser.parse_args()
    asyncio.run(measure(args.seconds, args.settle))


if __name__ == "__main__":
    main()
