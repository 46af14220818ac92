"""Broadcast throughput against Telegram's flood limits.

Sends one bulletin to N groups (default 1,000) through the real delivery engine and the real
HTTP stack, against the fake Bot API enforcing 30 messages/s overall and 20/min per group, and
prints: wall time, throughput as a fraction of the 30 msg/s ceiling (target >= 0.95), 429s
provoked (target 0) and duplicate copies (must be 0).

    .venv/bin/python bench/broadcast.py                 # the engine's own pacing (production)
    .venv/bin/python bench/broadcast.py --limiter ptb   # PTB's AIORateLimiter instead
    .venv/bin/python bench/broadcast.py --groups 200    # a quicker run
    .venv/bin/python bench/broadcast.py --groups 5000 --paid   # an alert as paid broadcast

``--paid``: ``bulletins.paid_broadcast = true`` and an alert instead of a bulletin, so the
copies go with ``allow_paid_broadcast`` through the engine's 1,000/s pacer; the share is of
1,000 msg/s. The whole bot, with a resident filing tips and its memory, is
``bench/broadcast_province.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.bulletin_runtime import DELIVERY_WORKERS
from bot.config import load_config
from bot.runtime import prepare_storage
from broadcasts.bulletins import Action, Content
from broadcasts.desk import BulletinDesk
from broadcasts.pacing import SendPacer
from channels.telegram_addresses import address_of_chat
from channels.telegram_delivery import DeliveryChannel
from core.clock import SystemClock
from emulators.telegram import FakeTelegramAPI
from storage import groups as group_store

CEILING = 30.0
CONFIG = """
[telegram]
api_base_url = "{base_url}"
[storage]
url = "sqlite+aiosqlite:///{db}"
[bulletins]
paid_broadcast = {paid}
[[units]]
code = "XA"
name = "Xã thử"
[[staff]]
telegram_id = 42
role = "officer"
unit = "XA"
[[staff]]
telegram_id = 43
role = "admin"
unit = "XA"
"""


async def run(groups: int, limiter: str, workers: int, paid: bool) -> None:
    fake = FakeTelegramAPI(rate_limits=True)
    fake.stars.top_up(groups)
    await fake.start()
    folder = Path(tempfile.mkdtemp(prefix="bench-broadcast-"))
    path = folder / "config.toml"
    path.write_text(CONFIG.format(base_url=fake.base_url, db=folder / "bot.db",
                                  paid="true" if paid else "false"), "utf-8")
    config = load_config(path, {"BOT_TOKEN": fake.token})
    clock = SystemClock()
    db, directory = await prepare_storage(config, clock)
    chats = [fake.group(f"Tổ {n}") for n in range(groups)]
    async with db.transaction() as conn:
        for chat in chats:
            await group_store.link_group(conn, address_of_chat(chat.id), chat.title, "XA",
                                         address_of_chat(42), clock.now())
    request = HTTPXRequest(connection_pool_size=workers + 4, read_timeout=60.0)
    if limiter == "ptb":
        bot = ExtBot(fake.token, base_url=fake.base_url, request=request,
                     rate_limiter=AIORateLimiter(max_retries=3))
        pacer = SendPacer(10_000, 10_000)  # effectively off: PTB's limiter does the pacing
    else:
        bot = ExtBot(fake.token, base_url=fake.base_url, request=request)
        pacer = SendPacer()
    await bot.initialize()
    desk = BulletinDesk(db=db, directory=directory, config=config, clock=clock,
                        delivery_channel=DeliveryChannel(bot, fake.bot_username),
                        bot_username=fake.bot_username, workers=workers, pacer=pacer)
    await desk.start()
    member = directory.staff_member(address_of_chat(42))
    assert member is not None
    started = time.monotonic()
    if paid:
        await desk.alert(member, "Cảnh báo thử tải")
    else:
        await desk.submit(member, "XA", "general", Content("Bản tin thử tải"), Action.SEND_NOW)
    await desk.engine.idle.wait()
    wall = time.monotonic() - started
    await desk.stop()
    copies = [len(fake.sent_messages(chat.id)) for chat in chats]
    refused = sum(1 for c in fake.calls_to("sendMessage") if c.status == 429)
    print(f"limiter: {limiter}; groups: {groups}; workers: {workers}")
    print(f"wall time: {wall:.2f} s")
    print(f"delivered: {sum(1 for n in copies if n)}/{groups}")
    ceiling = 1000.0 if paid else CEILING
    print(f"throughput: {groups / wall:.2f} msg/s = {groups / wall / ceiling:.3f} of "
          f"{ceiling:.0f} msg/s")
    if paid:
        print(f"paid messages: {fake.stars.paid_messages}; Stars: {fake.stars.spent_stars:.1f}")
    print(f"429s provoked: {refused}")
    print(f"duplicates: {sum(max(0, n - 1) for n in copies)}")
    await bot.shutdown()
    await db.close()
    await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--limiter", choices=("ours", "ptb"), default="ours")
    parser.add_argument("--workers", type=int, default=DELIVERY_WORKERS)
    parser.add_argument("--paid", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.groups, args.limiter, args.workers, args.paid))


if __name__ == "__main__":
    main()
