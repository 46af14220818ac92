"""The ``[sms]`` table (SPEC §13): the SMS provider, the webhook incoming texts arrive on, the
price and monthly budget, and the longest SMS sent. No table: SMS is not configured.

Secrets (the gateway's password and webhook signing key, eSMS's keys) live in the environment;
the file names the variables. ``provider = "android_gateway"`` needs the gateway's address, its
basic-auth user and password and the webhook signing key set in the app (incoming texts are
refused without a valid signature, so an unsigned set-up would accept no text at all);
``provider = "esms"`` needs the API key, secret key and the registered brandname.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.config_reader import TableReader
from bot.config_webhook import PathRule, check_webhook_keys, read_webhook_keys
from core.config_model import EsmsSettings, SmsSettings

PROVIDERS: tuple[str, ...] = ("android_gateway", "esms")
ESMS_API_BASE_URL = "https://rest.esms.vn"
DEFAULT_WEBHOOK_PORT = 8445
DEFAULT_WEBHOOK_PATH = "/sms/webhook"
# Any path that starts with "/" (the listener serves it literally): looser than the Zalo tables.
SMS_WEBHOOK_PATHS = PathRule(re.compile("/"), "sms_bad_path")
DEFAULT_PRICE_VND = 500
DEFAULT_MONTHLY_BUDGET_VND = 2_000_000
DEFAULT_MAX_SEGMENTS = 3
# A concatenated SMS has at most 255 parts; beyond a few, a phone shows it badly and it costs
# as much as a letter.
MOST_SEGMENTS = 10


def read_sms(root: TableReader, environ: Mapping[str, str],
             need_secrets: bool) -> SmsSettings | None:
    present = "sms" in root.table
    table = root.sub_table("sms")
    if not present:
        return None
    provider = table.choice("provider", PROVIDERS, PROVIDERS[0])
    if "provider" not in table.table:
        table.problem("provider", "missing")
    gateway = provider == "android_gateway"
    base_url = table.value("api_base_url", str, "" if gateway else ESMS_API_BASE_URL)
    if gateway and not base_url:
        table.problem("api_base_url", "missing")
    elif table.ok("api_base_url") and not base_url.startswith(("http://", "https://")):
        table.problem("api_base_url", "bad_url", value=base_url)
    username_env = table.value("username_env", str, "SMS_GATEWAY_USER")
    password_env = table.value("password_env", str, "SMS_GATEWAY_PASSWORD")
    signing_env = table.value("webhook_signing_key_env", str, "SMS_WEBHOOK_SIGNING_KEY")
    # Read whatever the provider (so never "unknown"); checked only where the gateway posts.
    webhook = read_webhook_keys(table, port=DEFAULT_WEBHOOK_PORT, path=DEFAULT_WEBHOOK_PATH,
                                rule=None)
    price = table.positive_int("price_vnd", DEFAULT_PRICE_VND, allow_zero=True)
    budget = table.positive_int("monthly_budget_vnd", DEFAULT_MONTHLY_BUDGET_VND,
                                allow_zero=True)
    max_segments = table.positive_int("max_segments", DEFAULT_MAX_SEGMENTS)
    if max_segments > MOST_SEGMENTS:
        table.problem("max_segments", "sms_too_many_segments", value=max_segments,
                      most=MOST_SEGMENTS)
        max_segments = DEFAULT_MAX_SEGMENTS
    esms = _read_esms(table, environ, need_secrets, required=not gateway)
    if gateway:
        check_webhook_keys(table, webhook, SMS_WEBHOOK_PATHS)
        if need_secrets:
            for key, variable in (("username_env", username_env), ("password_env", password_env),
                                  ("webhook_signing_key_env", signing_env)):
                _require_variable(table, environ, key, variable)
    table.finish()
    return SmsSettings(
        provider=provider, api_base_url=base_url, username_env=username_env,
        password_env=password_env, webhook_signing_key_env=signing_env,
        webhook_listen=webhook.listen, webhook_port=webhook.port, webhook_path=webhook.path,
        price_vnd=price, monthly_budget_vnd=budget,
        max_segments=max_segments, esms=esms)


def _read_esms(table: TableReader, environ: Mapping[str, str], need_secrets: bool, *,
               required: bool) -> EsmsSettings | None:
    """The eSMS keys are read (so they are never "unknown") but only checked for that provider."""
    api_key_env = table.value("api_key_env", str, "ESMS_API_KEY")
    secret_key_env = table.value("secret_key_env", str, "ESMS_SECRET_KEY")
    brandname = table.value("brandname", str, "")
    sandbox = table.value("sandbox", bool, False)
    if not required:
        return None
    if not brandname.strip():
        table.problem("brandname", "missing")
    if need_secrets:
        _require_variable(table, environ, "api_key_env", api_key_env)
        _require_variable(table, environ, "secret_key_env", secret_key_env)
    return EsmsSettings(api_key_env, secret_key_env, brandname.strip(), sandbox)


def _require_variable(table: TableReader, environ: Mapping[str, str], key: str,
                      variable: str) -> None:
    if table.ok(key) and not environ.get(variable, "").strip():
        table.problem(key, "sms_variable_missing", variable=variable)
