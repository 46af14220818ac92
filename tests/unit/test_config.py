"""SPEC §9 and §12: every broken config names FILE: KEY: problem, exit 2, nothing started."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, load_config
from bot.config_model import OTHER_CATEGORY
from storage.migrate import head_revision

REPO = Path(__file__).resolve().parents[2]
ENV = {"BOT_TOKEN": "123:abc", "LANG": "C"}


def problems_of(path: Path, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, ENV if environ is None else environ)
    return caught.value.lines()


def test_shipped_config_is_valid(capsys):
    assert main(["check-config", "--config", str(REPO / "config.toml")], ENV) == 0
    assert "config.toml" in capsys.readouterr().out


def test_shipped_config_without_token_names_the_variable(capsys):
    assert main(["check-config", "--config", str(REPO / "config.toml")], {"LANG": "C"}) == 2
    err = capsys.readouterr().err
    assert "config.toml: telegram.token_env: " in err
    assert "BOT_TOKEN" in err


def test_bot_config_env_variable_names_the_file(write_config, capsys):
    path = write_config(body="[bot]\ncolour = 'red'\n")
    assert main(["check-config"], {**ENV, "BOT_CONFIG": str(path)}) == 2
    assert f"{path}: bot.colour: " in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Hanoi_City"'), "bot.timezone"),
        (('log_level = "INFO"', 'log_level = "LOUD"'), "bot.log_level"),
        (('language = "vi"', 'language = "fr"'), "bot.language"),
        (('language = "vi"', 'language = "vi"\ncolour = "red"'), "bot.colour"),
        (('language = "vi"', "language = 1"), "bot.language"),
        (('name = "Xã Bình Thành"\nparent = "DT"', 'name = "Xã Bình Thành"\nparent = "HN"'),
         "units[3].parent"),
        (('code = "TT-BINHTHANH"', 'code = "tt-tanthanh"'), "units[3].code"),
        (('code = "TT-BINHTHANH"', 'code = "TT BINH"'), "units[3].code"),
        (('unit = "TT-BINHTHANH"', 'unit = "TT-NOWHERE"'), "staff[2].unit"),
        (('role = "editor"', 'role = "boss"'), "staff[3].role"),
        (("telegram_id = 900000003", "telegram_id = 900000002"), "staff[2].telegram_id"),
        (("telegram_id = 900000003", 'telegram_id = "900000003"'), "staff[2].telegram_id"),
        (('api_base_url = "https://api.telegram.org/bot"',
          'api_base_url = "https://api.telegram.org/bot"\nmode = "push"'), "telegram.mode"),
    ],
)
def test_each_broken_config_names_its_key(write_config, change, key):
    path = write_config()
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    lines = problems_of(path)
    assert any(line.startswith(f"{path}: {key}: ") for line in lines), lines


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ('[bulletins]\nschedule = "monday 8am"\n', "bulletins.schedule"),
        ('[bulletins]\nschedule = "mon,thu 25:00"\n', "bulletins.schedule"),
        ('[bulletins]\nquiet_hours = "22-6"\n', "bulletins.quiet_hours"),
        ('[bulletins]\nmisfire_grace = "soon"\n', "bulletins.misfire_grace"),
        ('[bulletins]\nweekly_target = "two"\n', "bulletins.weekly_target"),
        ('[reports]\nweekly = "every monday"\n', "reports.weekly"),
        ("[tips]\nmax_per_hour = 0\n", "tips.max_per_hour"),
        ('[tips]\nnotify = "everyone"\n', "tips.notify"),
        ('[[tips.categories]]\nkey = "Drugs!"\nlabel = "Ma túy"\n', "tips.categories[0].key"),
        ("[[outcomes.kinds]]\nkey = \"cases\"\n", "outcomes.kinds[0].label"),
        ('[security]\nsecret_key_env = "SHORT_SECRET"\n', "security.secret_key_env"),
        ('[storage2]\nurl = "x"\n', "storage2"),
    ],
)
def test_each_broken_section_names_its_key(write_config, section, key):
    path = write_config(section)
    lines = problems_of(path, {**ENV, "SHORT_SECRET": "too-short"})
    assert any(line.startswith(f"{path}: {key}: ") for line in lines), lines


def test_bad_storage_driver_is_named(write_config):
    path = write_config(storage_url="mysql://root@localhost/test")
    assert any(": storage.url: " in line for line in problems_of(path))


def test_unit_cycle_is_reported(write_config):
    body = ('[[units]]\ncode = "A"\nname = "A"\nparent = "B"\n'
            '[[units]]\ncode = "B"\nname = "B"\nparent = "A"\n')
    path = write_config(body=body)
    lines = problems_of(path)
    assert any(": units[0].parent: " in line for line in lines), lines


def test_every_problem_is_reported_at_once(write_config):
    path = write_config('[bulletins]\nschedule = "never"\n[tips]\nnotify = "all"\n')
    text = path.read_text(encoding="utf-8").replace('timezone = "Asia/Ho_Chi_Minh"',
                                                    'timezone = "Mars/Olympus"')
    path.write_text(text, encoding="utf-8")
    lines = problems_of(path, {})
    keys = {line.split(": ")[1] for line in lines}
    assert {"bot.timezone", "bulletins.schedule", "tips.notify", "telegram.token_env"} <= keys


def test_broken_config_starts_nothing(write_config, tmp_path, capsys):
    path = write_config('[bulletins]\ncolour = "red"\n')
    assert main(["run", "--config", str(path)], ENV) == 2
    assert not (tmp_path / "data").exists()
    assert f"{path}: bulletins.colour: " in capsys.readouterr().err


def test_missing_file_is_named(tmp_path, capsys):
    missing = tmp_path / "nope.toml"
    assert main(["check-config", "--config", str(missing)], ENV) == 2
    assert str(missing) in capsys.readouterr().err


def test_not_toml_is_reported(write_config, capsys):
    path = write_config(body="[bot\nlanguage = 'vi'")
    assert main(["check-config", "--config", str(path)], ENV) == 2
    assert str(path) in capsys.readouterr().err


def test_english_config_reports_problems_in_english(write_config):
    path = write_config(body='[bot]\nlanguage = "en"\ncolour = "red"\n')
    lines = problems_of(path)
    assert any("unknown key" in line for line in lines), lines


def test_other_category_always_exists(write_config):
    path = write_config('[[tips.categories]]\nkey = "drugs"\nlabel = "Ma túy"\n')
    config = load_config(path, ENV)
    assert [c.key for c in config.tips.categories] == ["drugs", OTHER_CATEGORY]


def test_relative_sqlite_path_is_next_to_the_config(write_config, tmp_path):
    path = write_config(storage_url="sqlite+aiosqlite:///db/bot.db")
    config = load_config(path, ENV)
    assert config.storage_url == f"sqlite+aiosqlite:///{tmp_path / 'db' / 'bot.db'}"


def test_file_url_is_derived_from_the_api_url(write_config):
    path = write_config(api_base_url="http://127.0.0.1:8081/bot")
    config = load_config(path, ENV)
    assert config.telegram.api_file_url == "http://127.0.0.1:8081/file/bot"


def test_db_upgrade_does_not_need_a_token(write_config, tmp_path, capsys):
    path = write_config()
    assert main(["db", "upgrade", "--config", str(path)], {"LANG": "C"}) == 0
    assert (tmp_path / "data" / "bot.db").exists()
    assert f"({head_revision()})" in capsys.readouterr().out


WEBHOOK_KEYS = ('mode = "webhook"\nwebhook_url = "https://bot.example.vn/telegram/hook"\n'
                'webhook_port = 8081\n')


def _with_webhook(write_config, keys: str):
    path = write_config()
    text = path.read_text(encoding="utf-8")
    anchor = 'api_base_url = "https://api.telegram.org/bot"'
    assert anchor in text
    path.write_text(text.replace(anchor, f"{anchor}\n{keys}", 1), encoding="utf-8")
    return path


def test_webhook_mode_reads_its_settings(write_config):
    path = _with_webhook(write_config, WEBHOOK_KEYS)
    config = load_config(path, {**ENV, "BOT_WEBHOOK_SECRET": "s3cret-token_1"})
    assert config.telegram.mode == "webhook"
    webhook = config.telegram.webhook
    assert webhook is not None
    assert (webhook.url, webhook.listen, webhook.port, webhook.url_path) == (
        "https://bot.example.vn/telegram/hook", "127.0.0.1", 8081, "telegram/hook")


@pytest.mark.parametrize(
    ("keys", "secret", "key"),
    [
        ('mode = "webhook"\n', "abc", "telegram.webhook_url"),
        ('mode = "webhook"\nwebhook_url = "http://bot.example.vn/hook"\n', "abc",
         "telegram.webhook_url"),
        (WEBHOOK_KEYS.replace("8081", "70000"), "abc", "telegram.webhook_port"),
        (WEBHOOK_KEYS, None, "telegram.webhook_secret_env"),
        (WEBHOOK_KEYS, "has spaces!", "telegram.webhook_secret_env"),
    ],
)
def test_webhook_mistakes_name_their_key(write_config, keys, secret, key):
    path = _with_webhook(write_config, keys)
    env = dict(ENV) if secret is None else {**ENV, "BOT_WEBHOOK_SECRET": secret}
    lines = problems_of(path, env)
    assert any(line.startswith(f"{path}: {key}: ") for line in lines), lines


def test_webhook_keys_are_ignored_in_polling_mode(write_config):
    path = _with_webhook(write_config, 'webhook_url = "not a url"\n')
    assert load_config(path, ENV).telegram.webhook is None
