"""SPEC §9 and §12: every broken config names FILE: KEY: problem, exit 2, nothing started."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, load_config
from core.config_model import OTHER_CATEGORY, ZaloBotSettings
from core.i18n import catalogue
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
        (('api_base_url = "https://api.telegram.org/bot"',
          'api_base_url = "https://api.telegram.org/bot"\nhttp_client = "aiohttp"'),
         "telegram.http_client"),
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
        ("[tips]\nsimilar_days = 0\n", "tips.similar_days"),
        ("[tips]\nsimilar_suggest = 1.5\n", "tips.similar_suggest"),
        ("[tips]\nsimilar_suggest = 0\n", "tips.similar_suggest"),
        ('[tips]\nsimilar_suggest = "high"\n', "tips.similar_suggest"),
        ("[tips]\nsimilar_auto_merge = -0.5\n", "tips.similar_auto_merge"),
        ("[tips]\nsimilar_suggest = 0.8\nsimilar_auto_merge = 0.7\n",
         "tips.similar_auto_merge"),
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


# --- nothing declared where something must be -------------------------------------------------

NO_UNITS_NO_STAFF = '[bot]\nlanguage = "{language}"\n'
OFFICER_ONLY = """[bot]
language = "{language}"
[[units]]
code = "DT"
name = "Tỉnh Đồng Tháp"
[[staff]]
telegram_id = 900000002
role = "officer"
unit = "DT"
"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_config_without_units_or_staff_says_what_is_needed(write_config, capsys, language):
    path = write_config(body=NO_UNITS_NO_STAFF.format(language=language))
    assert main(["check-config", "--config", str(path)], ENV) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[1] for line in lines] == ["units", "staff"]
    assert "[[units]]" in lines[0] and "[[staff]]" in lines[1] and 'role = "admin"' in lines[1]
    assert ("đơn vị" in lines[0]) == (language == "vi")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_config_without_an_admin_says_nobody_could_add_one(write_config, language):
    path = write_config(body=OFFICER_ONLY.format(language=language))
    lines = problems_of(path)
    assert len(lines) == 1 and lines[0].startswith(f"{path}: staff: ")
    assert 'role = "admin"' in lines[0]


def test_an_admin_whose_entry_has_a_problem_is_not_also_missing(write_config):
    path = write_config(body=OFFICER_ONLY.format(language="vi").replace(
        'role = "officer"', 'role = "admln"'))
    assert [line.split(": ")[1] for line in problems_of(path)] == ["staff[0].role"]


# --- every kind of problem: once, whole, in the configured language ---------------------------

