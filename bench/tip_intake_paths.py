"""Tip intake, every path: CPU per Bot API operation of the real bot against a bare
python-telegram-bot echo bot, both measured from outside (issue 19, item 1).

Each bot runs as a process of its own (the real one as ``python -m bot run``, SQLite in a
temporary directory, log level WARNING, the tests' four units and officers; the echo bot as
``bench/tip_intake_echo.py``), each against a fake Bot API (``emulators/telegram``) served from
this process. The bench reads each bot's CPU time (user + system, every thread) from
``/proc/<pid>/stat`` and counts the Bot API operations on its fake: the updates the residents
make and the calls the bot makes (``getUpdates`` and file downloads left out). The window runs
from a path's first update to the bot's last call once it has gone quiet for 2.5 s, so the
staff notices the outbox sends after the receipts (one a second per officer chat), and every
background task of the bot meanwhile, are in it.

Paths (40 residents each, 100 on the one-shot path, 8 at a time by default; each resident waits
for every answer):

* ``oneshot``: ``/tip <text>`` of a returning resident (their unit remembered beforehand,
  untimed) → receipt.
* ``first``: ``/tip <text>`` of a first-time resident → the unit button → receipt (the issue's
  measurement).
* ``guided``: a first-time resident: ``/tip`` → unit button → category button → a text, a
  photo, a location → "Gửi" → receipt.
* ``link``: ``/start tip-b<ID>`` from a bulletin (core/tip_links.py) → category → a text, a
  photo → "Gửi" → receipt.

The echo bot gets the same updates (it answers a message with ``reply_text``, a press with
``answerCallbackQuery`` and ``reply_text``). In every run each path is measured on both bots
back to back, their order alternating from run to run, so a shared machine's slow minute falls
on both alike; the figure is the ratio real/echo of CPU per operation, one per run, and its
median. Figures only: nothing here asserts on time.

Why 100 residents on the one-shot path: with 40, the echo bot's window is a burst of 0.3 s and
80 operations, about a tenth of a second of its CPU, and on a shared machine its figure per
operation moved by half from one run to the next (0.87-1.42 ms), so the ratio followed the echo
bot's noise rather than the real bot's cost. 100 residents give the echo bot 200 operations in
about a second; both bots still get exactly the same updates (``--residents`` sets it for every
path).

Run from the repository root (about eight minutes a run with the defaults)::

    PYTHONPATH=. .venv/bin/python bench/tip_intake_paths.py [--runs N] [--residents N]
        [--at-once N] [--paths oneshot,first,guided,link]

Where the time goes: ``--profile-window FILE`` attaches py-spy (``pip install py-spy``) to the
real bot for each measured window only (no start-up, warm-up or set-up of the returning
residents in it), collapsed stacks to ``FILE.<path>.<run>.txt``; ``bench/tip_intake_profile.py``
sorts them by step. ``--profile FILE`` runs the whole bot under py-spy instead. Either way
py-spy's sampling costs the bot CPU too: the ratios of such a run are not figures to quote.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from bench.tip_intake import COMMUNES, CONFIG, tip_texts
from bench.tip_intake_load import REPLY_TIMEOUT, ReplyClock
from bench.tip_intake_procs import BotProcess, Window, cpu_seconds, rss_mib
from emulators.telegram import FakeTelegramAPI, FakeUser
from tests.conftest import UNITS_AND_STAFF

PATHS = ("oneshot", "first", "guided", "link")
TARGETS = {"oneshot": 1.3, "first": 1.5, "guided": 1.5, "link": 1.5}
RESIDENTS = {"oneshot": 100}  # the others: 40
BULLETIN_UNIT = "TT-BINHTHANH"
PY_SPY = str(Path(sys.executable).with_name("py-spy"))
# py-spy's samples a second (of wall time, taken only while the bot holds the GIL): a one-shot
# window of 40 tips holds a quarter of a second of the bot's CPU, so raise it for a finer split.
PROFILE_RATE = 250
STORAGE = '\n[storage]\nurl = "sqlite+aiosqlite:///{path}"\n'

Action = tuple[str, str]  # ("text" | "press" | "photo" | "location", text or callback data)


def residents_of(args: argparse.Namespace, path: str) -> int:
    """``--residents``, or the path's default (the module docstring says why one-shot's is
    larger)."""
    return args.residents if args.residents is not None else RESIDENTS.get(path, 40)


def is_receipt(message: dict[str, Any]) -> bool:
    return "TIP-" in message.get("text", "")


def actions(path: str, n: int, words: str, bulletin_id: int) -> list[Action]:
    unit = COMMUNES[n % len(COMMUNES)]
    if path == "oneshot":
        return [("text", f"/tip {words}")]
    if path == "first":
        return [("text", f"/tip {words}"), ("press", f"ti:u:{unit}")]
    if path == "guided":
        return [("text", "/tip"), ("press", f"ti:u:{unit}"), ("press", "ti:c:drugs"),
                ("text", words), ("photo", ""), ("location", ""), ("press", "ti:s")]
    return [("text", f"/start tip-b{bulletin_id}"), ("press", "ti:c:drugs"), ("text", words),
            ("photo", ""), ("press", "ti:s")]


class Subject:
    """One bot process, its fake, and the residents' side of the conversation with it."""

    def __init__(self, bot: BotProcess, real: bool) -> None:
        self.bot = bot
        self.real = real
        self.replies = ReplyClock(bot.fake)
        self.lost = 0

    async def act(self, user: FakeUser, action: Action, last: dict[str, Any] | None,
                  final: bool) -> dict[str, Any] | None:
        kind, value = action
        fake = self.bot.fake
        wanted: Callable[[dict[str, Any]], bool] = (
            is_receipt if final and self.real else lambda _message: True)
        future = self.replies.expect(user.id, wanted)
        self.bot.updates += 1
        if kind == "text":
            fake.send_message(user, value)
        elif kind == "photo":
            fake.send_photo(user, caption="ảnh chụp lúc 21h")
        elif kind == "location":
            fake.send_location(user, 10.45, 105.63)
        else:
            assert last is not None
            fake.press_button(user, last, value)
        try:
            return (await asyncio.wait_for(future, REPLY_TIMEOUT))[1]
        except TimeoutError:
            self.lost += 1
            return None

    async def walk(self, user: FakeUser, steps: list[Action], *, files: bool = True) -> None:
        """The steps in turn, each awaiting the bot's answer; ``files``: the last answer is a
        receipt (anything else before it, e.g. an echo, is not the answer awaited)."""
        last: dict[str, Any] | None = None
        for number, action in enumerate(steps):
            last = await self.act(user, action, last, files and number == len(steps) - 1)
            if last is None:
                return


