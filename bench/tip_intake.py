"""Tip intake cost: the real bot against a bare python-telegram-bot echo bot (issue 3, item 10).

N simulated residents file one-shot tips (``/tip <text>``) through the fake Bot API
(``emulators/telegram``, real HTTP on 127.0.0.1) to the real bot, started as the
end-to-end tests start it: SQLite in a temporary directory, log level WARNING, a config with four
units and three officers. Each resident first chooses their unit once (``/tip``, then a
``ti:u:<UNIT>`` press: the unit is remembered, nothing is filed; then "Hủy", so no draft is left
open, as for a resident who has filed before), untimed, so that every timed ``/tip <text>``
files at once. A tip's latency runs from the moment its update is enqueued on the
fake to the moment the bot's receipt (the message naming ``TIP-XXXXXX``) reaches the fake. The
notices the outbox worker sends to officers meanwhile are not receipts and are not counted.

The comparison is a bare PTB bot that answers every message with ``reply_text``, built as
``bot/app.py`` builds the real one (AIORateLimiter(max_retries=3), the same kind of update
processor, ``poll_interval=0``, ``timeout=1``), on a fake of its own, so only the work per update
differs. Both bots run side by side in this event loop, each fake with them, as in the end-to-end
tests, so the fakes' work is part of both bots' figures. The fakes' own rate limits stay off.

Timed phases:

* steady: N x K tips offered at ``--rate`` tips/s, cut into ``--rounds`` rounds in which the bots
  take turns (real-echo, echo-real, ...). On a shared machine the speed drifts by a third from
  one minute to the next; in turns, a slow minute falls on both bots alike. The judged figure,
  the per-update cost the issue's target is about (at most 1.5x the echo bot), is the median of
  the rounds' p50 ratios. The real bot's outbox worker keeps sending staff notices (about one
  a second per officer) in the echo bot's rounds as in its own.
* wave: every resident files one more tip at the same instant; its throughput is how fast the
  bot drains a backlog.
* wave, limiter bypassed: the same again with PTB's AIORateLimiter skipped, because it allows
  only 30 requests/s with a ``chat_id`` and so caps both bots in a wave.

The other paths (a first-time resident's ``/tip text``, the guided flow, a bulletin's link), each
bot in a process of its own and measured from outside, are ``bench/tip_intake_paths.py``: there
the fakes' work is not in the bots' figures, as it is here.

"CPU per tip" is the process's CPU time over the phase (handlers, database, background tasks,
the fakes, the idle bot's polling) per receipt.
Figures only: nothing here asserts on time.

Run from the repository root (under two minutes with the defaults)::

    PYTHONPATH=. .venv/bin/python bench/tip_intake.py [--residents N] [--tips-per-resident K]
        [--rate TIPS_PER_SECOND] [--rounds R] [--no-client-limiter] [--seed S]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections import deque
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseUpdateProcessor,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bench.tip_intake_load import (
    REPLY_TIMEOUT,
    MeasuredLimiter,
    PhaseResult,
    ReplyClock,
    Subject,
    ask,
    merged,
    note_strays,
    prewarm,
    timed_phase,
)
from bench.tip_intake_report import percentile, phase_rows, print_table, verdict
from bot.config import load_config
from bot.logging import configure_logging
from bot.runtime import start_bot
from core.clock import SystemClock
from emulators.telegram import FakeTelegramAPI, FakeUser
from storage import outbox
from tests.conftest import UNITS_AND_STAFF

ROUND_PAUSE = 1.0  # seconds between rounds and phases: the client limiter's bucket refills
COMMUNES = ("TT-TANTHANH", "TT-BINHTHANH", "TT-TANTHANH-A1")

CONFIG = """
[bot]
language = "vi"
timezone = "Asia/Ho_Chi_Minh"
log_level = "WARNING"

[telegram]
api_base_url = "{base_url}"

[tips]
max_per_hour = {limit}
max_per_day = {limit}
notify = "unit_and_parent"

