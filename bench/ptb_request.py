"""CPU per Bot API call of python-telegram-bot's request layer: PTB's ``HTTPXRequest`` against
the lean one (``channels.lean_request.LeanRequest``), the bot's side alone.

The fake Bot API (``emulators/telegram``) runs in a child process, so this process's CPU time
(``time.process_time``: user + system, every thread) is the caller's only: ``Bot.send_message``
with PTB's parameter building and ``Message.de_json``, plus the transport. Each round sends
``--calls`` messages ``--at-once`` at a time, and again one at a time ``--gap`` seconds apart (the
trickle of a quiet bot, where httpx's per-request overhead showed most); the transports take
turns round by round, so a shared machine's slow minute falls on both. Figures only.

    PYTHONPATH=. .venv/bin/python bench/ptb_request.py [--calls 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import time
from typing import Any

from telegram import Bot
from telegram.request import HTTPXRequest

from channels.lean_request import LeanRequest


def serve_fake(ready: Any) -> None:
    """The fake Bot API until this child process is terminated."""
    from emulators.telegram import FakeTelegramAPI

    async def main() -> None:
        async with FakeTelegramAPI() as fake:
            ready.put((fake.token, fake.base_url, fake.user("Người nhận").id))
            await asyncio.Event().wait()

    asyncio.run(main())


async def burst(bot: Bot, chat: int, calls: int, at_once: int) -> float:
    queue = list(range(calls))

    async def worker() -> None:
        while queue:
            queue.pop()
            await bot.send_message(chat, "Cảm ơn bạn, tin báo đã được ghi nhận.")

    started = time.process_time()
    await asyncio.gather(*(worker() for _ in range(at_once)))
    return (time.process_time() - started) / calls * 1000


async def trickle(bot: Bot, chat: int, calls: int, gap: float) -> float:
    cpu = 0.0
    for _ in range(calls):
        await asyncio.sleep(gap)
        started = time.process_time()
        await bot.send_message(chat, "Cảm ơn bạn, tin báo đã được ghi nhận.")
        cpu += time.process_time() - started
    return cpu / calls * 1000


async def measure(args: argparse.Namespace, token: str, base_url: str, chat: int) -> None:
    figures: dict[str, dict[str, list[float]]] = {"httpx": {"burst": [], "trickle": []},
                                                  "lean": {"burst": [], "trickle": []}}
    for round_no in range(args.rounds):
        order = ["httpx", "lean"] if round_no % 2 == 0 else ["lean", "httpx"]
        for name in order:
            request = (HTTPXRequest(connection_pool_size=256) if name == "httpx"
                       else LeanRequest(connection_pool_size=256))
            async with Bot(token, base_url=base_url, request=request) as bot:
                await burst(bot, chat, 50, args.at_once)  # warm: connections, caches
                figures[name]["burst"].append(await burst(bot, chat, args.calls, args.at_once))
                figures[name]["trickle"].append(
                    await trickle(bot, chat, args.trickle, args.gap))
    for name, kinds in figures.items():
        print(f"{name:5}: " + "; ".join(
            f"{kind} {statistics.median(values):.3f} ms CPU/call "
            f"({', '.join(f'{v:.3f}' for v in values)})" for kind, values in kinds.items()))
    for kind in ("burst", "trickle"):
        ratio = (statistics.median(figures["httpx"][kind])
                 / statistics.median(figures["lean"][kind]))
        print(f"{kind}: httpx/lean = {ratio:.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls of a burst (2000)")
    parser.add_argument("--at-once", type=int, default=8, help="a burst's calls at a time (8)")
    parser.add_argument("--trickle", type=int, default=20, help="calls of a trickle (20)")
    parser.add_argument("--gap", type=float, default=0.5, help="seconds between them (0.5)")
    parser.add_argument("--rounds", type=int, default=3, help="default 3")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    fake = context.Process(target=serve_fake, args=(ready,), daemon=True)
    fake.start()
    try:
        token, base_url, chat = ready.get(timeout=30)
        asyncio.run(measure(args, token, base_url, chat))
    finally:
        fake.terminate()
        fake.join(5)


if __name__ == "__main__":
    main()
