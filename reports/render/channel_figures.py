"""The figures by channel (SPEC §13) as every report draws them: a channel's name, its columns,
and the ``/stats`` line.

For ``sms`` the groups and members are the subscribers, one person each (``reports.stats``):
the line and the tables name them so (``người nhận`` / "subscribers"), and the tables' total row
keeps the report's totals, which count chat groups only.
"""

from __future__ import annotations

from collections.abc import Callable

# The module, not its names: stats_text draws the /stats line with channel_line below.
from reports.render import stats_text
from reports.stats import SMS, ChannelFigures, UnitStatistics

# Channels with a name in the catalogue (``channel_names.*``); any other is shown as its key.
NAMED_CHANNELS = ("telegram", "zalo_oa", "zalo_bot", SMS)

# (catalogue key of the heading under ``exports.figure``, the figure): the tables' columns.
CHANNEL_COLUMNS: tuple[tuple[str, Callable[[ChannelFigures], int]], ...] = (
    ("groups", lambda c: c.groups),
    ("members", lambda c: c.members),
    ("deliveries", lambda c: c.deliveries),
    ("failed", lambda c: c.failed),
    ("tips_received", lambda c: c.tips),
)


def channel_name(name: str, tr: stats_text.Translate) -> str:
    return tr("channel_names." + name) if name in NAMED_CHANNELS else name


def total_figures(stats: UnitStatistics) -> ChannelFigures:
    """The report's totals in the channels' columns (SMS subscribers are not groups)."""
    return ChannelFigures(groups=stats.groups.count, members=stats.groups.members,
                          deliveries=stats.bulletins.deliveries, failed=stats.bulletins.failed,
                          tips=stats.tips.received)


def channel_line(stats: UnitStatistics, tr: stats_text.Translate, *,
                 tip_figures: bool) -> str | None:
    """"Theo kênh: Telegram 12 nhóm, …; Zalo OA …" — only when more than one channel has
    something to show: with one channel, the totals already say it all."""
    def shown(figures: ChannelFigures) -> bool:
        return bool(figures.groups or figures.deliveries or figures.failed
                    or (tip_figures and figures.tips))

    active = {name: f for name, f in stats.by_channel.items() if shown(f)}
    if len(active) < 2:
        return None

    def n(number: int) -> str:
        return stats_text.format_count(number, tr)

    suffix = "" if tip_figures else "_no_tips"
    items = []
    for name, figures in active.items():
        key = ("stats.channel_item_sms" if name == SMS else "stats.channel_item") + suffix
        items.append(tr(key, channel=channel_name(name, tr), groups=n(figures.groups),
                        members=n(figures.members), deliveries=n(figures.deliveries),
                        tips=n(figures.tips)))
    return tr("stats.by_channel", items=tr("stats.channel_separator").join(items))
