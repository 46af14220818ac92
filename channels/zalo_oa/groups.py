"""The OA's GMF groups: the list an officer links from (``/nhom zalo``: SPEC §13) and a group's
member count (the reports' reach, refreshed daily like Telegram's: ``ZaloGroupDirectory``, the
directory the wiring registers for ``zalo_oa``). ``GET /v3.0/oa/group/getgroupsofoa`` pages with
``offset`` and ``count``; ``GET /v3.0/oa/group/getgroup`` gives ``group_info.total_member``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from channels.zalo_oa.addresses import RecipientKind, group_address, recipient_of
from channels.zalo_oa.api import (
    GROUP_INFO,
    GROUPS_OF_OA,
    ZaloApi,
    ZaloApiError,
    ZaloTransportError,
)
from channels.zalo_oa.failures import classify
from core.address import Address, AddressError
from core.outbound import ChatUnavailable
from org.channel_groups import ChannelGroup

PAGE = 10
_GROUP_ID = re.compile(r"[0-9A-Fa-f]{1,64}")


@dataclass(frozen=True)
class OAGroup:
    address: Address
    name: str
    members: int
    enabled: bool


async def list_groups(api: ZaloApi) -> list[OAGroup]:
    groups: list[OAGroup] = []
    while True:
        data = await api.get(GROUPS_OF_OA, {"offset": len(groups), "count": PAGE})
        page = data.get("groups") or []
        groups += [OAGroup(group_address(str(g["group_id"])), str(g.get("name", "")),
                           int(g.get("total_member", 0)), g.get("status") != "disabled")
                   for g in page]
        if not page or len(groups) >= int(data.get("total", 0)):
            return groups


async def member_count(api: ZaloApi, group: Address) -> int:
    recipient = recipient_of(group)
    if recipient.kind is not RecipientKind.GROUP:
        raise ValueError("not a Zalo OA group")
    data = await api.get(GROUP_INFO, {"group_id": recipient.id})
    return int((data.get("group_info") or {}).get("total_member", 0))


class ZaloGroupDirectory:
    """The OA's GMF groups as the core asks for them (``org.channel_groups.GroupDirectory``).
    GMF counts only people in ``total_member`` (the OA is the group's service, not a member)."""

    def __init__(self, api: ZaloApi) -> None:
        self._api = api

    def address_of(self, typed_id: str) -> Address | None:
        # GMF group ids are hex digits; anything else would only come back as Zalo's -201.
        return group_address(typed_id) if _GROUP_ID.fullmatch(typed_id) else None

    async def member_count(self, address: Address) -> int:
        return (await self.group(address)).members or 0

    async def group(self, address: Address) -> ChannelGroup:
        try:
            recipient = recipient_of(address)
        except AddressError as error:
            raise ChatUnavailable(str(error)) from error
        if recipient.kind is not RecipientKind.GROUP:
            raise ChatUnavailable("not a Zalo OA group")
        try:
            data = await self._api.get(GROUP_INFO, {"group_id": recipient.id})
        except (ZaloApiError, ZaloTransportError) as error:
            raise classify(error) from error
        info = data.get("group_info") or {}
        if info.get("status") == "disabled":
            raise ChatUnavailable("the group is disabled")
        return ChannelGroup(address, str(info.get("name", "")),
                            int(info.get("total_member", 0)), recipient.id)

    async def groups(self) -> list[ChannelGroup]:
        try:
            found = await list_groups(self._api)
        except (ZaloApiError, ZaloTransportError) as error:
            raise classify(error) from error
        return [ChannelGroup(group.address, group.name, group.members,
                             recipient_of(group.address).id) for group in found]
