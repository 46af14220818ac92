"""The [zalo_oa] table: absent means the channel is off; present, every key of SPEC §13 is read,
defaults filled in, and each mistake is a ``FILE: KEY: problem`` line in the config's language;
a secret whose variable is empty names the variable."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_config
from core.config_model import ZaloOASettings

ENV = {"BOT_TOKEN": "123:abc", "ZALO_APP_SECRET": "app-secret", "ZALO_OA_SECRET": "oa-secret",
       "ZALO_REFRESH_TOKEN": "first-refresh-token"}

FULL_TABLE = """
[zalo_oa]
oa_id = "579745863508352884"
app_id = "1234567890987654321"
app_secret_env = "ZALO_APP_SECRET"
oa_secret_env = "ZALO_OA_SECRET"
refresh_token_env = "ZALO_REFRESH_TOKEN"
api_base_url = "https://openapi.zalo.me"
oauth_base_url = "https://oauth.zaloapp.com"
webhook_listen = "127.0.0.1"
webhook_port = 8444
webhook_path = "/zalo/webhook"
"""


def problems_of(path, environ) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ)
    return caught.value.lines()


def test_without_the_table_the_channel_is_off(write_config):
    assert load_config(write_config(), ENV).zalo_oa is None


def test_the_table_of_the_spec_is_read_whole(write_config):
    config = load_config(write_config(FULL_TABLE), ENV)

    assert config.zalo_oa == ZaloOASettings(
        oa_id="579745863508352884", app_id="1234567890987654321",
        app_secret_env="ZALO_APP_SECRET", oa_secret_env="ZALO_OA_SECRET",
        refresh_token_env="ZALO_REFRESH_TOKEN", api_base_url="https://openapi.zalo.me",
        oauth_base_url="https://oauth.zaloapp.com", webhook_listen="127.0.0.1",
        webhook_port=8444, webhook_path="/zalo/webhook")


def test_only_the_ids_are_required(write_config):
    path = write_config('[zalo_oa]\noa_id = "579745863508352884"\napp_id = "12345"\n')

    settings = load_config(path, ENV).zalo_oa

    assert settings is not None
    assert (settings.api_base_url, settings.oauth_base_url, settings.webhook_port,
            settings.webhook_path) == ("https://openapi.zalo.me", "https://oauth.zaloapp.com",
                                       8444, "/zalo/webhook")


@pytest.mark.parametrize("variable", ["ZALO_APP_SECRET", "ZALO_OA_SECRET", "ZALO_REFRESH_TOKEN"])
def test_an_unset_secret_is_an_error_naming_its_variable(write_config, variable):
    path = write_config(FULL_TABLE)
    environ = {key: value for key, value in ENV.items() if key != variable}

    lines = problems_of(path, environ)

    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: zalo_oa.")
    assert variable in lines[0]


def test_secrets_are_not_needed_where_nothing_runs(write_config):
    settings = load_config(write_config(FULL_TABLE), {"BOT_TOKEN": "x"}, need_token=False)
    assert settings.zalo_oa is not None


@pytest.mark.parametrize(("change", "key"), [
    ('oa_id = "579745863508352884"', "zalo_oa.oa_id"),  # removed: required
    ('app_id = "1234567890987654321"\napp_id_typo = "1"', "zalo_oa.app_id_typo"),
    ('oa_id = "579745863508352884"\noa_id_again = 1', "zalo_oa.oa_id_again"),
])
def test_missing_and_unknown_keys_are_named(write_config, change, key):
    body = FULL_TABLE.replace(change.split("\n")[0], "" if "\n" not in change else change)
    lines = problems_of(write_config(body), ENV)
    assert any(line.split(": ")[1] == key for line in lines), lines


@pytest.mark.parametrize(("line", "replacement", "key", "words"), [
    ('oa_id = "579745863508352884"', 'oa_id = "OA cua xa"', "zalo_oa.oa_id", "mã Zalo"),
    ('api_base_url = "https://openapi.zalo.me"', 'api_base_url = "openapi.zalo.me"',
     "zalo_oa.api_base_url", "https://openapi.zalo.me"),
    ("webhook_port = 8444", "webhook_port = 70000", "zalo_oa.webhook_port", "70000"),
    ('webhook_path = "/zalo/webhook"', 'webhook_path = "zalo webhook"', "zalo_oa.webhook_path",
     "/zalo/webhook"),
    ('webhook_listen = "127.0.0.1"', 'webhook_listen = " "', "zalo_oa.webhook_listen", ""),
])
def test_each_bad_value_is_one_line_naming_its_key(write_config, line, replacement, key, words):
    lines = problems_of(write_config(FULL_TABLE.replace(line, replacement)), ENV)

    assert len(lines) == 1, lines
    assert lines[0].split(": ")[1] == key
    assert words in lines[0]


def test_problems_are_worded_in_the_configs_language(write_config):
    body = (write_config().read_text(encoding="utf-8").replace('language = "vi"',
                                                               'language = "en"') + FULL_TABLE)
    lines = problems_of(write_config(body=body), {"BOT_TOKEN": "x"})
    assert any("is not set" in line and "ZALO_APP_SECRET" in line for line in lines), lines


STAFF_ON_ZALO = """
[[staff]]
telegram_id = 5550001
role = "officer"
unit = "TT-TANTHANH"
zalo_user_id = "3000000000000007919"
"""


def test_a_staff_members_zalo_user_id_is_read_and_never_echoed_when_wrong(write_config):
    config = load_config(write_config(STAFF_ON_ZALO), ENV)
    [on_zalo] = [decl for decl in config.staff if decl.telegram_id == 5550001]
    assert on_zalo.zalo_user_id == "3000000000000007919"
    assert all(decl.zalo_user_id is None for decl in config.staff if decl is not on_zalo)

    wrong = STAFF_ON_ZALO.replace('"3000000000000007919"', '"Nguyễn Văn A 0912"')
    [line] = problems_of(write_config(wrong), ENV)
    assert "zalo_user_id" in line and "0912" not in line
