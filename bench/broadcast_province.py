"""A province's alert: the whole bot (``python -m bot run``) sends one ``/alert`` to N groups while
a resident files ``/tip`` every few seconds, against the Bot API emulator enforcing Telegram's
limits (30 msg/s overall, 20/min per group, ~1/s per private chat; 1,000/s for paid sends).

The bot runs as its own process, as in production (SQLite in a temporary folder, log level
WARNING); the emulator runs in this process, so its memory and CPU are not the bot's. The groups
are linked in the database before the bot starts (registering 5,000 groups by ``/register``
would itself take minutes of flood-limited answers). Printed:

* throughput: group copies / (last copy - the officer's command or confirmation), as a share
  of 30 msg/s (target >= 0.97), or of 1,000 msg/s with ``--paid`` (target >= 0.9); a full
  window of tokens is free at the start, so a short paid run (5,000 copies: 5 s) reads a little
  above the pace it keeps: ``--groups 20000 --paid`` measures the pace over 20 s;
* unpaid, two runs one after the other: the copies alone (nobody else talks to the bot), then
  with a resident filing ``/tip`` every few seconds (receipts and staff notices share the 30 a
  second with the copies, answers first: the copies get what the answers leave); for each, the
  copies' share and everything Telegram counted;
* what Telegram saw: 429s provoked (target 0) and the most sends in any sliding second
  (never more than 30 unpaid), duplicates (must be 0);
* the bot's RSS (``/proc/<pid>/status``) before the alert, its peak while sending (sampled
  every 0.25 s, and ``VmHWM``) and after (target: growth <= 30 MB);
* each ``/tip`` receipt's latency while the alert goes (target: within 1 s), p50 and max;
* with ``--paid``: the Stars the emulator charged (0.1 a copy);
* the CPU the emulator (this process) used per copy: it shares the 2 cores with the bot.

Figures only, nothing asserted. Linux only (``/proc``). From the repository root::

    .venv/bin/python bench/broadcast_province.py --groups 1000
    .venv/bin/python bench/broadcast_province.py --groups 5000
    .venv/bin/python bench/broadcast_province.py --groups 5000 --paid
    .venv/bin/python bench/broadcast_province.py --groups 5000 --no-tips   # copies alone only
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.memory import has_unit_buttons, memory_of
from bot.config import load_config
from bot.runtime import prepare_storage
from channels.telegram_addresses import address_of_chat
from core.clock import SystemClock
from emulators.telegram import FakeTelegramAPI
from emulators.telegram.faults import SENDING_METHODS
from storage import groups as group_store

REPO = Path(__file__).resolve().parents[1]
COMMUNES = ("XA-1", "XA-2", "XA-3", "XA-4")
CONFIG = """
[bot]
log_level = "WARNING"
[telegram]
api_base_url = "{base_url}"
[storage]
url = "{db}"
[bulletins]
paid_broadcast = {paid}
[tips]
max_per_hour = 1000
max_per_day = 1000
[[units]]
code = "TINH"
name = "Tỉnh thử"
{communes}
[[staff]]
telegram_id = {officer}
role = "officer"
unit = "TINH"
[[staff]]
telegram_id = {admin}
role = "admin"
unit = "TINH"
"""
TIP_EVERY = 3.0  # seconds between the resident's tips
STEP_TIMEOUT = 900.0


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Watch:
    """Reads the emulator's message log incrementally (the log grows to N copies; scanning it
    whole at every change would cost the emulator more than it spends answering)."""

    def __init__(self, fake: FakeTelegramAPI, groups: set[int], resident: int) -> None:
        self.fake = fake
        self.groups = groups
        self.resident = resident
        self.cursor = 0
        self.copies: dict[int, int] = {}
        self.last_copy_at = 0.0
        self.receipts: list[float] = []  # arrival times of the resident's receipts

    def scan(self) -> None:
        sent = self.fake.world.sent
        now = time.monotonic()
        while self.cursor < len(sent):
            chat_id, message_id = sent[self.cursor]
            self.cursor += 1
            if chat_id in self.groups:
                self.copies[chat_id] = self.copies.get(chat_id, 0) + 1
                self.last_copy_at = now
            elif chat_id == self.resident:
                message = self.fake.world.messages.get((chat_id, message_id), {})
                if "TIP-" in message.get("text", ""):
                    self.receipts.append(now)


async def seed(config_path: Path, chat_ids: list[int]) -> None:
    config = load_config(config_path, {"BOT_TOKEN": "1:x"})
    clock = SystemClock()
    db, _ = await prepare_storage(config, clock)
    async with db.transaction() as conn:
        for n, chat_id in enumerate(chat_ids):
            await group_store.link_group(conn, address_of_chat(chat_id), f"Tổ {n + 1}",
                                         COMMUNES[n % len(COMMUNES)], address_of_chat(1),
                                         clock.now())
    await db.close()


async def run(groups: int, paid: bool, stars: float, tips: bool, storage: str | None) -> None:
    fake = FakeTelegramAPI(rate_limits=True)
    fake.stars.top_up(stars)
    await fake.start()
    folder = Path(tempfile.mkdtemp(prefix="bench-province-"))
    officer = fake.user("Cán bộ thử")
    resident = fake.user("Cư dân thử")
    communes = "".join(f'[[units]]\ncode = "{c}"\nname = "Xã {c}"\nparent = "TINH"\n'
                       for c in COMMUNES)
    config = folder / "config.toml"
    db_url = storage or f"sqlite+aiosqlite:///{folder / 'bot.db'}"
    config.write_text(CONFIG.format(base_url=fake.base_url, db=db_url,
                                    paid="true" if paid else "false", communes=communes,
                                    officer=officer.id, admin=fake.user("Quản trị").id),
                      encoding="utf-8")
    chats = [fake.group(f"Tổ {n + 1}") for n in range(groups)]
    await seed(config, [chat.id for chat in chats])
    env = {**os.environ, "BOT_TOKEN": fake.token, "PYTHONPATH": str(REPO)}
    log = (folder / "bot.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config), cwd=folder, env=env,
        stdout=log, stderr=log)
    watch = Watch(fake, {chat.id for chat in chats}, resident.id)
    rss: list[float] = []
    latencies: list[float] = []
    try:
        await fake.wait_for_call("getUpdates", timeout=60)
        # The resident's first tip chooses their commune; later ones go straight to a receipt.
        fake.send_message(resident, "/tip")
        units = await fake.wait_for_message(resident.id, has_unit_buttons, timeout=60)
        fake.press_button(resident, units, f"ti:u:{COMMUNES[0]}")
        fake.send_message(resident, "/tip Xe máy lạ đỗ trước hẻm từ sáng.")
        await fake.wait_for_message(resident.id, lambda m: "TIP-" in m.get("text", ""),
                                    timeout=60)
        # Telegram's ~1 message a second in one private chat: the officer's chat had a burst at
        # start (one "queue ran dry" notice per commune, broadcasts/desk.py _tell) and a tip
        # notice; let it settle so that the alert's own answer is not the one refused.
        await asyncio.sleep(4.0)
        watch.scan()
        before, _ = memory_of(process.pid)
        hits_before = fake.rate_limit_hits
        cpu_before = cpu_seconds(process.pid)
        emulator_before = own_cpu()
        fake.send_message(officer, "/alert Cảnh báo thử: giả danh công an gọi điện lừa đảo")
        started = time.monotonic()
        if paid:
            # The bot's pid, for a profiler: py-spy record --pid PID (see the README).
            print(f"bot pid: {process.pid}", flush=True)
            question = await fake.wait_for_message(
                officer.id, lambda m: "Telegram Stars" in m.get("text", ""), timeout=60)
            print("officer's question:", question["text"].split("\n\n")[-2])
            fake.press_button(officer, question, "al:ok")
            started = time.monotonic()
        next_tip = started + 1.0
        tip_sent_at: list[float] = []
        while len(watch.copies) < groups:
            await asyncio.sleep(0.01)
            watch.scan()
            now = time.monotonic()
            if len(rss) < (now - started) / 0.25:
                rss.append(memory_of(process.pid)[0])
            if tips and now >= next_tip:
                tip_sent_at.append(now)
                fake.send_message(resident, f"/tip Tin thử số {len(tip_sent_at)} trong lúc gửi.")
                next_tip = now + TIP_EVERY
            if now - started > STEP_TIMEOUT:
                raise TimeoutError(f"only {len(watch.copies)}/{groups} groups reached")
        wall = watch.last_copy_at - started
        cpu = cpu_seconds(process.pid) - cpu_before
        emulator_cpu = own_cpu() - emulator_before

        def every_receipt() -> bool:
            watch.scan()
            return len(watch.receipts) >= len(tip_sent_at) + 1

        await fake.wait_until(every_receipt, timeout=30, what="the last receipts")
        await asyncio.sleep(2.0)  # the delivery summary, then a quiet bot
        after, peak_hwm = memory_of(process.pid)
        receipts = watch.receipts[1:]  # the first receipt came before the alert
        latencies = [got - asked for asked, got in zip(tip_sent_at, receipts, strict=False)]
    finally:
        process.terminate()
        await process.wait()
        log.close()
        await fake.stop()
    limiter = fake.rate_limiter
    ceiling = 1000.0 if paid else 30.0
    # Everything Telegram counted in the same span: the copies and the answers to the resident
    # and the notices to staff that shared the 30 a second with them.
    every_send = sum(1 for call in fake.calls if call.method in SENDING_METHODS
                     and call.status == 200 and started <= call.at <= watch.last_copy_at
                     and not call.params.get("allow_paid_broadcast"))
    database = "PostgreSQL" if storage else "SQLite"
    print(f"\n== bot process (python -m bot run), {database}; groups: {groups}; "
          f"paid broadcast: {'on' if paid else 'off'}; "
          f"{'a resident filing /tip' if tips else 'copies alone'}; "
          f"load average: {os.getloadavg()}")
    print(f"wall time (command or confirmation -> last copy): {wall:.2f} s")
    print(f"throughput: {groups / wall:.1f} msg/s = {groups / wall / ceiling:.3f} of "
          f"{ceiling:.0f} msg/s")
    if not paid:
        print(f"every message sent in that time (copies, receipts, staff notices): "
              f"{every_send / wall:.1f} msg/s = {every_send / wall / ceiling:.3f} of 30 msg/s")
    refused = [c for c in fake.calls if c.status == 429]
    in_groups = sum(1 for c in refused if int(c.params.get("chat_id", 0)) < 0)
    print(f"429s provoked: {fake.rate_limit_hits - hits_before} "
          f"({in_groups} in groups, {len(refused) - in_groups} in private chats)")
    print(f"most unpaid sends in any second: {limiter.most_in_a_second}; "
          f"most paid: {limiter.most_paid_in_a_second}")
    print(f"duplicates: {sum(n - 1 for n in watch.copies.values())}")
    print(f"bot CPU while sending: {cpu:.1f} s = {cpu / groups * 1000:.1f} ms a copy (all its "
          f"work included); {cpu / wall * 100:.0f}% of one core")
    print(f"emulator (this process) CPU while sending: {emulator_cpu:.1f} s = "
          f"{emulator_cpu / groups * 1000:.2f} ms a copy")
    print(f"bot RSS MiB: before {before:.1f}, peak while sending {max(rss, default=0):.1f} "
          f"(VmHWM {peak_hwm:.1f}), after {after:.1f}; growth {max([*rss, after]) - before:.1f}")
    if latencies:
        print(f"resident's /tip receipts while sending: {len(latencies)}, "
              f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"max {max(latencies) * 1000:.0f} ms")
    if paid:
        print(f"paid messages: {fake.stars.paid_messages}; Stars charged: "
              f"{fake.stars.spent_stars:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--paid", action="store_true",
                        help="bulletins.paid_broadcast = true, the bot's balance topped up")
    parser.add_argument("--stars", type=float, default=10_000.0,
                        help="the bot's Star balance in the emulator (default 10,000)")
    parser.add_argument("--no-tips", action="store_true",
                        help="only the run without a resident filing tips (copies alone)")
    parser.add_argument("--tips-only", action="store_true",
                        help="only the run with a resident filing tips")
    parser.add_argument("--storage-url", default=None,
                        help="an empty PostgreSQL database (postgresql+asyncpg://...) instead "
                             "of a SQLite file")
    args = parser.parse_args()
    # Unpaid, both runs by default: the copies alone, then with a resident. Paid: with one.
    modes = ([False] if args.no_tips else [True] if args.tips_only or args.paid
             else [False, True])
    for tips in modes:
        asyncio.run(run(args.groups, args.paid, args.stars, tips, args.storage_url))


if __name__ == "__main__":
    main()