{units_and_staff}"""

WHAT = ("Có người bán ma túy", "Trộm xe máy", "Đánh bạc", "Cướp giật điện thoại",
        "Nhóm thanh niên mang hung khí", "Lừa đảo qua mạng", "Đua xe trái phép")
WHERE = ("ở đầu hẻm 5", "gần chợ", "sau trường tiểu học", "bên bờ kênh", "ở quán cà phê ấp 1",
         "trên đường tỉnh 844", "cạnh trạm y tế")
WHEN = ("tối qua", "sáng nay", "khoảng 21h", "mấy hôm nay", "vừa xong", "chiều chủ nhật")


def tip_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(WHAT)} {rng.choice(WHERE)} {rng.choice(WHEN)}, "
            f"khoảng {rng.randint(2, 6)} người." for _ in range(count)]


# ---- the two bots ---------------------------------------------------------------------------
def has_unit_buttons(message: dict[str, Any]) -> bool:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return any(b.get("callback_data", "").startswith("ti:u:") for row in rows for b in row)


async def start_real_bot(fake: FakeTelegramAPI, directory: Path, limit: int,
                         client_limiter: bool) -> Subject:
    # The tests' unit tree and staff, with this fake's users in the staff roles.
    staff = {"admin": fake.user("Lê Văn Quản").id, "officer": fake.user("Trần Thị Công").id,
             "other_officer": fake.user("Phạm Văn Bình").id,
             "editor": fake.user("Võ Thị Biên").id}
    path = directory / "config.toml"
    path.write_text(CONFIG.format(base_url=fake.base_url, limit=limit,
                                  units_and_staff=UNITS_AND_STAFF.format(**staff)),
                    encoding="utf-8")
    config = load_config(path, {"BOT_TOKEN": fake.token})
    running = await start_bot(config, fake.token, SystemClock(), poll_timeout=1, environ={})
    bot = running.application.bot
    # Wrap the limiter bot/app.py installed; PTB offers no public way to swap it once built.
    limiter = MeasuredLimiter(bot.rate_limiter if client_limiter else None)
    bot._rate_limiter = limiter  # type: ignore[attr-defined]
    replies = ReplyClock(fake)

    async def choose_unit_once(user: FakeUser, n: int) -> None:
        units = await ask(subject, user, "/tip", has_unit_buttons)
        categories = replies.expect(user.id, lambda _message: True)
        fake.press_button(user, units, f"ti:u:{COMMUNES[n % len(COMMUNES)]}")
        _, shown = await asyncio.wait_for(categories, REPLY_TIMEOUT)
        # Leave the flow (the unit stays remembered): a returning resident has no draft open.
        cancelled = replies.expect(user.id, lambda _message: True)
        fake.press_button(user, shown, "ti:x")
        await asyncio.wait_for(cancelled, REPLY_TIMEOUT)

    async def stop() -> None:
        async with running.services.db.reading() as conn:
            queued = (await outbox.statuses(conn)).get(outbox.PENDING, 0)
        subject.notes.append(f"staff notices still queued in the outbox at the end: {queued} "
                             "(sent ~1/s per officer chat; not receipts)")
        await running.stop()

    processor = running.application.update_processor
    subject = Subject("real bot", fake, replies, limiter, lambda m: "TIP-" in m.get("text", ""),
                      choose_unit_once, stop, processor)
    subject.notes.append(f"update processor {type(processor).__name__}"
                         f"(max_concurrent_updates={processor.max_concurrent_updates})")
    return subject


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    await message.reply_text(message.text or "ok")


async def start_echo_bot(fake: FakeTelegramAPI, processor: BaseUpdateProcessor,
                         client_limiter: bool) -> Subject:
    limiter = MeasuredLimiter(AIORateLimiter(max_retries=3) if client_limiter else None)
    application = (Application.builder().token(fake.token).base_url(fake.base_url)
                   .base_file_url(fake.base_file_url).rate_limiter(limiter)
                   .concurrent_updates(processor).build())
    application.add_handlers([CommandHandler("tip", echo), MessageHandler(filters.ALL, echo)])
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=1,
                                            allowed_updates=Update.ALL_TYPES)
    replies = ReplyClock(fake)

    async def say_hello(user: FakeUser, _n: int) -> None:
        await ask(subject, user, "/start", lambda _message: True)

    async def stop() -> None:
        assert application.updater is not None
        await application.updater.stop()
        await application.stop()
        await application.shutdown()

    subject = Subject("echo bot", fake, replies, limiter, lambda _message: True, say_hello,
                      stop, processor)
    return subject


async def start_subjects(stack: AsyncExitStack, args: argparse.Namespace,
                         tips_each: int) -> dict[str, Subject]:
    """Both bots, each on a fake of its own, running side by side in this event loop."""
    subjects: dict[str, Subject] = {}
    for kind in ("real", "echo"):
        fake = FakeTelegramAPI()
        await fake.start()
        stack.push_async_callback(fake.stop)
        if kind == "real":
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory(
                prefix="bench-tips-")))
            subject = await start_real_bot(fake, directory, tips_each, args.client_limiter)
        else:
            # The real bot's kind of update processor, a fresh one with the same bound.
            real = subjects["real"].processor
            subject = await start_echo_bot(fake, type(real)(real.max_concurrent_updates),
                                           args.client_limiter)
        stack.push_async_callback(subject.stop)
        subjects[kind] = subject
    return subjects


async def steady_rounds(subjects: dict[str, Subject], residents: dict[str, list[FakeUser]],
                        texts: deque[str], args: argparse.Namespace
                        ) -> dict[str, list[PhaseResult]]:
    """The steady load in rounds, the bots taking turns (real-echo, echo-real, ...): a shared
    machine's slow minutes then fall on both bots alike instead of on whichever ran then."""
    count = len(residents["real"])
    total = count * args.tips_per_resident
    rounds: dict[str, list[PhaseResult]] = {"real": [], "echo": []}
    for round_ in range(args.rounds):
        first, last = total * round_ // args.rounds, total * (round_ + 1) // args.rounds
        for kind in ("real", "echo") if round_ % 2 == 0 else ("echo", "real"):
            await asyncio.sleep(ROUND_PAUSE)
            plan = [(residents[kind][n % count], texts.popleft()) for n in range(first, last)]
            rounds[kind].append(await timed_phase(subjects[kind], plan, args.rate))
    return rounds


