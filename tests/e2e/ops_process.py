"""A real ``python -m bot …`` process against the fake Bot API, and the HTTP calls an
operator's monitor makes to it: shared by the operations end-to-end tests."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0
RECHECK = 0.05  # how often a condition on the ops server is looked at again while waiting


def bot_environment(token: str) -> dict[str, str]:
    return {**os.environ, "BOT_TOKEN": token, "PYTHONPATH": str(REPO)}


def with_ops_listen(config: Path, port: int) -> Path:
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f'\n[ops]\nlisten = "127.0.0.1:{port}"\n')
    return config


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), timeout=30)
        assert self.process.returncode is not None
        return self.process.returncode


@asynccontextmanager
async def bot_process(config: Path, token: str, workdir: Path, name: str = "bot",
                      extra_env: dict[str, str] | None = None) -> AsyncIterator[BotProcess]:
    # Logs go to a file: at DEBUG they would fill a pipe nobody reads and stall the bot.
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config), cwd=workdir,
            env={**bot_environment(token), **(extra_env or {})}, stdout=log_file,
            stderr=log_file)
        running = BotProcess(process, log_path)
        try:
            yield running
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()


async def run_cli(token: str, workdir: Path, *args: str) -> tuple[int, str, str]:
    """``python -m bot <args>`` to its end: (exit status, standard output, standard error)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=workdir, env=bot_environment(token),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def get_when(url: str, condition: Callable[[httpx.Response], bool],
                   what: str) -> httpx.Response:
    """GET ``url`` until the answer meets ``condition`` (the server may not listen yet)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_TIMEOUT
    last: object = None
    async with httpx.AsyncClient(timeout=10) as client:
        while True:
            try:
                response = await client.get(url)
                if condition(response):
                    return response
                last = (response.status_code, response.text[:500])
            except httpx.TransportError as err:
                last = err
            if loop.time() > deadline:
                raise AssertionError(f"waiting for {what}: last answer {last!r}")
            await asyncio.sleep(RECHECK)


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def sample(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)
