"""The ``[telegram]`` table: the token variable, the Bot API address, polling or webhook.

Webhook mode puts an HTTP server of the bot's own on the network. Anyone who can reach it could
post a forged update "from" an admin, so the secret token Telegram echoes in every webhook call
(``X-Telegram-Bot-Api-Secret-Token``) is required, not optional, and lives in the environment
like the bot token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from bot.config_reader import TableReader
from core.config_model import TelegramSettings, WebhookSettings

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
MODES: tuple[str, ...] = ("polling", "webhook")
# How the bot's Bot API calls travel: the lean client (default) or PTB's httpx request, the
# opt-out kept in case a network in between needs what only httpx does.
HTTP_CLIENTS: tuple[str, ...] = ("lean", "httpx")
# Telegram's own rule for secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -.
WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
DEFAULT_WEBHOOK_PORT = 8443
# Behind a reverse proxy (the usual deployment) the bot listens only on the loopback interface.
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1"


def default_file_url(api_base_url: str) -> str:
    """SPEC §12: ``api_base_url`` with its final ``/bot`` replaced by ``/file/bot``."""
    if api_base_url.endswith("/bot"):
        return api_base_url[: -len("/bot")] + "/file/bot"
    return api_base_url.rstrip("/") + "/file/bot"


def read_telegram(table: TableReader, environ: Mapping[str, str],
                  need_token: bool) -> TelegramSettings:
    token_env = table.value("token_env", str, "BOT_TOKEN")
    if need_token and not environ.get(token_env, "").strip():
        table.problem("token_env", "token_missing", variable=token_env)
    base_url = table.value("api_base_url", str, DEFAULT_API_BASE_URL)
    if not base_url.startswith(("http://", "https://")):
        table.problem("api_base_url", "bad_url", value=base_url)
    file_url = table.value("api_file_url", str, "") or default_file_url(base_url)
    mode = table.choice("mode", MODES, "polling")
    webhook = _read_webhook(table, environ, need_token, required=mode == "webhook")
    http_client = table.choice("http_client", HTTP_CLIENTS, "lean")
    table.finish()
    return TelegramSettings(token_env, base_url, file_url, mode, webhook, http_client)


def _read_webhook(table: TableReader, environ: Mapping[str, str], need_token: bool, *,
                  required: bool) -> WebhookSettings | None:
    """The webhook keys are read (so they are never "unknown") but only checked in that mode."""
    url = table.value("webhook_url", str, "")
    listen = table.value("webhook_listen", str, DEFAULT_WEBHOOK_LISTEN)
    port = table.value("webhook_port", int, DEFAULT_WEBHOOK_PORT)
    secret_env = table.value("webhook_secret_env", str, "BOT_WEBHOOK_SECRET")
    if not required:
        return None
    parts = urlsplit(url)
    if not url:
        table.problem("webhook_url", "webhook_url_missing")
    elif parts.scheme != "https" or not parts.hostname:
        table.problem("webhook_url", "webhook_not_https", value=url)
    if not 1 <= port <= 65535:
        table.problem("webhook_port", "bad_port", value=port)
    if not listen.strip():
        table.problem("webhook_listen", "empty")
    secret = environ.get(secret_env, "")
    if need_token and not secret:
        table.problem("webhook_secret_env", "webhook_secret_missing", variable=secret_env)
    elif need_token and not WEBHOOK_SECRET.match(secret):
        table.problem("webhook_secret_env", "webhook_secret_bad", variable=secret_env)
    return WebhookSettings(url=url, listen=listen, port=port, secret_env=secret_env,
                           url_path=parts.path.lstrip("/"))