async def main(args: argparse.Namespace) -> None:
    configure_logging("WARNING")
    waves = ("wave", "wave, limiter bypassed") if args.client_limiter else ("wave",)
    tips_each = args.tips_per_resident + len(waves)
    texts = deque(tip_texts(args.seed, 2 * args.residents * tips_each))
    began = time.perf_counter()
    async with AsyncExitStack() as stack:
        subjects = await start_subjects(stack, args, tips_each)
        residents = {kind: [subject.fake.user(f"Cư dân {n}") for n in range(args.residents)]
                     for kind, subject in subjects.items()}
        for kind, subject in subjects.items():
            await prewarm(subject, residents[kind])
        rounds = await steady_rounds(subjects, residents, texts, args)
        results = {kind: {"steady": merged(rounds[kind])} for kind in subjects}
        for phase in waves:
            for kind, subject in subjects.items():
                await asyncio.sleep(ROUND_PAUSE)
                plan = [(user, texts.popleft()) for user in residents[kind]]
                results[kind][phase] = await timed_phase(subject, plan, None,
                                                         bypass_limiter=phase != "wave")
        for kind, subject in subjects.items():
            note_strays(subject, residents[kind])
    notes = [f"{subject.name}: {note}" for subject in subjects.values()
             for note in subject.notes]
    ratios = [percentile(real.latencies, 0.5) / percentile(echo_.latencies, 0.5)
              for real, echo_ in zip(rounds["real"], rounds["echo"], strict=True)]
    limiter = "AIORateLimiter(max_retries=3)" if args.client_limiter else "off"
    print(f"tip intake: {args.residents} residents; steady: {args.tips_per_resident} tip(s) "
          f"each at {args.rate:g} tips/s in {args.rounds} rounds, the bots taking turns; "
          f"waves: 1 tip each at once; client limiter: {limiter}")
    print_table([row for phase in ("steady", *waves)
                 for row in phase_rows(phase, results["real"][phase], results["echo"][phase])])
    print("steady p50 ratio per round: " + " ".join(f"{ratio:.2f}x" for ratio in ratios))
    for line in [*notes, *verdict(results["real"], results["echo"], ratios)]:
        print(line)
    print(f"run time: {time.perf_counter() - began:.1f} s")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=200, help="default 200")
    parser.add_argument("--tips-per-resident", type=int, default=2,
                        help="tips each resident files in the steady phase (default 2)")
    parser.add_argument("--rounds", type=int, default=8,
                        help="rounds the steady phase is cut into, the bots taking turns "
                             "(default 8)")
    parser.add_argument("--rate", type=float, default=20.0,
                        help="offered tips per second in the steady phase (default 20)")
    parser.add_argument("--no-client-limiter", dest="client_limiter", action="store_false",
                        help="run both bots without PTB's AIORateLimiter throughout")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the tip texts")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
