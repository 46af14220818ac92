"""/help's lines for the Zalo OA and SMS forms (``org.help_lines``): per role, only in the
private chat, only for the channels this bot runs; every line in both languages."""

from __future__ import annotations

from core.i18n import Translator
from org.help_lines import CHANNEL_HELP_LINES, SMS_TWO_WAY, ZALO_OA, channel_help_keys
from org.permissions import Place
from org.roles import Role

BOTH = {ZALO_OA, SMS_TWO_WAY}


def test_each_role_gets_the_forms_of_the_commands_it_may_use():
    assert channel_help_keys(None, Place.PRIVATE, BOTH) == []
    assert channel_help_keys(Role.EDITOR, Place.PRIVATE, BOTH) == ["help.channels.zalo_groups"]
    officer = ["help.channels.zalo_groups", "help.channels.zalo_register",
               "help.channels.zalo_register_in_group", "help.channels.sms_keywords"]
    assert channel_help_keys(Role.OFFICER, Place.PRIVATE, BOTH) == officer
    assert channel_help_keys(Role.ADMIN, Place.PRIVATE, BOTH) == officer


def test_only_the_channels_that_run_and_only_in_the_private_chat():
    assert channel_help_keys(Role.OFFICER, Place.PRIVATE, set()) == []
    assert channel_help_keys(Role.OFFICER, Place.PRIVATE, {SMS_TWO_WAY}) == \
        ["help.channels.sms_keywords"]
    assert "help.channels.sms_keywords" not in channel_help_keys(Role.OFFICER, Place.PRIVATE,
                                                                 {ZALO_OA})
    assert channel_help_keys(Role.OFFICER, Place.GROUP, BOTH) == []


def test_the_lines_name_the_typed_forms_in_each_language():
    vi, en = Translator("vi"), Translator("en")
    text_vi = "\n".join(vi(line.key) for line in CHANNEL_HELP_LINES)
    text_en = "\n".join(en(line.key) for line in CHANNEL_HELP_LINES)
    for form in ("/nhom zalo", "/dangky MÃ_ĐƠN_VỊ zalo:", "/staff zalo", "DK MÃ_ĐƠN_VỊ", "HUY"):
        assert form in text_vi
    for form in ("/groups zalo", "/register UNITCODE zalo:", "/staff zalo", "DK UNITCODE"):
        assert form in text_en