EVERYTHING_WRONG = """[bot]
language = "{language}"
timezone = "Mars/Olympus"
log_level = "loud"
colour = "red"
[telegram]
api_base_url = "ftp://api.example"
mode = "webhook"
webhook_port = 70000
[storage]
url = "mysql://root@localhost/kna"
[security]
secret_key_env = "SHORT_SECRET"
[[units]]
code = "DT"
name = "Tỉnh Đồng Tháp"
[[units]]
code = "TT BINH"
name = "Xã Bình"
[[units]]
code = "dt"
name = "Trùng mã"
[[units]]
code = "A"
name = "   "
parent = "B"
[[units]]
code = "B"
name = "Ấp B"
parent = "A"
[[units]]
code = "C"
parent = "NOWHERE"
[[units]]
code = "E"
name = "Ấp E"
parent = "TT BINH"
[[staff]]
telegram_id = "abc"
role = "admin"
unit = "DT"
[[staff]]
telegram_id = -5
role = "officer"
unit = "DT"
[[staff]]
telegram_id = 7
role = "boss"
unit = "DT"
[[staff]]
telegram_id = 8
role = "officer"
unit = "DT"
[[staff]]
telegram_id = 8
role = "editor"
unit = "DT"
[[staff]]
telegram_id = 9
role = "editor"
unit = "TT BINH"
[[staff]]
telegram_id = 10
unit = "DT"
[bulletins]
schedule = "mon,thu 25:61"
weekly_target = -1
quiet_hours = "22-6"
misfire_grace = "soon"
[tips]
max_per_hour = 0
max_per_day = "many"
similar_suggest = 2
similar_auto_merge = 1.5
[[tips.categories]]
key = "Drugs!"
label = "Ma túy"
[[tips.categories]]
key = "theft"
label = "Trộm cắp"
[[tips.categories]]
key = "theft"
label = "Trộm"
[[outcomes.kinds]]
key = "cases"
[reports]
weekly = "every monday"
"""
EVERYTHING_WRONG_ENV = {"LANG": "C", "SHORT_SECRET": "too-short"}
# What is still wrong once the first file's mistakes are out of the way.
ALSO_WRONG = """[bot]
language = "{language}"
[telegram]
mode = "webhook"
webhook_url = "http://bot.example.vn/hook"
[storage]
url = "not a database"
[tips]
max_per_hour = 10
max_per_day = 5
similar_suggest = 0.9
similar_auto_merge = 0.8
[zalo_oa]
oa_id = "OA xa Tan Thanh"
app_id = "1234567890987654321"
api_base_url = "openapi.zalo.me"
webhook_path = "zalo webhook"
[zalo_bot]
mode = "webhook"
[sms]
provider = "android_gateway"
api_base_url = "http://192.168.1.20:8080"
webhook_path = "sms/webhook"
max_segments = 40
[ops]
listen = "9464"
[[units]]
code = "XA"
name = "Xã Tân Thành"
[[staff]]
telegram_id = 11
role = "admin"
unit = "XA"
zalo_user_id = "zalo của tôi"
[[staff]]
telegram_id = 12
role = "officer"
unit = "XA"
zalo_user_id = "3000000000000007919"
[[staff]]
telegram_id = 13
role = "officer"
unit = "XA"
zalo_user_id = "3000000000000007919"
"""
ALSO_WRONG_ENV = {"BOT_TOKEN": "1:abc", "BOT_WEBHOOK_SECRET": "has spaces!",
                  "ZALO_BOT_WEBHOOK_SECRET": "short"}
FILE_PROBLEMS = {"file_missing", "file_unreadable", "file_forbidden", "file_is_folder",
                 "not_utf8", "not_toml", "not_toml_at"}
WORD = re.compile(r"[^\W\d_]+")


def _config_catalogue(language: str) -> dict[str, str]:
    return {key: text for key, text in catalogue(language).items()
            if key.startswith(("config.", "reasons."))}


def _message_of(line: str, path: Path) -> tuple[str, str]:
    """(key path, the words after it) of one ``FILE: KEY: problem`` line."""
    assert line.startswith(f"{path}: "), line
    key, _, message = line.removeprefix(f"{path}: ").partition(": ")
    return key, message


def assert_whole_in(language: str, lines: list[str], path: Path, typed: str) -> None:
    """Each line once, one per key, and every word of it in ``language``: an English word in a
    Vietnamese line must be one the person typed or one the Vietnamese catalogue itself uses
    (syntax such as ``mon``, ``daily``, ``role``); an English line holds no Vietnamese word the
    person did not type."""
    assert len(lines) == len(set(lines)), lines
    keys = [_message_of(line, path)[0] for line in lines]
    assert len(keys) == len(set(keys)), keys
    # Case matters: "ERROR" (a log level to choose) is syntax, "error" would be English.
    typed_words = set(WORD.findall(typed))
    vi_words = {w for text in _config_catalogue("vi").values() for w in WORD.findall(text)}
    english = {w for text in _config_catalogue("en").values()
               for w in WORD.findall(text)} - vi_words - typed_words
    for line in lines:
        _, message = _message_of(line, path)
        assert "{" not in message.replace("{}", ""), line
        words = set(WORD.findall(message))
        if language == "vi":
            assert not words & english, (line, words & english)
        else:
            foreign = {w for w in words if not w.isascii()} - typed_words
            assert not foreign, (line, foreign)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_kind_of_problem_is_reported_once_whole_in_the_configured_language(
        write_config, language):
    seen: set[str] = set()
    for body, env in ((EVERYTHING_WRONG, EVERYTHING_WRONG_ENV), (ALSO_WRONG, ALSO_WRONG_ENV),
                      (NO_UNITS_NO_STAFF, ENV), (OFFICER_ONLY, ENV)):
        text = body.format(language=language)
        path = write_config(body=text)
        with pytest.raises(ConfigError) as caught:
            load_config(path, env)
        lines = caught.value.lines()
        assert_whole_in(language, lines, path, text)
        seen |= {problem.message_key for problem in caught.value.problems}
        if body is EVERYTHING_WRONG:
            by_key = dict(_message_of(line, path) for line in lines)
            # A wrong type is one problem, and the stand-in 0 is never spoken of.
            assert "0" not in by_key["staff[0].telegram_id"]
            # A missing name is missing, not also empty; a reference to a unit whose own code
            # is wrong is not a second problem.
            assert "units[5].name" in by_key and "units[6].parent" not in by_key
            assert "staff[5].unit" not in by_key
            # Limits that were not typed right are not compared with each other.
            assert "tips.max_per_day" in by_key and len(
                [k for k in by_key if k.startswith("tips.max_per")]) == 2
            assert {"units[3].parent", "units[4].parent", "staff[6].role"} <= set(by_key)
    kinds = {key.removeprefix("config.") for key in catalogue("en")
             if key.startswith("config.") and not key.startswith("config.types.")}
    assert kinds - FILE_PROBLEMS - seen == set()


