"""The demo configuration the shell uses when given no ``--config``: a province, two communes,
an admin, an officer and an editor, and the three groups the shell registers at start-up.

It is written as a real ``config.toml`` in the shell's data folder and read with the real
loader, so what the newcomer tries is exactly what a deployment with this file would do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from core.i18n import t

PROVINCE, COMMUNE_A, COMMUNE_B = "DT", "TT-TANTHANH", "TT-BINHTHANH"
# Staff ids as a config file gives them; the emulator creates users with exactly these ids.
ADMIN_ID, OFFICER_ID, EDITOR_ID = 100000001, 100000002, 100000003


@dataclass(frozen=True)
class GroupPlan:
    """A Telegram group the shell creates and has registered to ``unit_code``."""

    title: str
    unit_code: str
    members: int


def demo_groups(language: str) -> list[GroupPlan]:
    return [GroupPlan(t(language, "shell.demo.group_a1"), COMMUNE_A, 24),
            GroupPlan(t(language, "shell.demo.group_a2"), COMMUNE_A, 17),
            GroupPlan(t(language, "shell.demo.group_b1"), COMMUNE_B, 31)]


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def demo_config_text(language: str, data_dir: Path, api_base_url: str) -> str:
    units = [(PROVINCE, "shell.demo.province", None), (COMMUNE_A, "shell.demo.commune_a", PROVINCE),
             (COMMUNE_B, "shell.demo.commune_b", PROVINCE)]
    staff = [(ADMIN_ID, "admin", PROVINCE), (OFFICER_ID, "officer", COMMUNE_A),
             (EDITOR_ID, "editor", COMMUNE_A)]
    lines = [
        "[bot]", f"language = {_quoted(language)}", 'timezone = "Asia/Ho_Chi_Minh"',
        f"data_dir = {_quoted(str(data_dir))}", 'log_level = "INFO"', "",
        "[telegram]", 'token_env = "BOT_TOKEN"', f"api_base_url = {_quoted(api_base_url)}", "",
        "[storage]", f"url = {_quoted('sqlite+aiosqlite:///' + str(data_dir / 'bot.db'))}", "",
        "[security]", 'secret_key_env = "KET_NOI_SHELL_SECRET_KEY"', "",
    ]
    for code, name_key, parent in units:
        lines += ["[[units]]", f"code = {_quoted(code)}",
                  f"name = {_quoted(t(language, name_key))}"]
        lines += [f"parent = {_quoted(parent)}"] if parent else []
        lines.append("")
    for telegram_id, role, unit in staff:
        lines += ["[[staff]]", f"telegram_id = {telegram_id}", f"role = {_quoted(role)}",
                  f"unit = {_quoted(unit)}", ""]
    lines += ["[bulletins]", 'schedule = "mon,thu 08:00"', "weekly_target = 2",
              'quiet_hours = "22:00-06:00"', 'misfire_grace = "6h"', "",
              "[tips]", "max_per_hour = 5", "max_per_day = 20", 'notify = "unit_and_parent"', "",
              "[reports]", 'weekly = "mon 07:30"', ""]
    return "\n".join(lines)


def write_demo_config(language: str, data_dir: Path, api_base_url: str) -> Path:
    """Write the demo ``config.toml`` into ``data_dir`` (every run: the emulator's port
    changes) and return its path."""
    path = data_dir / "config.toml"
    path.write_text(demo_config_text(language, data_dir, api_base_url), encoding="utf-8")
    return path
