"""The ``[zalo_bot]`` table (SPEC §13): the Zalo Bot channel, off when the table is absent.

The bot token and the webhook's secret token are secrets: the table names the environment
variables that hold them, and each missing one is a config error naming its variable (only when
the bot is to run: ``need_token``). ``mode`` is ``polling`` (``getUpdates``, nothing to expose)
or ``webhook`` (the platform posts to ``webhook_url``, served on ``webhook_listen``:
``webhook_port`` ``webhook_path`` behind the TLS proxy; the secret token is then required, 8 to
256 characters as ``setWebhook`` takes it). Without ``webhook_url`` the bot does not call
``setWebhook`` itself: the admin has set it once by hand.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.config_reader import TableReader
from bot.config_webhook import read_webhook_keys
from bot.config_zalo_keys import ZALO_WEBHOOK_PATHS, zalo_url
from core.config_model import ZaloBotSettings

TABLE = "zalo_bot"
MODES = ("polling", "webhook")
DEFAULT_TOKEN_ENV = "ZALO_BOT_TOKEN"
DEFAULT_SECRET_ENV = "ZALO_BOT_WEBHOOK_SECRET"
DEFAULT_API_BASE_URL = "https://bot-api.zaloplatforms.com"
DEFAULT_WEBHOOK_PORT = 8446
DEFAULT_WEBHOOK_PATH = "/zalo-bot/webhook"
WEBHOOK_URL_EXAMPLE = "https://bot.example.vn/zalo-bot/webhook"
SECRET_LENGTH = range(8, 257)  # setWebhook's secret_token: 8 to 256 characters


def read_zalo_bot(root: TableReader, environ: Mapping[str, str],
                  need_token: bool) -> ZaloBotSettings | None:
    present = TABLE in root.table
    table = root.sub_table(TABLE)
    if not present:
        return None
    token_env = table.value("token_env", str, DEFAULT_TOKEN_ENV)
    if need_token and table.ok("token_env") and not environ.get(token_env, "").strip():
        table.problem("token_env", "zalo_bot_token_missing", variable=token_env)
    api_base_url = zalo_url(table, "api_base_url", DEFAULT_API_BASE_URL,
                            example=DEFAULT_API_BASE_URL).rstrip("/")
    mode = table.choice("mode", MODES, "polling")
    secret_env = table.value("webhook_secret_env", str, DEFAULT_SECRET_ENV)
    if need_token and mode == "webhook" and table.ok("webhook_secret_env"):
        secret = environ.get(secret_env, "")
        if not secret:
            table.problem("webhook_secret_env", "webhook_secret_missing", variable=secret_env)
        elif len(secret) not in SECRET_LENGTH or secret != secret.strip():
            table.problem("webhook_secret_env", "zalo_bot_secret_bad", variable=secret_env)
    webhook_url = (zalo_url(table, "webhook_url", "", example=WEBHOOK_URL_EXAMPLE)
                   if "webhook_url" in table.table else "")
    webhook = read_webhook_keys(table, port=DEFAULT_WEBHOOK_PORT, path=DEFAULT_WEBHOOK_PATH,
                                rule=ZALO_WEBHOOK_PATHS)
    table.finish()
    return ZaloBotSettings(
        token_env=token_env, api_base_url=api_base_url, mode=mode,
        webhook_secret_env=secret_env, webhook_url=webhook_url, webhook_listen=webhook.listen,
        webhook_port=webhook.port, webhook_path=webhook.path)
