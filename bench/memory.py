"""Memory of the running bot: resident set size of ``python -m bot run`` as its work grows.

The bot runs as its own process, exactly as in production (``python -m bot run``, SQLite in a
temporary folder, log level WARNING), against the Bot API emulator (``emulators/telegram``, real
HTTP on 127.0.0.1), which runs in this process so that its own memory is not counted. The bench
reads the bot's ``VmRSS`` and ``VmHWM`` (peak) from ``/proc/<pid>/status`` after each stage:

1. started and idle;
2. N groups registered to communes by an officer (``/register`` in each group);
3. M residents have each filed a tip (unit chosen once, then ``/tip <text>``);
4. one ``/alert`` delivered to every group, with its delivery summary.

Figures only, nothing asserted. Linux only (``/proc``). From the repository root::

    .venv/bin/python bench/memory.py [--groups 1000] [--residents 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulators.telegram import FakeTelegramAPI, FakeUser

REPO = Path(__file__).resolve().parents[1]
COMMUNES = ("XA-1", "XA-2", "XA-3", "XA-4")
CONFIG = """
[bot]
log_level = "WARNING"
[telegram]
api_base_url = "{base_url}"
[tips]
max_per_hour = 100
max_per_day = 100
[[units]]
code = "TINH"
name = "Tỉnh thử"
{communes}
[[staff]]
telegram_id = {officer}
role = "officer"
unit = "TINH"
[[staff]]
telegram_id = 1
role = "admin"
unit = "TINH"
"""
STEP_TIMEOUT = 600.0


def memory_of(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a process, in MiB."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


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


async def file_tip(fake: FakeTelegramAPI, resident: FakeUser, n: int) -> None:
    fake.send_message(resident, "/tip")
    units = await fake.wait_for_message(resident.id, has_unit_buttons, timeout=STEP_TIMEOUT)
    fake.press_button(resident, units, f"ti:u:{COMMUNES[n % len(COMMUNES)]}")
    fake.send_message(resident, f"/tip Có người lạ hỏi mua xe máy cũ ở hẻm số {n}, nghi trộm.")
    await fake.wait_for_message(resident.id, lambda m: "TIP-" in m.get("text", ""),
                                timeout=STEP_TIMEOUT)


async def run(groups: int, residents: int) -> None:
    fake = FakeTelegramAPI()
    await fake.start()
    folder = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    officer = fake.user("Cán bộ thử")
    communes = "".join(f'[[units]]\ncode = "{c}"\nname = "Xã {c}"\nparent = "TINH"\n'
                       for c in COMMUNES)
    config = folder / "config.toml"
    config.write_text(CONFIG.format(base_url=fake.base_url, communes=communes,
                                    officer=officer.id), encoding="utf-8")
    env = {**os.environ, "BOT_TOKEN": fake.token, "PYTHONPATH": str(REPO)}
    log = (folder / "bot.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config), cwd=folder, env=env,
        stdout=log, stderr=log)
    rows: list[tuple[str, float, float, float]] = []
    started = time.monotonic()

    def stage(name: str) -> None:
        current, peak = memory_of(process.pid)
        rows.append((name, current, peak, time.monotonic() - started))

    try:
        await fake.wait_for_call("getUpdates", timeout=60)
        await asyncio.sleep(1.0)  # let start-up allocations settle before the first reading
        stage("started, idle")
        await register_groups(fake, officer, groups)
        stage(f"{groups} groups registered")
        gate = asyncio.Semaphore(20)

        async def one(n: int) -> None:
            async with gate:
                await file_tip(fake, fake.user(f"Cư dân {n}"), n)

        await asyncio.gather(*(one(n) for n in range(residents)))
        stage(f"{residents} tips filed")
        fake.send_message(officer, "/alert Cảnh báo thử: giả danh công an gọi điện lừa đảo")
        await fake.wait_for_message(officer.id, lambda m: f"/{groups} " in m.get("text", ""),
                                    timeout=STEP_TIMEOUT)
        stage(f"alert delivered to {groups} groups")
    finally:
        process.terminate()
        await process.wait()
        log.close()
        await fake.stop()
    print(f"bot process (python -m bot run), SQLite; groups: {groups}; residents: {residents}")
    print(f"{'stage':<36} {'RSS MiB':>8} {'peak MiB':>9} {'at s':>7}")
    for name, current, peak, at in rows:
        print(f"{name:<36} {current:>8.1f} {peak:>9.1f} {at:>7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--residents", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(run(args.groups, args.residents))


if __name__ == "__main__":
    main()
