"""``python -m bot run`` as a real process against the fake Bot API: starts, answers, stops."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.e2e.conftest import write_e2e_config

REPO = Path(__file__).resolve().parents[2]


async def test_cli_run_serves_until_sigterm(fake, people, tmp_path):
    config = write_e2e_config(tmp_path, fake, people)
    env = {**os.environ, "BOT_TOKEN": fake.token, "PYTHONPATH": str(REPO)}
    # Logs go to a file: at DEBUG they would fill a pipe nobody reads and stall the bot.
    log_path = tmp_path / "bot.log"
    log_file = log_path.open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config), cwd=tmp_path, env=env,
        stdout=log_file, stderr=log_file)
    try:
        await fake.wait_for_call("getUpdates", timeout=30)
        fake.send_message(people.resident, "/start")
        welcome = await fake.wait_for_message(people.resident.id, timeout=10)
        assert "Kết Nối ANTT" in welcome["text"]
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        log_file.close()
    log = log_path.read_text(encoding="utf-8")
    assert process.returncode == 0, log[-3000:]
    assert (tmp_path / "data" / "bot.db").exists()
    assert fake.token not in log and str(people.resident.id) not in log


async def test_cli_run_at_the_default_level_keeps_alembic_off_standard_error(fake, people,
                                                                             tmp_path):
    config = write_e2e_config(tmp_path, fake, people)
    text = config.read_text(encoding="utf-8")
    assert 'log_level = "DEBUG"' in text
    config.write_text(text.replace('log_level = "DEBUG"\n', ""), encoding="utf-8")  # INFO
    env = {**os.environ, "BOT_TOKEN": fake.token, "PYTHONPATH": str(REPO)}
    err_path = tmp_path / "stderr.txt"
    with err_path.open("wb") as err_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config), cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=err_file)
        try:
            await fake.wait_for_call("getUpdates", timeout=30)
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    err = err_path.read_text(encoding="utf-8")
    assert process.returncode == 0, err[-3000:]
    assert "database schema upgraded from an empty database to" in err
    assert "alembic" not in err and "Context impl" not in err, err
