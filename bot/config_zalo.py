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
from core.config_model import ZaloOASettings

TABLE = "zalo_oa"
DEFAULT_API_BASE_URL = "https://openapi.zalo.me"
DEFAULT_OAUTH_BASE_URL = "https://oauth.zaloapp.com"
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1"  # behind the TLS proxy, as for Telegram's webhook
DEFAULT_WEBHOOK_PORT = 8444
DEFAULT_WEBHOOK_PATH = "/zalo/webhook"
# Zalo's OA and app ids are decimal numbers (up to 19-20 digits).
ZALO_ID = re.compile(r"^[0-9]{1,24}$")
WEBHOOK_PATH = re.compile(r"^/[A-Za-z0-9._~/-]{0,200}$")

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
    listen = table.value("webhook_listen", str, DEFAULT_WEBHOOK_LISTEN)
    if table.ok("webhook_listen") and not listen.strip():
        table.problem("webhook_listen", "empty")
    port = table.value("webhook_port", int, DEFAULT_WEBHOOK_PORT)
    if table.ok("webhook_port") and not 1 <= port <= 65535:
        table.problem("webhook_port", "bad_port", value=port)
    path = table.value("webhook_path", str, DEFAULT_WEBHOOK_PATH)
    if table.ok("webhook_path") and not WEBHOOK_PATH.match(path):
        table.problem("webhook_path", "zalo_bad_path", value=path)
    table.finish()
    app_secret_env, oa_secret_env, refresh_token_env = variables
    return ZaloOASettings(
        oa_id=oa_id, app_id=app_id, app_secret_env=app_secret_env, oa_secret_env=oa_secret_env,
        refresh_token_env=refresh_token_env, api_base_url=api_base_url,
        oauth_base_url=oauth_base_url, webhook_listen=listen, webhook_port=port,
        webhook_path=path)


def _zalo_id(table: TableReader, key: str) -> str:
    value = table.required(key, str, "")
    if table.ok(key) and not ZALO_ID.match(value):
        table.problem(key, "zalo_bad_id", value=value)
    return value


def _url(table: TableReader, key: str, default: str) -> str:
    value = table.value(key, str, default)
    if table.ok(key) and not value.startswith(("http://", "https://")):
        table.problem(key, "zalo_bad_url", value=value, example=default)
    return value.rstrip("/")
