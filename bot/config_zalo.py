"""The ``[zalo_oa]`` table (SPEC §13): the Zalo Official Account channel, off when the table is
absent.

The app secret, the OA secret key and the first refresh token are secrets: the table names the
environment variables that hold them, and each missing one is a config error naming its
variable (only when the bot is to run: ``need_token``). Later refresh tokens live in the
database (``storage.zalo_tokens``): Zalo replaces the refresh token at every use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.config_reader import TableReader
from bot.config_webhook import read_webhook_keys
from bot.config_zalo_keys import ZALO_WEBHOOK_PATHS, zalo_url
from core.config_model import ZaloOASettings

TABLE = "zalo_oa"
DEFAULT_API_BASE_URL = "https://openapi.zalo.me"
DEFAULT_OAUTH_BASE_URL = "https://oauth.zaloapp.com"
DEFAULT_WEBHOOK_PORT = 8444
DEFAULT_WEBHOOK_PATH = "/zalo/webhook"
# Zalo's OA and app ids are decimal numbers (up to 19-20 digits).
ZALO_ID = re.compile(r"^[0-9]{1,24}$")

# (key, default variable, message when the variable is empty)
_SECRETS = (
    ("app_secret_env", "ZALO_APP_SECRET", "zalo_app_secret_missing"),
    ("oa_secret_env", "ZALO_OA_SECRET", "zalo_oa_secret_missing"),
    ("refresh_token_env", "ZALO_REFRESH_TOKEN", "zalo_refresh_token_missing"),
)


def read_zalo_oa(root: TableReader, environ: Mapping[str, str],
                 need_token: bool) -> ZaloOASettings | None:
    present = TABLE in root.table
    table = root.sub_table(TABLE)
    if not present:
        return None
    oa_id = _zalo_id(table, "oa_id")
    app_id = _zalo_id(table, "app_id")
    variables = []
    for key, default, missing in _SECRETS:
        variable = table.value(key, str, default)
        if need_token and table.ok(key) and not environ.get(variable, "").strip():
            table.problem(key, missing, variable=variable)
        variables.append(variable)
    api_base_url = _url(table, "api_base_url", DEFAULT_API_BASE_URL)
    oauth_base_url = _url(table, "oauth_base_url", DEFAULT_OAUTH_BASE_URL)
    webhook = read_webhook_keys(table, port=DEFAULT_WEBHOOK_PORT, path=DEFAULT_WEBHOOK_PATH,
                                rule=ZALO_WEBHOOK_PATHS)
    table.finish()
    app_secret_env, oa_secret_env, refresh_token_env = variables
    return ZaloOASettings(
        oa_id=oa_id, app_id=app_id, app_secret_env=app_secret_env, oa_secret_env=oa_secret_env,
        refresh_token_env=refresh_token_env, api_base_url=api_base_url,
        oauth_base_url=oauth_base_url, webhook_listen=webhook.listen, webhook_port=webhook.port,
        webhook_path=webhook.path)


def _zalo_id(table: TableReader, key: str) -> str:
    value = table.required(key, str, "")
    if table.ok(key) and not ZALO_ID.match(value):
        table.problem(key, "zalo_bad_id", value=value)
    return value


def _url(table: TableReader, key: str, default: str) -> str:
    return zalo_url(table, key, default, example=default).rstrip("/")