def _unreadable(kind: type[OSError]):
    def read_text(self, *args, **kwargs):
        raise kind(5, "I/O error")
    return read_text


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("kind", "make"),
    [
        ("file_missing", lambda p, mp: None),
        ("file_is_folder", lambda p, mp: p.mkdir()),
        ("not_utf8", lambda p, mp: p.write_bytes(b'[bot]\nlanguage = "\xff"\n')),
        ("not_toml_at", lambda p, mp: p.write_text("[bot\nlanguage = 'vi'", encoding="utf-8")),
        ("not_toml", lambda p, mp: p.write_text("language =", encoding="utf-8")),
        ("file_forbidden", lambda p, mp: mp.setattr(Path, "read_text",
                                                     _unreadable(PermissionError))),
        ("file_unreadable", lambda p, mp: mp.setattr(Path, "read_text", _unreadable(OSError))),
    ],
)
def test_a_file_that_cannot_be_read_is_one_line_in_the_command_line_language(
        tmp_path, monkeypatch, language, kind, make):
    path = tmp_path / "config.toml"
    make(path, monkeypatch)
    with pytest.raises(ConfigError) as caught:
        load_config(path, ENV, language=language)
    monkeypatch.undo()
    assert [p.message_key for p in caught.value.problems] == [kind]
    assert_whole_in(language, caught.value.lines(), path, "")
    assert caught.value.lines()[0].startswith(f"{path}: -: ")


def test_the_shipped_config_lists_exactly_the_choices_the_loader_takes():
    """A ``key = value  # a | b | c`` comment in the shipped config is the list of what ``key``
    may be: it neither hides a choice (webhook) nor offers one the loader refuses."""
    from bot.config import LOG_LEVELS
    from bot.config_telegram import MODES
    from core.config_model import NOTIFY_CHOICES, ROLES
    from core.i18n import LANGUAGES

    accepted = {"language": LANGUAGES, "log_level": LOG_LEVELS, "mode": MODES, "role": ROLES,
                "notify": NOTIFY_CHOICES}
    listed: dict[str, tuple[str, ...]] = {}
    for line in (REPO / "config.toml").read_text(encoding="utf-8").splitlines():
        setting, _, comment = line.partition("#")
        key = setting.partition("=")[0].strip()
        if key in accepted and comment.strip():
            words = comment.split("(")[0]
            listed[key] = tuple(choice.strip() for choice in words.split("|"))
    assert listed == accepted


# ---- [zalo_bot] (SPEC §13): the Zalo Bot channel ------------------------------------------
ZALO_BOT_ENV = {"BOT_TOKEN": "123:abc", "ZALO_BOT_TOKEN": "1459232241454765289:bot-secret",
                "ZALO_BOT_WEBHOOK_SECRET": "a-secret-of-32-characters-000000"}
