"""Memory of the running bot: resident set size of ``python -m bot run`` as its work grows.

The bot runs as its own process (``bench/bot_process.py``: ``python -m bot run``, SQLite in a
temporary folder, log level WARNING) against the Bot API emulator (real HTTP on 127.0.0.1) in
this process, so the emulator's memory is not counted. The bench reads the bot's ``VmRSS`` and
``VmHWM`` (peak) from ``/proc/<pid>/status`` after each stage, and which heavy libraries are
mapped into it (``/proc/<pid>/maps``):

1. first start (empty database: every migration runs), idle;
2. restarted (schema current: the usual start), idle;
3. N groups registered to communes by an officer (``/register`` in each group);
4. M residents have each filed a tip (unit chosen once, then ``/tip <text>``);
5. one ``/alert`` delivered to those N groups, with its delivery summary;
6. the bot stopped, groups added straight into its database up to ``--many-groups`` (100,000:
   registering them one by one through the emulator would take hours), restarted, idle;
7. one ``/alert`` to all of them: once planned (the officer has the answer), and after
   ``--sends`` of its copies have reached the emulator. At Telegram's 30 messages a second the
   whole alert would take about an hour, so the bench stops there.

Figures only, nothing asserted. Linux only (``/proc``). From the repository root::

    .venv/bin/python bench/memory.py [--groups 1000] [--residents 300] [--many-groups 100000]
                                     [--sends 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bot_process import COMMUNES, BotProcess, libraries_loaded, memory_of
from emulators.telegram import FakeTelegramAPI, FakeUser

STEP_TIMEOUT = 900.0
ALERT = "/alert Cảnh báo thử: giả danh công an gọi điện lừa đảo"


def has_unit_buttons(message: dict[str, Any]) -> bool:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return any(b.get("callback_data", "").startswith("ti:u:") for row in rows for b in row)


async def register_groups(fake: FakeTelegramAPI, officer: FakeUser, count: int) -> None:
    group_ids = set()
    for n in range(count):
        group = fake.group(f"Tổ tự quản {n + 1}", members=12)
        group_ids.add(group.id)
        fake.send_message(officer, f"/register {COMMUNES[n % len(COMMUNES)]}", chat=group)

    def every_group_answered() -> bool:
        # The bot's answer to /register lands in the group once the link is committed.
        return group_ids <= {chat_id for chat_id, _ in fake.world.sent}

    await fake.wait_until(every_group_answered, timeout=STEP_TIMEOUT,
                          what="every group to be registered")


def add_groups_to_database(fake: FakeTelegramAPI, database: Path, total: int) -> int:
    """Groups the emulator knows, linked to the communes in turn, written straight into the
    stopped bot's database as ``/register`` leaves them (copied from a registered group's row);
    returns how many groups the database now holds."""
    with sqlite3.connect(database) as db:
        have = db.execute("SELECT count(*) FROM groups").fetchone()[0]
        template = db.execute(
            "SELECT member_count, member_count_at, registered_by, registered_at, created_at,"
            " updated_at FROM groups WHERE status = 'active' ORDER BY id LIMIT 1").fetchone()
        unit_ids = [db.execute("SELECT id FROM units WHERE code = ?", (code,)).fetchone()[0]
                    for code in COMMUNES]
        rows = []
        for n in range(have, total):
            chat = fake.group(f"Tổ tự quản {n + 1}", members=12)
            rows.append((f"telegram:{chat.id}", chat.title, unit_ids[n % len(unit_ids)], "active",
                         *template))
        db.executemany(
            "INSERT INTO groups (address, title, unit_id, status, member_count, member_count_at,"
            " registered_by, registered_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return int(db.execute("SELECT count(*) FROM groups").fetchone()[0])


async def file_tip(fake: FakeTelegramAPI, resident: FakeUser, n: int) -> None:
    fake.send_message(resident, "/tip")
    units = await fake.wait_for_message(resident.id, has_unit_buttons, timeout=STEP_TIMEOUT)
    fake.press_button(resident, units, f"ti:u:{COMMUNES[n % len(COMMUNES)]}")
    fake.send_message(resident, f"/tip Có người lạ hỏi mua xe máy cũ ở hẻm số {n}, nghi trộm.")
    await fake.wait_for_message(resident.id, lambda m: "TIP-" in m.get("text", ""),
                                timeout=STEP_TIMEOUT)


def group_copies_sent(fake: FakeTelegramAPI, since: int) -> int:
    return sum(1 for chat_id, _ in fake.world.sent[since:] if chat_id < 0)


async def run(groups: int, residents: int, many_groups: int, sends: int) -> None:
    fake = FakeTelegramAPI()
    await fake.start()
    officer = fake.user("Cán bộ thử")
    bot = BotProcess(fake, Path(tempfile.mkdtemp(prefix="bench-memory-")), officer)
    rows: list[tuple[str, float, float, float, list[str]]] = []
    started = time.monotonic()

    def stage(name: str) -> None:
        current, peak = memory_of(bot.pid)
        rows.append((name, current, peak, time.monotonic() - started, libraries_loaded(bot.pid)))

    async def start_idle(name: str) -> None:
        await bot.start()
        polled = await bot.first_get_updates(timeout=STEP_TIMEOUT)
        await asyncio.sleep(2.0)  # let start-up work (catch-up jobs, notices) settle
        stage(f"{name} ({polled:.1f} s to getUpdates)")

    try:
        await start_idle("first start, idle")
        await bot.stop()
        await start_idle("restarted, idle")
        await register_groups(fake, officer, groups)
        stage(f"{groups} groups registered")
        gate = asyncio.Semaphore(20)

        async def one(n: int) -> None:
            async with gate:
                await file_tip(fake, fake.user(f"Cư dân {n}"), n)

        await asyncio.gather(*(one(n) for n in range(residents)))
        stage(f"{residents} tips filed")
        fake.send_message(officer, ALERT)
        await fake.wait_for_message(officer.id, lambda m: f"/{groups} " in m.get("text", ""),
                                    timeout=STEP_TIMEOUT)
        stage(f"alert delivered to {groups} groups")
        if many_groups > groups:
            await bot.stop()
            total = add_groups_to_database(fake, bot.database, many_groups)
            await start_idle(f"restarted with {total} groups, idle")
            since = len(fake.world.sent)
            fake.send_message(officer, ALERT)
            # The officer's answer names the number of groups once the copies are planned.
            await fake.wait_for_message(officer.id, lambda m: f" {total} " in m.get("text", ""),
                                        timeout=STEP_TIMEOUT)
            stage(f"alert to {total} groups planned")
            await fake.wait_until(lambda: group_copies_sent(fake, since) >= sends,
                                  timeout=STEP_TIMEOUT, what=f"{sends} copies of the alert")
            stage(f"... {sends} of its copies sent")
    finally:
        await bot.stop()
        await fake.stop()
    print(f"bot process (python -m bot run), SQLite; groups: {groups}; residents: {residents}")
    print(f"{'stage':<52} {'RSS MiB':>8} {'peak MiB':>9} {'at s':>7}  heavy libraries mapped")
    for name, current, peak, at, libraries in rows:
        print(f"{name:<52} {current:>8.1f} {peak:>9.1f} {at:>7.1f}  {', '.join(libraries)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--residents", type=int, default=300)
    parser.add_argument("--many-groups", type=int, default=100_000)
    parser.add_argument("--sends", type=int, default=3000)
    args = parser.parse_args()
    asyncio.run(run(args.groups, args.residents, args.many_groups, args.sends))


if __name__ == "__main__":
    main()
