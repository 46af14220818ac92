"""``[ops] listen`` (SPEC §14): optional, ``host:port``, every mistake reported like the rest."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_config
from bot.config_ops import parse_listen
from core.config_model import OpsSettings

ENV = {"BOT_TOKEN": "123:abc"}


def test_without_an_ops_table_there_is_no_server(write_config):
    assert load_config(write_config(), ENV).ops is None


def test_listen_gives_the_host_and_port(write_config):
    config = load_config(write_config('\n[ops]\nlisten = "127.0.0.1:9464"\n'), ENV)
    assert config.ops == OpsSettings("127.0.0.1", 9464)


@pytest.mark.parametrize("text,expected", [("0.0.0.0:80", ("0.0.0.0", 80)),
                                           ("[::1]:9464", ("::1", 9464)),
                                           ("localhost:65535", ("localhost", 65535))])
def test_listen_forms(text, expected):
    assert parse_listen(text) == expected


@pytest.mark.parametrize("listen", ["9464", ":9464", "127.0.0.1:0", "127.0.0.1:70000",
                                    "127.0.0.1:http"])
def test_a_bad_listen_address_is_reported_at_its_key(write_config, listen):
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(f'\n[ops]\nlisten = "{listen}"\n'), ENV)
    assert [p.key for p in caught.value.problems] == ["ops.listen"]
    assert "host:" in caught.value.lines()[0]


def test_an_ops_table_needs_listen_and_knows_no_other_key(write_config):
    with pytest.raises(ConfigError) as caught:
        load_config(write_config('\n[ops]\nport = 9464\n'), ENV)
    assert sorted(p.key for p in caught.value.problems) == ["ops.listen", "ops.port"]
