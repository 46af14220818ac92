"""The bot as its own process for the footprint benches (``bench/memory.py``,
``bench/start_time.py``): ``python -m bot run`` exactly as in production (SQLite in a folder,
log level WARNING) against the Bot API emulator running in the bench's own process, so the
emulator's memory and CPU are not counted. Linux only: memory is read from ``/proc``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

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
# Shared libraries whose presence in the process's memory map says the library was loaded.
HEAVY_LIBRARIES = {
    "numpy": "numpy", "rapidfuzz": "rapidfuzz", "asyncpg": "asyncpg",
    "cryptography": "cryptography", "PIL": "Pillow", "matplotlib": "matplotlib",
    "lxml": "lxml (python-docx)", "tornado": "tornado", "sqlalchemy": "SQLAlchemy (compiled)",
}


def memory_of(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a process, in MiB."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def libraries_loaded(pid: int) -> list[str]:
    """Which of :data:`HEAVY_LIBRARIES` have a compiled module mapped in the process."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return sorted(name for folder, name in HEAVY_LIBRARIES.items()
                  if f"/site-packages/{folder}/" in maps or f"/site-packages/{folder}." in maps)


def cpu_seconds_of(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class BotProcess:
    """One ``python -m bot run`` in ``folder`` (its config, database and log live there)."""

    def __init__(self, fake: FakeTelegramAPI, folder: Path, officer: FakeUser) -> None:
        self.fake = fake
        self.folder = folder
        self.config = folder / "config.toml"
        communes = "".join(f'[[units]]\ncode = "{c}"\nname = "Xã {c}"\nparent = "TINH"\n'
                           for c in COMMUNES)
        self.config.write_text(CONFIG.format(base_url=fake.base_url, communes=communes,
                                             officer=officer.id), encoding="utf-8")
        self.database = folder / "data" / "bot.db"
        self.process: asyncio.subprocess.Process | None = None
        self.spawned_at = 0.0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        env = {**os.environ, "BOT_TOKEN": self.fake.token, "PYTHONPATH": str(REPO)}
        log = (self.folder / "bot.log").open("ab")
        self.spawned_at = time.monotonic()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(self.config), cwd=self.folder,
            env=env, stdout=log, stderr=log)
        log.close()

    async def first_get_updates(self, timeout: float = 60.0) -> float:  # noqa: ASYNC109
        """Seconds from the process's spawn to its first ``getUpdates`` reaching the emulator
        (the emulator stamps each call with the same monotonic clock on arrival)."""
        call = await self.fake.wait_for_call("getUpdates", lambda c: c.at >= self.spawned_at,
                                             timeout=timeout)
        return call.at - self.spawned_at

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()
        self.process = None
