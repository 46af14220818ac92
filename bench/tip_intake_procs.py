"""The measuring side of ``bench/tip_intake_paths.py``: a bot as a process of its own against a
fake Bot API in the bench's process, its CPU time read from outside (``/proc/<pid>/stat``), and
the Bot API operations counted on the fake.

An operation is an update the residents made (a message, a press: one ``getUpdates`` result)
or a call the bot made to the Bot API (``sendMessage``, ``answerCallbackQuery``, ``getFile``,
the outbox's staff notices, ...). ``getUpdates`` itself and file downloads are not counted (the
long poll is the same for both bots; a download is not a Bot API method).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from emulators.telegram import FakeTelegramAPI

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REPO = Path(__file__).resolve().parents[1]
READY_TIMEOUT = 60.0
QUIET_SECONDS = 2.5  # no new Bot API call for this long: the bot's work for the window is done
LOOK_EVERY = 0.05


@dataclass(frozen=True)
class CpuReading:
    """A process's CPU time so far, read from outside it, two ways: in clock ticks
    (``/proc/<pid>/stat`` utime + stime: every thread, ended ones included, but 10 ms steps,
    too coarse for the echo bot's few hundred milliseconds) and in nanoseconds per live thread
    (``/proc/<pid>/task/*/schedstat``)."""

    ticks: float
    threads: dict[str, float]

    def since(self, before: CpuReading) -> float:
        """Seconds of CPU from ``before`` to this reading: the fine figure if no thread ended
        in between (an ended thread's time leaves the per-thread sum), else the coarse one."""
        if before.threads.keys() <= self.threads.keys():
            return sum(self.threads.values()) - sum(before.threads.values())
        return self.ticks - before.ticks


def cpu_seconds(pid: int) -> CpuReading:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    threads: dict[str, float] = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as stat:
                threads[task] = int(stat.read().split()[0]) / 1e9
        except FileNotFoundError:
            continue  # ended meanwhile: since() sees it missing and takes the ticks
    return CpuReading(ticks, threads)


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Window:
    cpu: float = 0.0  # seconds of the bot process's CPU
    wall: float = 0.0  # seconds from the first update to the last call
    updates: int = 0
    calls: int = 0

    @property
    def operations(self) -> int:
        return self.updates + self.calls

    @property
    def cpu_per_op_ms(self) -> float:
        return 1000 * self.cpu / self.operations if self.operations else 0.0


class BotProcess:
    """A bot process and the fake it talks to; counts the fake's calls as they come."""

    def __init__(self, name: str, fake: FakeTelegramAPI) -> None:
        self.name = name
        self.fake = fake
        self.process: asyncio.subprocess.Process | None = None
        self._stop_signal = signal.SIGTERM
        self.updates = 0  # updates the residents made (each action of the driver is one)
        self._counted = 0
        self._calls = 0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def calls(self) -> int:
        """Bot API calls so far, ``getUpdates`` left out."""
        log = self.fake.world.calls
        for call in log[self._counted:]:
            if call.method != "getUpdates":
                self._calls += 1
        self._counted = len(log)
        return self._calls

    async def start(self, argv: list[str], workdir: Path, *, wrapper: list[str] = ()) -> None:
        """``python argv`` (under ``wrapper``, e.g. a profiler, if given: stopped by SIGINT,
        on which py-spy writes its profile)."""
        self._stop_signal = signal.SIGINT if wrapper else signal.SIGTERM
        log = (workdir / f"{self.name.replace(' ', '-')}.log").open("wb")
        env = {**os.environ, "BOT_TOKEN": self.fake.token, "PYTHONPATH": str(REPO)}
        self.process = await asyncio.create_subprocess_exec(
            *wrapper, sys.executable, *argv, cwd=workdir, env=env, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + READY_TIMEOUT
        while not any(call.method == "getUpdates" for call in self.fake.world.calls):
            if self.process.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start; see {workdir}")
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(self._stop_signal)
            await asyncio.wait_for(self.process.wait(), timeout=30)

    async def settle(self) -> None:
        """Wait until the bot has made no call for QUIET_SECONDS (outbox drained)."""
        await self.measure_until_quiet(self.pid, None, 0, 0)

    async def measure_until_quiet(self, pid: int, cpu0: CpuReading | None, calls0: int,
                                  updates0: int, began: float | None = None) -> Window:
        """The window from ``began`` to the last call of the bot's, once it has gone quiet."""
        began = time.perf_counter() if began is None else began
        last_calls = self.calls()
        cpu0 = cpu0 or cpu_seconds(pid)
        last = Window(cpu_seconds(pid).since(cpu0), time.perf_counter() - began,
                      self.updates - updates0, last_calls - calls0)
        quiet_since = time.perf_counter()
        while time.perf_counter() - quiet_since < QUIET_SECONDS:
            await asyncio.sleep(LOOK_EVERY)
            calls = self.calls()
            if calls != last_calls:
                last_calls, quiet_since = calls, time.perf_counter()
                last = Window(cpu_seconds(pid).since(cpu0), quiet_since - began,
                              self.updates - updates0, calls - calls0)
        return last
