"""The deployment files in ``deploy/`` are run, not just shipped (SPEC §14, issue 20 item 6).

``systemd-analyze verify`` checks the unit as systemd reads it (this checkout's interpreter in
place of the install path), and two processes are started the way the unit starts them on two
machines: its ExecStart command line, its working directory, its Environment= and the variables
of the example environment file, the example config pointed at the test's database and fake Bot
API. One leads, one waits; the unit's KillSignal stops the leader cleanly and the other takes
over and answers."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.ops_process import REPO, get_when
from tests.e2e.tip_steps import say
from tests.e2e.webhook_process import SECRET
from tests.fresh_database import fresh_pg_database

DEPLOY = REPO / "deploy"
UNIT = DEPLOY / "ketnoi-antt.service"
INSTALL_ROOT = "/opt/ketnoi-antt"
CONFIG_PATH = "/etc/ketnoi-antt/config.toml"


def unit_entries(path: Path) -> dict[str, list[tuple[str, str]]]:
    """``[Section]`` → its ``Key=value`` lines in order (systemd allows repeated keys)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def service_value(key: str) -> str:
    values = [v for k, v in unit_entries(UNIT)["Service"] if k == key]
    assert len(values) == 1, (key, values)
    return values[0]


def test_the_unit_passes_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed: the unit file cannot be verified here")
    here = tmp_path / UNIT.name
    here.write_text(UNIT.read_text(encoding="utf-8").replace(
        f"{INSTALL_ROOT}/.venv/bin/python", sys.executable), encoding="utf-8")
    result = subprocess.run([analyze, "verify", str(here)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_the_unit_restarts_a_leader_that_lost_its_lock_but_not_a_bad_config():
    assert service_value("Restart") == "always"
    assert service_value("RestartPreventExitStatus") == "2"  # bot.cli's EXIT_CONFIG
    assert service_value("KillSignal") == "SIGTERM"


@dataclass
class Machine:
    folder: Path
    hook_port: int
    ops_port: int


def _machine_config(machine: Machine, fake, pg_url: str) -> Path:
    text = (DEPLOY / "config.example.toml").read_text(encoding="utf-8")
    replacements = {
        r'data_dir = ".*"': f'data_dir = "{machine.folder / "data"}"',
        r'url = "postgresql.*"': f'url = "{pg_url}"',
        r'mode = "webhook"': f'mode = "webhook"\napi_base_url = "{fake.base_url}"',
        r'webhook_listen = ".*?"': 'webhook_listen = "127.0.0.1"',
        r"webhook_port = \d+": f"webhook_port = {machine.hook_port}",
        r'listen = "0\.0\.0\.0:\d+"': f'listen = "127.0.0.1:{machine.ops_port}"',
        r'log_level = ".*"': 'log_level = "DEBUG"',
    }
    for pattern, value in replacements.items():
        text, count = re.subn(pattern, value.replace("\\", "\\\\"), text, count=1)
        assert count == 1, pattern
    path = machine.folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _unit_environment(fake) -> dict[str, str]:
    """What systemd gives the process: a clean environment, the file's variables (with this
    test's values), then the unit's own Environment= lines."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    ours = {"BOT_TOKEN": fake.token, "BOT_SECRET_KEY": "s" * 48, "BOT_WEBHOOK_SECRET": SECRET}
    for line in (DEPLOY / "ketnoi-antt.env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = ours.get(name, value)
    for key, value in unit_entries(UNIT)["Service"]:
        if key == "Environment":
            name, _, assigned = value.partition("=")
            env[name] = assigned
    return env


@asynccontextmanager
async def as_the_unit_runs(config: Path, fake,
                           log: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    command = shlex.split(service_value("ExecStart").replace(
        f"{INSTALL_ROOT}/.venv/bin/python", sys.executable).replace(CONFIG_PATH, str(config)))
    workdir = service_value("WorkingDirectory").replace(INSTALL_ROOT, str(REPO))
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            *command, cwd=workdir, env=_unit_environment(fake), stdout=out, stderr=out)
        try:
            yield process
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()


def _hook(machine: Machine) -> str:
    """Where the TLS proxy sends Telegram's POSTs to this machine: the example's URL path."""
    return f"http://127.0.0.1:{machine.hook_port}/telegram"


def _role(response) -> str | None:
    return response.json()["role"] if response.status_code == 200 else None


@pytest.mark.postgresql
async def test_two_machines_run_what_the_unit_runs_and_one_takes_over(
        fake, people, tmp_path, unused_tcp_port_factory):
    machines = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        machines.append(Machine(tmp_path / name, unused_tcp_port_factory(),
                                unused_tcp_port_factory()))
    stop_signal = getattr(signal, service_value("KillSignal"))
    async with fresh_pg_database() as pg_url, AsyncExitStack() as stack:
        configs = [_machine_config(m, fake, pg_url) for m in machines]
        leader = await stack.enter_async_context(
            as_the_unit_runs(configs[0], fake, machines[0].folder / "bot.log"))
        await get_when(f"http://127.0.0.1:{machines[0].ops_port}/healthz",
                       lambda r: _role(r) == "leader", "machine a to lead")
        standby = await stack.enter_async_context(
            as_the_unit_runs(configs[1], fake, machines[1].folder / "bot.log"))
        await get_when(f"http://127.0.0.1:{machines[1].ops_port}/healthz",
                       lambda r: _role(r) == "standby", "machine b to wait")
        fake.webhook_pusher.push_to(_hook(machines[0]))
        assert "Kết Nối ANTT" in (await say(fake, people.resident, "/start"))["text"]

        leader.send_signal(stop_signal)
        assert await asyncio.wait_for(leader.wait(), timeout=60) == 0
        await get_when(f"http://127.0.0.1:{machines[1].ops_port}/healthz",
                       lambda r: _role(r) == "leader", "machine b to take over")
        fake.webhook_pusher.push_to(_hook(machines[1]))
        assert "Kết Nối ANTT" in (await say(fake, people.resident, "/start"))["text"]
        standby.send_signal(stop_signal)
        assert await asyncio.wait_for(standby.wait(), timeout=60) == 0
