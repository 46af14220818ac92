"""``tips.max_followups_per_hour`` (SPEC §12): 10 unless set, a positive whole number."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_config

ENV = {"BOT_TOKEN": "123:abc", "LANG": "C"}


def test_the_follow_up_limit_is_ten_unless_set(write_config):
    assert load_config(write_config(), ENV).tips.max_followups_per_hour == 10
    path = write_config("\n[tips]\nmax_followups_per_hour = 3\n")
    assert load_config(path, ENV).tips.max_followups_per_hour == 3


def test_a_follow_up_limit_of_zero_is_refused_with_its_key(write_config):
    with pytest.raises(ConfigError) as caught:
        load_config(write_config("\n[tips]\nmax_followups_per_hour = 0\n"), ENV)
    assert any("tips.max_followups_per_hour" in line for line in caught.value.lines())
