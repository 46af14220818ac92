"""The OA's GMF groups: the list an officer links from (``/nhom zalo``: SPEC §13) and a group's
member count (the reports' reach). ``GET /v3.0/oa/group/getgroupsofoa`` pages with ``offset`` and
``count``; ``GET /v3.0/oa/group/getgroup`` gives ``group_info.total_member``."""

from __future__ import annotations

from dataclasses import dataclass

from channels.zalo_oa.addresses import RecipientKind, group_address, recipient_of
from channels.zalo_oa.api import GROUP_INFO, GROUPS_OF_OA, ZaloApi
from core.address import Address

PAGE = 10


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
