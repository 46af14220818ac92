"""The shell's ``:`` commands: what each line means, and the clock steps ``:time`` takes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shell import commands as cmd
from shell.cast import folded
from shell.session import zalo_group_name


@pytest.mark.parametrize(("line", "expected"), [
    ("/tip có trộm", cmd.SayText("/tip có trộm")),
    ("::not a command", cmd.SayText(":not a command")),
    (":as Officer", cmd.PlayAs("officer")),
    (":private", cmd.GoPrivate()),
    (":group Ấp 1", cmd.GoGroup("Ấp 1")),
    (":press 2", cmd.Press(2)),
    (":time +3d", cmd.AdvanceTime(timedelta(days=3))),
    (":time 1d12h", cmd.AdvanceTime(timedelta(days=1, hours=12))),
    (":time +30m", cmd.AdvanceTime(timedelta(minutes=30))),
    (":photo ảnh hiện trường", cmd.SendPhoto("ảnh hiện trường")),
    (":photo", cmd.SendPhoto("")),
    (":file /tmp/a.pdf biên bản", cmd.SendFile("/tmp/a.pdf", "biên bản")),
    (":location 10.45 105.63", cmd.SendLocation(10.45, 105.63)),
    (":help", cmd.ShowHelp()),
    (":who", cmd.ShowCast()),
    (":quit", cmd.Quit()),
    (":fly away", cmd.UnknownCommand(":fly")),
    (":zalo", cmd.PlayAs("resident@zalo")),
    (":as resident@zalo", cmd.PlayAs("resident@zalo")),
    (":group zalo 1", cmd.GoGroup("zalo 1")),
])
def test_shell_line_means(line, expected):
    assert cmd.parse_line(line) == expected


@pytest.mark.parametrize(("line", "command"), [
    (":as", "as"), (":group", "group"), (":press two", "press"), (":press", "press"),
    (":time", "time"), (":time soon", "time"), (":time +0d", "time"), (":time -2h", "time"),
    (":file", "file"), (":zalo officer", "zalo"), (":location 10.4", "location"),
    (":location north east", "location"),
])
def test_shell_command_with_wrong_arguments_gets_its_usage(line, command):
    assert cmd.parse_line(line) == cmd.BadUsage(command)


def test_group_names_match_without_vietnamese_marks():
    assert "binh hoa" in folded("Tổ tự quản Ấp Bình Hòa")
    assert "dong thap" in folded("ĐỒNG THÁP")


def test_sms_with_a_number_plays_that_phone_and_alone_lists_the_numbers():
    from shell.commands import ListPhones, TextFromPhone, parse_line

    assert parse_line(":sms 0901 234 567") == TextFromPhone("0901 234 567")
    assert parse_line(":SMS") == ListPhones()


@pytest.mark.parametrize(("name", "zalo_group"), [
    ("zalo 1", "1"), ("Zalo:2", "2"), ("zalo  Ấp 1", "Ấp 1"), ("zalo", None), ("Ấp 1", None),
    ("zalovn", None),
])
def test_group_zalo_names_an_oa_group_and_anything_else_a_telegram_group(name, zalo_group):
    assert zalo_group_name(name) == zalo_group
