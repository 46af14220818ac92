"""The rules every unit keeps, from config.toml or from ``/unit`` in chat (SPEC §2, §12), and how
``/unit`` reads its arguments as phones type them."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_config
from handlers.units import UnitCommand, read_unit_command
from org.units import (
    Unit,
    UnitRefusal,
    UnitTree,
    clean_unit_name,
    is_valid_unit_code,
    refusal_to_add,
    refusal_to_move,
    refusal_to_rename,
)

TREE = UnitTree([
    Unit("DT", "Tỉnh", None),
    Unit("TT", "Xã Tân Thành", "DT"),
    Unit("A2", "Ấp 2", "TT", from_config=False),
    Unit("A2-T1", "Tổ 1", "A2", from_config=False),
])


@pytest.mark.parametrize("code", ["DT", "tt-tanthanh", "A_1", "x" * 32, "0"])
def test_valid_unit_codes(code):
    assert is_valid_unit_code(code)


@pytest.mark.parametrize("code", ["", "x" * 33, "ẤP-1", "TT TANTHANH", "TT.1", "TT\n", "tip/1"])
def test_invalid_unit_codes(code):
    assert not is_valid_unit_code(code)


def test_the_config_checks_codes_with_the_same_rule(write_config):
    path = write_config('[[units]]\ncode = "TT\\n"\nname = "Xã"\nparent = "DT"\n')
    with pytest.raises(ConfigError) as raised:
        load_config(path, {"BOT_TOKEN": "1:x"})
    assert any(".code:" in line and "mã đơn vị" in line for line in raised.value.lines())


def test_names_are_kept_on_one_line_without_reordering_characters():
    assert clean_unit_name("  Xã\u202e Tân\n\tThành\u0000 ") == "Xã Tân Thành"


def test_each_refusal_names_its_reason():
    assert refusal_to_add(TREE, "A3", "Ấp 3", "TT") is None
    assert refusal_to_add(TREE, "a2", "Ấp", "TT") is UnitRefusal.DUPLICATE_CODE
    assert refusal_to_add(TREE, "A3", "", "TT") is UnitRefusal.NO_NAME
    assert refusal_to_add(TREE, "A3", "Ấp", "HN") is UnitRefusal.UNKNOWN_PARENT
    assert refusal_to_rename(TREE, "TT", "Xã") is UnitRefusal.DECLARED_IN_CONFIG
    assert refusal_to_rename(TREE, "A2", "x" * 201) is UnitRefusal.NAME_TOO_LONG
    assert refusal_to_rename(TREE, "A2", "x" * 200) is None
    assert refusal_to_move(TREE, "A2", "A2-T1") is UnitRefusal.CYCLE
    assert refusal_to_move(TREE, "A2", "a2") is UnitRefusal.CYCLE
    assert refusal_to_move(TREE, "A2-T1", "TT") is None
    assert refusal_to_move(TREE, "A2", "TT") is UnitRefusal.ALREADY_THERE


@pytest.mark.parametrize(("text", "expected"), [
    ('add TT-A2 "Ấp 2" TT', UnitCommand("add", "TT-A2", "Ấp 2", "TT")),
    ("add TT-A2 “Xã Tân Thành” TT", UnitCommand("add", "TT-A2", "Xã Tân Thành", "TT")),
    ("ADD TT-A2 Ấp Hai TT", UnitCommand("add", "TT-A2", "Ấp Hai", "TT")),
    ('add TT-A2 "" TT', UnitCommand("add", "TT-A2", "", "TT")),
    ("rename TT-A2 “Ấp Hai”", UnitCommand("rename", "TT-A2", "Ấp Hai")),
    ("rename TT-A2 Ấp Hai mới", UnitCommand("rename", "TT-A2", "Ấp Hai mới")),
    ("move TT-A2 BT", UnitCommand("move", "TT-A2", parent="BT")),
    ("list", UnitCommand("list")),
    ('add TT-A2 "Ấp 2 TT', None),  # the quote is never closed
    ('add TT-A2 "Ấp 2"', None),  # no parent
    ("move TT-A2", None),
    ("list all", None),
    ("delete TT-A2", None),
    ("", None),
])
def test_unit_command_arguments(text, expected):
    assert read_unit_command(text) == expected
