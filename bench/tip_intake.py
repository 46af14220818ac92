"""Tip intake cost: the real bot against a bare python-telegram-bot echo bot (issue 3, item 10).

N simulated residents file one-shot tips (``/tip <text>``) through the fake Bot API
(``bot/emulator``, real HTTP on 127.0.0.1) to the real bot, started as the
end-to-end tests start it: SQLite in a temporary directory, log level WARNING, a config with four
units and three officers. Each resident first chooses their unit once (``/tip``, then a
``ti:u:<UNIT>`` press: the unit is remembered, nothing is filed; then "Huỷ", so no draft is left
open, as for a resident who has filed before), untimed, so that every timed ``/tip <text>``
files at once. A tip's latency runs from the moment its update is enqueued on the
fake to the moment the bot's receipt (the message naming ``TIP-XXXXXX``) reaches the fake. The
notices the outbox worker sends to officers meanwhile are not receipts and are not counted.

Timed phases, for each bot:

* steady: N x K tips offered at ``--rate`` tips/s. Its p50 is the per-update cost the issue's
  target is about (at most 1.5x the echo bot).
* wave: every resident files one more tip at the same instant; its throughput is how fast the
  bot drains a backlog.
* wave, limiter bypassed: the same again with PTB's AIORateLimiter skipped, because it allows
  only 30 requests/s with a ``chat_id`` and so caps both bots in a wave.

Then the same for a bare PTB bot that answers every message with ``reply_text``, built as
``bot/app.py`` builds the real one (AIORateLimiter(max_retries=3), the same kind of update
processor, ``poll_interval=0``, ``timeout=1``), on a fresh fake of its own, so only the work per
update differs. The fake's own rate limits stay off. The fake runs in the bots' event loop, as in
the end-to-end tests, so its work is part of both bots' figures; "CPU per tip" is the process's
CPU time over the phase (handlers, aiosqlite threads, background tasks, the fake) per receipt.
Figures only: nothing here asserts on time.

Run from the repository root (about a minute with the defaults)::

    PYTHONPATH=. .venv/bin/python bench/tip_intake.py [--residents N] [--tips-per-resident K]
        [--rate TIPS_PER_SECOND] [--no-client-limiter] [--seed S]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import tempfile
import time
from collections import deque
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
    run_subject,
)
from bot.clock import SystemClock
from bot.config import load_config
from bot.emulator import FakeTelegramAPI, FakeUser
from bot.logging import configure_logging
from bot.runtime import start_bot
from storage import outbox
from tests.conftest import UNITS_AND_STAFF

TARGET_RATIO = 1.5
LIMITER_BOUND_MS = 10.0  # mean wait in the client limiter above which it, not the bot, sets pace
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

WHAT = ("Có người bán ma tuý", "Trộm xe máy", "Đánh bạc", "Cướp giật điện thoại",
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

    async def prewarm(user: FakeUser, n: int) -> None:
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
                      prewarm, stop, processor)
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

    async def prewarm(user: FakeUser, _n: int) -> None:
        await ask(subject, user, "/start", lambda _message: True)

    async def stop() -> None:
        assert application.updater is not None
        await application.updater.stop()
        await application.stop()
        await application.shutdown()

    subject = Subject("echo bot", fake, replies, limiter, lambda _message: True, prewarm, stop,
                      processor)
    return subject


# ---- report ---------------------------------------------------------------------------------
def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least ``fraction`` of the values at or below."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def times(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b > 0 and not math.isnan(a) else "-"


def phase_rows(label: str, real: PhaseResult, echo_: PhaseResult) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [(f"[{label}]", "", "", "")]
    rows.append(("receipts (lost)", f"{len(real.latencies)} ({real.lost})",
                 f"{len(echo_.latencies)} ({echo_.lost})", ""))
    rows.append(("sent over (s)", f"{real.sent_over:.2f}", f"{echo_.sent_over:.2f}", ""))
    rows.append(("throughput (tips/s)", f"{real.throughput:.1f}", f"{echo_.throughput:.1f}",
                 times(real.throughput, echo_.throughput)))
    for name, fraction in (("p50", 0.5), ("p99", 0.99)):
        a, b = percentile(real.latencies, fraction), percentile(echo_.latencies, fraction)
        rows.append((f"{name} latency (ms)", ms(a), ms(b), times(a, b)))
    cpu_real = real.cpu / max(len(real.latencies), 1)
    cpu_echo = echo_.cpu / max(len(echo_.latencies), 1)
    rows.append(("CPU per tip (ms)", ms(cpu_real), ms(cpu_echo), times(cpu_real, cpu_echo)))
    rows.append(("limiter wait, mean (ms)", f"{real.mean_limiter_wait_ms:.1f}",
                 f"{echo_.mean_limiter_wait_ms:.1f}", ""))
    return rows


def print_table(rows: list[tuple[str, ...]]) -> None:
    print(f"{'':26}{'real bot':>12}{'echo bot':>12}{'real/echo':>11}")
    for label, real, echo_, ratio in rows:
        print(f"{label:26}{real:>12}{echo_:>12}{ratio:>11}")


def limiter_bound(*results: PhaseResult) -> bool:
    return any(r.mean_limiter_wait_ms > LIMITER_BOUND_MS for r in results)


def verdict(real: dict[str, PhaseResult], echo_: dict[str, PhaseResult]) -> list[str]:
    def line(what: str, ratio: float, limiter_bound_: bool = False) -> str:
        if limiter_bound_:
            judged = "not judged, PTB's AIORateLimiter set the pace for both bots"
        else:
            judged = "met" if ratio <= TARGET_RATIO else "NOT met"
        return (f"per-update cost ({what}): {ratio:.2f}x the echo bot; "
                f"target <= {TARGET_RATIO}x: {judged}")

    p50_real = percentile(real["steady"].latencies, 0.5)
    lines = [line("p50 latency, steady", p50_real / percentile(echo_["steady"].latencies, 0.5))]
    for phase in ("wave", "wave, limiter bypassed"):
        if phase not in real or not real[phase].throughput:
            continue
        lines.append(line(f"throughput, {phase}",
                          echo_[phase].throughput / real[phase].throughput,
                          limiter_bound(real[phase], echo_[phase])))
    if limiter_bound(real["steady"], echo_["steady"]):
        lines.append(f"note: in the steady phase requests waited over {LIMITER_BOUND_MS:g} ms "
                     "on average in PTB's AIORateLimiter: lower --rate to measure the bots")
    if "wave" in real and limiter_bound(real["wave"], echo_["wave"]):
        lines.append("note: in the wave, PTB's AIORateLimiter (30 requests/s for calls with a "
                     "chat_id) held requests longer than the bots worked on them; it sets that "
                     "throughput for both, so compare the bypassed wave")
    return lines


async def main(args: argparse.Namespace) -> None:
    configure_logging("WARNING")
    phases = ("steady", "wave", "wave, limiter bypassed") if args.client_limiter else (
        "steady", "wave")
    tips_each = args.tips_per_resident + len(phases) - 1
    results: dict[str, dict[str, PhaseResult]] = {}
    notes: list[str] = []
    processor: BaseUpdateProcessor | None = None
    began = time.perf_counter()
    for kind in ("real", "echo"):
        texts = deque(tip_texts(args.seed, args.residents * tips_each))
        fake = FakeTelegramAPI()
        await fake.start()
        try:
            with tempfile.TemporaryDirectory(prefix="bench-tips-") as tmp:
                if processor is None:
                    subject = await start_real_bot(fake, Path(tmp), tips_each,
                                                   args.client_limiter)
                    processor = subject.processor
                else:
                    # The real bot's kind of update processor, a fresh one with the same bound.
                    mirrored = type(processor)(processor.max_concurrent_updates)
                    subject = await start_echo_bot(fake, mirrored, args.client_limiter)
                residents = [fake.user(f"Cư dân {n}") for n in range(args.residents)]
                try:
                    results[kind] = await run_subject(subject, residents, texts,
                                                      args.tips_per_resident, args.rate, phases)
                finally:
                    await subject.stop()
                notes.extend(f"{subject.name}: {note}" for note in subject.notes)
        finally:
            await fake.stop()
    limiter = "AIORateLimiter(max_retries=3)" if args.client_limiter else "off"
    print(f"tip intake: {args.residents} residents; steady: {args.tips_per_resident} tip(s) "
          f"each at {args.rate:g} tips/s; wave: 1 tip each at once; client limiter: {limiter}")
    print_table([row for phase in phases
                 for row in phase_rows(phase, results["real"][phase], results["echo"][phase])])
    for line in [*notes, *verdict(results["real"], results["echo"])]:
        print(line)
    print(f"run time: {time.perf_counter() - began:.1f} s")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=200, help="default 200")
    parser.add_argument("--tips-per-resident", type=int, default=1,
                        help="tips each resident files in the steady phase (default 1)")
    parser.add_argument("--rate", type=float, default=20.0,
                        help="offered tips per second in the steady phase (default 20)")
    parser.add_argument("--no-client-limiter", dest="client_limiter", action="store_false",
                        help="run both bots without PTB's AIORateLimiter throughout")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the tip texts")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