ZALO_BOT_TABLE = """
[zalo_bot]
token_env = "ZALO_BOT_TOKEN"
api_base_url = "https://bot-api.zaloplatforms.com/"
mode = "webhook"
webhook_secret_env = "ZALO_BOT_WEBHOOK_SECRET"
webhook_url = "https://bot.example.vn/zalo-bot/webhook"
webhook_listen = "127.0.0.1"
webhook_port = 8446
webhook_path = "/zalo-bot/webhook"
"""


def test_zalo_bot_is_off_without_its_table(write_config):
    assert load_config(write_config(), ZALO_BOT_ENV).zalo_bot is None


def test_the_zalo_bot_table_is_read_whole(write_config):
    config = load_config(write_config(ZALO_BOT_TABLE), ZALO_BOT_ENV)

    assert config.zalo_bot == ZaloBotSettings(
        token_env="ZALO_BOT_TOKEN", api_base_url="https://bot-api.zaloplatforms.com",
        mode="webhook", webhook_secret_env="ZALO_BOT_WEBHOOK_SECRET",
        webhook_url="https://bot.example.vn/zalo-bot/webhook", webhook_listen="127.0.0.1",
        webhook_port=8446, webhook_path="/zalo-bot/webhook")


def test_an_empty_zalo_bot_table_polls_with_the_defaults(write_config):
    settings = load_config(write_config("[zalo_bot]\n"), ZALO_BOT_ENV).zalo_bot

    assert settings is not None
    assert (settings.mode, settings.token_env, settings.api_base_url, settings.webhook_url) == (
        "polling", "ZALO_BOT_TOKEN", "https://bot-api.zaloplatforms.com", "")


@pytest.mark.parametrize(("table", "environ", "key", "words"), [
    ("[zalo_bot]\n", {"BOT_TOKEN": "123:abc"}, "zalo_bot.token_env", "ZALO_BOT_TOKEN"),
    ('[zalo_bot]\nmode = "push"\n', ZALO_BOT_ENV, "zalo_bot.mode", "polling, webhook"),
    ('[zalo_bot]\nmode = "webhook"\n', {**ZALO_BOT_ENV, "ZALO_BOT_WEBHOOK_SECRET": ""},
     "zalo_bot.webhook_secret_env", "ZALO_BOT_WEBHOOK_SECRET"),
    ('[zalo_bot]\nmode = "webhook"\n', {**ZALO_BOT_ENV, "ZALO_BOT_WEBHOOK_SECRET": "x" * 7},
     "zalo_bot.webhook_secret_env", "8"),
    ('[zalo_bot]\napi_base_url = "bot-api.zaloplatforms.com"\n', ZALO_BOT_ENV,
     "zalo_bot.api_base_url", "bot-api.zaloplatforms.com"),
    ('[zalo_bot]\nwebhook_port = 0\n', ZALO_BOT_ENV, "zalo_bot.webhook_port", "0"),
    ('[zalo_bot]\ntoken = "1:abc"\n', ZALO_BOT_ENV, "zalo_bot.token", ""),
])
def test_each_zalo_bot_mistake_names_its_key(write_config, table, environ, key, words):
    path = write_config(table)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ)
    [line] = caught.value.lines()
    assert line.startswith(f"{path}: {key}: ") and words in line


def test_polling_needs_no_webhook_secret(write_config):
    environ = {key: value for key, value in ZALO_BOT_ENV.items()
               if key != "ZALO_BOT_WEBHOOK_SECRET"}
    assert load_config(write_config("[zalo_bot]\n"), environ).zalo_bot is not None


def test_similar_tips_settings_are_read(write_config):
    """SPEC §15: 14 days, a suggestion from 0.75, no merge without asking, unless set."""
    config = load_config(write_config(), ENV)
    assert (config.tips.similar_days, config.tips.similar_suggest,
            config.tips.similar_auto_merge) == (14, 0.75, 0.0)
    config = load_config(write_config(
        "[tips]\nsimilar_days = 7\nsimilar_suggest = 0.8\nsimilar_auto_merge = 1\n"), ENV)
    assert (config.tips.similar_days, config.tips.similar_suggest,
            config.tips.similar_auto_merge) == (7, 0.8, 1.0)
