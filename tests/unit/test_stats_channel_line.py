"""The ``/stats`` line by channel (SPEC §13), drawn without a database: shown only when two
channels have something the reader may see, in English too, with thousands separators."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from core.i18n import Translator
from reports.render.channel_figures import channel_line, channel_name
from reports.stats import ChannelFigures
from tests.unit.test_stats_render import sample

EN, VI = Translator("en"), Translator("vi")
NOTHING = ChannelFigures(0, 0, 0, 0, 0)


def with_channels(**figures: ChannelFigures):
    return replace(sample(), by_channel=MappingProxyType(figures))


def test_one_channel_with_figures_needs_no_line():
    stats = with_channels(telegram=ChannelFigures(37, 1666, 1332, 2, 180), zalo_oa=NOTHING,
                          sms=NOTHING)
    assert channel_line(stats, VI, tip_figures=True) is None


def test_two_channels_make_a_line_in_the_readers_language():
    stats = with_channels(telegram=ChannelFigures(30, 1500, 1100, 2, 170),
                          zalo_oa=ChannelFigures(7, 166, 232, 0, 10))
    assert channel_line(stats, EN, tip_figures=True) == (
        "By channel: Telegram 30 groups, 1,500 members, 1,100 deliveries, 170 tips; "
        "Zalo OA 7 groups, 166 members, 232 deliveries, 10 tips")


def test_an_editor_sees_no_tip_count_and_a_channel_with_only_tips_is_not_theirs():
    stats = with_channels(telegram=ChannelFigures(37, 1666, 1332, 2, 170),
                          sms=ChannelFigures(0, 0, 0, 0, 10))
    assert channel_line(stats, VI, tip_figures=False) is None
    assert channel_line(stats, VI, tip_figures=True) == (
        "Theo kênh: Telegram 37 nhóm, 1.666 thành viên, 1.332 lượt gửi, 170 tin; "
        "SMS 0 người nhận, 0 lượt gửi, 10 tin")


def test_a_channel_without_a_name_in_the_catalogue_is_shown_as_its_key():
    assert channel_name("zalo_oa", VI) == "Zalo OA"
    assert channel_name("viber", VI) == "viber"
