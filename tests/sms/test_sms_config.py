"""The ``[sms]`` table: absent means SMS is not configured; each mistake is named by its key."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_config

ENV = {"BOT_TOKEN": "1:abc"}
GATEWAY_ENV = {**ENV, "SMS_GATEWAY_USER": "sms", "SMS_GATEWAY_PASSWORD": "pw",
               "SMS_WEBHOOK_SIGNING_KEY": "signing"}
GATEWAY = """
[sms]
provider = "android_gateway"
api_base_url = "http://192.168.1.20:8080"
username_env = "SMS_GATEWAY_USER"
password_env = "SMS_GATEWAY_PASSWORD"
webhook_signing_key_env = "SMS_WEBHOOK_SIGNING_KEY"
webhook_listen = "127.0.0.1"
webhook_port = 8445
webhook_path = "/sms/webhook"
price_vnd = 500
monthly_budget_vnd = 2000000
max_segments = 3
"""
ESMS = """
[sms]
provider = "esms"
api_key_env = "ESMS_API_KEY"
secret_key_env = "ESMS_SECRET_KEY"
brandname = "CA-XA-TANTHANH"
sandbox = true
price_vnd = 800
"""


def problems(path, environ) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ)
    return {p.key: p.message_key for p in caught.value.problems}


def test_without_a_table_sms_is_not_configured(write_config):
    assert load_config(write_config(), ENV).sms is None


def test_the_spec_example_reads_as_written(write_config):
    sms = load_config(write_config(GATEWAY), GATEWAY_ENV).sms
    assert sms is not None and sms.two_way and sms.esms is None
    assert (sms.provider, sms.api_base_url, sms.webhook_port, sms.webhook_path, sms.price_vnd,
            sms.monthly_budget_vnd, sms.max_segments) == (
        "android_gateway", "http://192.168.1.20:8080", 8445, "/sms/webhook", 500, 2_000_000, 3)


def test_esms_reads_its_own_keys(write_config):
    sms = load_config(write_config(ESMS), {**ENV, "ESMS_API_KEY": "k",
                                           "ESMS_SECRET_KEY": "s"}).sms
    assert sms is not None and not sms.two_way
    assert sms.esms is not None
    assert (sms.esms.brandname, sms.esms.sandbox, sms.api_base_url) == (
        "CA-XA-TANTHANH", True, "https://rest.esms.vn")


def test_missing_secrets_are_named_by_their_key(write_config):
    found = problems(write_config(GATEWAY), ENV)
    assert found == {"sms.username_env": "sms_variable_missing",
                     "sms.password_env": "sms_variable_missing",
                     "sms.webhook_signing_key_env": "sms_variable_missing"}
    found = problems(write_config(ESMS.replace('brandname = "CA-XA-TANTHANH"\n', "")), ENV)
    assert found == {"sms.brandname": "missing", "sms.api_key_env": "sms_variable_missing",
                     "sms.secret_key_env": "sms_variable_missing"}


@pytest.mark.parametrize(("change", "key", "problem"), [
    (("android_gateway", "zalo"), "sms.provider", "not_one_of"),
    (('api_base_url = "http://192.168.1.20:8080"', 'api_base_url = "192.168.1.20"'),
     "sms.api_base_url", "bad_url"),
    (("webhook_port = 8445", "webhook_port = 70000"), "sms.webhook_port", "bad_port"),
    (('webhook_path = "/sms/webhook"', 'webhook_path = "sms"'), "sms.webhook_path",
     "sms_bad_path"),
    (("max_segments = 3", "max_segments = 0"), "sms.max_segments", "not_positive"),
    (("max_segments = 3", "max_segments = 11"), "sms.max_segments", "sms_too_many_segments"),
    (("price_vnd = 500", "price_vnd = -1"), "sms.price_vnd", "negative"),
    (("price_vnd = 500", 'price_vnd = "500"'), "sms.price_vnd", "wrong_type"),
    (("max_segments = 3", "max_segment = 3"), "sms.max_segment", "unknown_key"),
])
def test_each_mistake_is_named_by_its_key(write_config, change, key, problem):
    assert problems(write_config(GATEWAY.replace(*change)), GATEWAY_ENV) == {key: problem}
