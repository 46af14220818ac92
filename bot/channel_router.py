"""The channel the core sends through: every address goes through the adapter of its own
channel (``address.channel``: ``telegram``, ``zalo_oa``, ``zalo_bot``, ``sms``), and what that
channel can do is answered per address (:meth:`ChannelRouter.capabilities_for`).

A unit's groups and staff may sit on several channels; the outbox worker, the relays and the
bulletin delivery engine send through one router and never ask which platform a chat is on. A
channel this deployment does not run is simply absent: a send to one of its addresses fails for
good with :class:`core.outbound.ChannelNotConfigured` (no crash, no retry, nothing marked gone).
Registering a channel is one line in the wiring (``bot.runtime``):
``router.register(TELEGRAM, adapter)``; what a channel knows of its groups (member counts, the
Zalo OA's list of groups) is registered beside it: ``router.register_groups(name, directory)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.address import Address
from core.capabilities import ButtonStyle, Capabilities, RateLimits
from core.outbound import (
    Button,
    ChannelAdapter,
    ChannelNotConfigured,
    OutboundMessage,
    prepared_for,
)
from org.channel_groups import GroupDirectory

# What an unconfigured channel "can do": enough to draw a message that will not be sent (the
# send fails with the reason), so the core's drawing needs no special case.
ABSENT = Capabilities(
    text_limit=1_000_000, caption_limit=0, buttons=ButtonStyle.NONE, url_buttons=False,
    max_buttons=0, media=frozenset(), silent_sends=False, edits=False, replies=False,
    deep_links=False, rate=RateLimits(messages_per_second=1, group_messages_per_minute=1,
                                      private_interval_seconds=1.0))


class ChannelRouter:
    def __init__(self, adapters: Iterable[tuple[str, ChannelAdapter]] = ()) -> None:
        self._adapters: dict[str, ChannelAdapter] = {}
        self._group_directories: dict[str, GroupDirectory] = {}
        for name, adapter in adapters:
            self.register(name, adapter)

    def register(self, name: str, adapter: ChannelAdapter) -> None:
        """``adapter`` sends every address of channel ``name`` (``core.address``)."""
        if name in self._adapters:
            raise ValueError(f"channel {name} is registered twice")
        self._adapters[name] = adapter

    def register_groups(self, name: str, directory: GroupDirectory) -> None:
        """``directory`` answers for the groups of channel ``name`` (member counts, and the
        list where the platform has one): ``org.channel_groups``."""
        if name in self._group_directories:
            raise ValueError(f"the groups of channel {name} are registered twice")
        self._group_directories[name] = directory

    def group_directory(self, channel: str) -> GroupDirectory | None:
        return self._group_directories.get(channel)

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(self._adapters)

    def adapter_for(self, to: Address) -> ChannelAdapter | None:
        return self._adapters.get(to.channel)

    def _required(self, to: Address) -> ChannelAdapter:
        adapter = self._adapters.get(to.channel)
        if adapter is None:
            raise ChannelNotConfigured(f"channel {to.channel} is not configured")
        return adapter

    def capabilities_for(self, to: Address) -> Capabilities:
        adapter = self._adapters.get(to.channel)
        return ABSENT if adapter is None else adapter.capabilities

    def parts_for(self, to: Address, message: OutboundMessage) -> list[OutboundMessage]:
        adapter = self._adapters.get(to.channel)
        return [message] if adapter is None else adapter.parts_of(message)

    async def prepare(self, to: Address, message: OutboundMessage) -> OutboundMessage:
        """The adapter's step before a send (``core.outbound.PreparesSends``), if it has one;
        an unconfigured channel's message stays as it is (its send fails with the reason)."""
        adapter = self._adapters.get(to.channel)
        return message if adapter is None else await prepared_for(adapter, to, message)

    async def send(self, to: Address, message: OutboundMessage) -> int:
        return await self._required(to).send(to, message)

    async def edit_buttons(self, to: Address, message_id: int,
                           buttons: tuple[tuple[Button, ...], ...]) -> None:
        await self._required(to).edit_buttons(to, message_id, buttons)
