"""The lines ``/help`` adds under the command list for the channels this bot runs (SPEC §7,
§13): the Zalo OA forms of ``/groups`` and ``/register`` (``/nhom zalo``, ``/dangky MÃ
zalo:ID``, and ``/dangky MÃ`` typed inside a Zalo OA group), and the words residents text to a
two-way SMS gateway phone. Each line follows the role rule of the command it is a form of
(``org.permissions``), so /help still shows only what this person may do; they are shown in
the private chat, where those forms are typed or explained.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from org.permissions import Place, command_spec
from org.roles import Role

ZALO_OA = "zalo_oa"
SMS_TWO_WAY = "sms_two_way"  # [sms] with a gateway phone residents can text (android_gateway)


@dataclass(frozen=True)
class ChannelHelpLine:
    key: str  # the catalogue key of the line
    command: str  # the command it is a form of: its role rule applies
    channel: str  # shown only when this channel runs here


CHANNEL_HELP_LINES = (
    ChannelHelpLine("help.channels.zalo_groups", "groups", ZALO_OA),
    ChannelHelpLine("help.channels.zalo_register", "register", ZALO_OA),
    ChannelHelpLine("help.channels.zalo_register_in_group", "register", ZALO_OA),
    ChannelHelpLine("help.channels.sms_keywords", "sms", SMS_TWO_WAY),
)


def channel_help_keys(role: Role | None, place: Place, channels: Collection[str]) -> list[str]:
    """The catalogue keys of the lines for a person with ``role`` in ``place``, in order."""
    if place is not Place.PRIVATE:
        return []
    return [line.key for line in CHANNEL_HELP_LINES
            if line.channel in channels and command_spec(line.command).open_to(role)]