async def measure(subject: Subject, path: str, users: list[FakeUser], texts: list[str],
                  at_once: int, bulletin_id: int, profile_to: Path | None = None,
                  profile_rate: int = PROFILE_RATE) -> Window:
    gate = asyncio.Semaphore(at_once)

    async def one(n: int, user: FakeUser) -> None:
        async with gate:
            await subject.walk(user, actions(path, n, texts[n], bulletin_id))

    bot = subject.bot
    await bot.settle()
    spy = await spy_on(bot.pid, profile_to, profile_rate) if profile_to is not None else None
    cpu0, calls0, updates0 = cpu_seconds(bot.pid), bot.calls(), bot.updates
    began = time.perf_counter()
    await asyncio.gather(*(one(n, user) for n, user in enumerate(users)))
    window = await bot.measure_until_quiet(bot.pid, cpu0, calls0, updates0, began)
    if spy is not None:
        spy.send_signal(signal.SIGINT)
        await spy.wait()
    return window


async def spy_on(pid: int, output: Path, rate: int) -> asyncio.subprocess.Process:
    """py-spy attached to the running bot for one window only (no start-up, no warm-up, no
    set-up of the returning residents). Its own sampling costs the bot CPU too: the figures
    of a profiled run are not figures to quote."""
    spy = await asyncio.create_subprocess_exec(
        PY_SPY, "record", "--gil", "--rate", str(rate), "--format", "raw", "--output", str(output),
        "--pid", str(pid), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    await asyncio.sleep(1.0)  # attached before the first update
    return spy


async def start_subjects(stack: AsyncExitStack, directory: Path,
                         profile: Path | None = None,
                         profile_rate: int = PROFILE_RATE) -> dict[str, Subject]:
    subjects: dict[str, Subject] = {}
    for kind in ("real", "echo"):
        fake = FakeTelegramAPI()
        await fake.start()
        stack.push_async_callback(fake.stop)
        bot = BotProcess(f"{kind} bot", fake)
        if kind == "real":
            staff = {"admin": fake.user("Lê Văn Quản").id,
                     "officer": fake.user("Trần Thị Công").id,
                     "other_officer": fake.user("Phạm Văn Bình").id,
                     "editor": fake.user("Võ Thị Biên").id}
            config = directory / "config.toml"
            config.write_text(CONFIG.format(base_url=fake.base_url, limit=1000,
                                            units_and_staff=UNITS_AND_STAFF.format(**staff))
                              + STORAGE.format(path=directory / "bot.db"), encoding="utf-8")
            argv = ["-m", "bot", "run", "--config", str(config)]
        else:
            argv = [str(Path(__file__).with_name("tip_intake_echo.py")), fake.base_url,
                    fake.base_file_url]
        wrapper = []
        if profile is not None and kind == "real":
            # py-spy (pip install py-spy) samples the real bot's Python stacks; its own CPU
            # then counts too, so the ratios of such a run are not figures to quote.
            wrapper = [PY_SPY, "record", "--gil", "--rate", str(profile_rate), "--format",
                       "raw", "--output", str(profile), "--"]
        await bot.start(argv, directory, wrapper=wrapper)
        stack.push_async_callback(bot.stop)
        subjects[kind] = Subject(bot, real=kind == "real")
    return subjects


async def add_bulletin(directory: Path) -> int:
    """An approved bulletin of BULLETIN_UNIT, written into the running bot's database."""
    from channels.telegram_addresses import address_of_chat
    from core.clock import SystemClock
    from storage.bulletins import insert_bulletin
    from storage.db import open_database

    db = open_database(f"sqlite+aiosqlite:///{directory / 'bot.db'}")
    try:
        async with db.transaction() as conn:
            record = await insert_bulletin(
                conn, unit_code=BULLETIN_UNIT, topic="drugs", body="Cảnh giác ma túy",
                media_kind=None, media_file_id=None, status="approved", is_alert=False,
                created_by=address_of_chat(1), now=SystemClock().now())
    finally:
        await db.close()
    return record.id


async def remember_units(subject: Subject, users: list[FakeUser]) -> None:
    """Untimed: each returning resident chose their unit once (``/tip``, the unit, /cancel)."""
    gate = asyncio.Semaphore(8)

    async def one(n: int, user: FakeUser) -> None:
        async with gate:
            await subject.walk(user, [("text", "/tip"),
                                      ("press", f"ti:u:{COMMUNES[n % len(COMMUNES)]}"),
                                      ("text", "/cancel")], files=False)

    await asyncio.gather(*(one(n, user) for n, user in enumerate(users)))


async def main(args: argparse.Namespace) -> None:
    began = time.perf_counter()
    paths = tuple(args.paths.split(","))
    loads = [os.getloadavg()]
    results: dict[str, list[tuple[Window, Window]]] = {path: [] for path in paths}
    rng = random.Random(args.seed)
    async with AsyncExitStack() as stack:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-paths-")))
        subjects = await start_subjects(stack, directory, args.profile, args.profile_rate)
        bulletin_id = await add_bulletin(directory)
        # Untimed: every path once on each bot, so that nothing is imported or compiled for the
        # first time inside a window.
        for subject in subjects.values():
            for path in paths:
                users = [subject.bot.fake.user(f"Cư dân {path} warm-up {n}")
                         for n in range(2)]
                if path == "oneshot":
                    await remember_units(subject, users)
                await measure(subject, path, users, tip_texts(args.seed, 2), 2, bulletin_id)
            subject.lost = 0
        for run in range(args.runs):
            for path in paths:
                order = ("real", "echo") if (run + paths.index(path)) % 2 == 0 else (
                    "echo", "real")
                windows: dict[str, Window] = {}
                residents = residents_of(args, path)
                texts = tip_texts(rng.randrange(1 << 30), residents)
                for kind in order:
                    subject = subjects[kind]
                    users = [subject.bot.fake.user(f"Cư dân {path} {run}-{n}")
                             for n in range(residents)]
                    if path == "oneshot":
                        await remember_units(subject, users)
                    profile_to = (args.profile_window.with_suffix(f".{path}.{run + 1}.txt")
                                  if args.profile_window is not None and subject.real else None)
                    windows[kind] = await measure(subject, path, users, texts, args.at_once,
                                                  bulletin_id, profile_to, args.profile_rate)
                results[path].append((windows["real"], windows["echo"]))
                real, echo_ = windows["real"], windows["echo"]
                print(f"run {run + 1} {path:8} real {real.cpu_per_op_ms:6.3f} ms/op "
                      f"({real.operations} ops, {real.cpu:.2f} s CPU, {real.wall:.1f} s)  "
                      f"echo {echo_.cpu_per_op_ms:6.3f} ms/op ({echo_.operations} ops, "
                      f"{echo_.cpu:.2f} s CPU, {echo_.wall:.1f} s)  "
                      f"ratio {real.cpu_per_op_ms / echo_.cpu_per_op_ms:.2f}x", flush=True)
                loads.append(os.getloadavg())
        rss = {kind: rss_mib(subject.bot.pid) for kind, subject in subjects.items()}
        lost = {kind: subject.lost for kind, subject in subjects.items()}
    print_summary(args, paths, results, loads, rss, lost)
    print(f"run time: {time.perf_counter() - began:.0f} s")


def print_summary(args: argparse.Namespace, paths: tuple[str, ...],
                  results: dict[str, list[tuple[Window, Window]]],
                  loads: list[tuple[float, float, float]], rss: dict[str, float],
                  lost: dict[str, int]) -> None:
    print(f"\ntip intake, every path: "
          f"{', '.join(f'{residents_of(args, path)} residents ({path})' for path in paths)}, "
          f"{args.at_once} at a "
          f"time, {args.runs} run(s); CPU per Bot API operation, real bot / echo bot")
    print(f"{'path':8} {'real ms/op':>10} {'echo ms/op':>10} {'ops/tip':>8} "
          f"{'ratio per run':>28} {'median':>7} {'target':>7}")
    for path in paths:
        pairs = results[path]
        ratios = [real.cpu_per_op_ms / echo_.cpu_per_op_ms for real, echo_ in pairs]
        median = statistics.median(ratios)
        real_ms = statistics.median(real.cpu_per_op_ms for real, _ in pairs)
        echo_ms = statistics.median(echo_.cpu_per_op_ms for _, echo_ in pairs)
        per_tip = statistics.median(real.operations for real, _ in pairs) / residents_of(
            args, path)
        verdict = "met" if median <= TARGETS[path] else "NOT met"
        print(f"{path:8} {real_ms:10.3f} {echo_ms:10.3f} {per_tip:8.1f} "
              f"{' '.join(f'{r:.2f}x' for r in ratios):>28} {median:6.2f}x "
              f"≤{TARGETS[path]:.1f}x {verdict}")
    print("load average (1/5/15 min) at the start and after each run: "
          + "; ".join(f"{a:.2f} {b:.2f} {c:.2f}" for a, b, c in loads[:: max(1, len(paths))]))
    print(f"RSS at the end: real bot {rss['real']:.0f} MiB, echo bot {rss['echo']:.0f} MiB; "
          f"answers not received within {REPLY_TIMEOUT:.0f} s: real {lost['real']}, "
          f"echo {lost['echo']}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="default 5")
    parser.add_argument("--residents", type=int, default=None,
                        help="a path's residents (40; the one-shot path 100)")
    parser.add_argument("--at-once", type=int, default=8, help="residents at a time (8)")
    parser.add_argument("--paths", default=",".join(PATHS), help="default: all four")
    parser.add_argument("--profile", type=lambda text: Path(text).absolute(), default=None,
                        help="run the real bot under py-spy, collapsed stacks to this file")
    parser.add_argument("--profile-window", type=lambda text: Path(text).absolute(),
                        default=None,
                        help="py-spy attached to the real bot during each measured window only: "
                             "collapsed stacks to FILE.<path>.<run>.txt")
    parser.add_argument("--profile-rate", type=int, default=PROFILE_RATE,
                        help=f"py-spy's samples a second ({PROFILE_RATE})")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the tip texts")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
