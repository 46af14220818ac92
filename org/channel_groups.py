"""What a channel knows of its groups, as the core asks it (SPEC §2, §13): how many people a
group has, and, where the platform can list them (Zalo OA's GMF groups), which groups there are.

A channel adapter provides a :class:`GroupDirectory` and the wiring registers it by channel name
(``bot.channel_router.ChannelRouter.register_groups``); the core asks :class:`GroupDirectories`
for a channel's and never imports a channel. Failures are ``core.outbound``'s: a group that is
gone is :class:`~core.outbound.ChatUnavailable`, one that moved :class:`~core.outbound.ChatMoved`,
anything else a :class:`~core.outbound.SendFailure` with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.address import Address


@dataclass(frozen=True)
class ChannelGroup:
    """A group as its platform describes it; ``members`` counts people, never the bot."""

    address: Address
    title: str
    members: int | None
    typed_id: str = ""  # the platform's id of the group, as staff type it (``zalo:<typed_id>``)


class GroupDirectory(Protocol):
    def address_of(self, typed_id: str) -> Address | None:
        """The address of the group whose platform id staff typed; None when it cannot be one."""
        ...

    async def member_count(self, address: Address) -> int:
        """The group's people, the bot or OA itself not counted (SPEC §12)."""
        ...

    async def group(self, address: Address) -> ChannelGroup:
        """The group's title and member count (:class:`~core.outbound.ChatUnavailable` when the
        channel has no such group)."""
        ...

    async def groups(self) -> list[ChannelGroup] | None:
        """Every group the channel is in; None when the platform cannot list them (Telegram)."""
        ...


class GroupDirectories(Protocol):
    def group_directory(self, channel: str) -> GroupDirectory | None:
        """The channel's directory; None when the channel is not configured here."""
        ...
