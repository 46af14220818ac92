"""``[telegram] http_client``: the lean Bot API transport unless the config opts out."""

from __future__ import annotations

from bot.config import load_config

ENV = {"BOT_TOKEN": "123:abc", "LANG": "C"}


def test_the_lean_client_is_the_default_and_httpx_can_be_chosen(write_config):
    path = write_config()
    assert load_config(path, ENV).telegram.http_client == "lean"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('[telegram]\n', '[telegram]\nhttp_client = "httpx"\n', 1),
                    encoding="utf-8")
    assert load_config(path, ENV).telegram.http_client == "httpx"
