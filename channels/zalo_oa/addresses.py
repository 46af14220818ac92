"""Zalo OA addresses: ``zalo_oa:user:<id>`` for a person chatting with the OA (their id scoped
to this OA), ``zalo_oa:group:<id>`` for a GMF group (SPEC §13). A user's address is a tipster
identifier: it is only ever stored sealed and never logged."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.address import Address, AddressError

ZALO_OA = "zalo_oa"


class RecipientKind(StrEnum):
    USER = "user"
    GROUP = "group"


@dataclass(frozen=True)
class Recipient:
    kind: RecipientKind
    id: str = ""

    def __repr__(self) -> str:  # a user id is a tipster identifier: never in a log line
        return f"Recipient({self.kind})"


def user_address(user_id: str) -> Address:
    return Address(ZALO_OA, f"{RecipientKind.USER}:{user_id}")


def group_address(group_id: str) -> Address:
    return Address(ZALO_OA, f"{RecipientKind.GROUP}:{group_id}")


def recipient_of(address: Address) -> Recipient:
    kind, colon, id_ = address.id.partition(":")
    if address.channel != ZALO_OA or not colon or not id_ or kind not in set(RecipientKind):
        raise AddressError("not a Zalo OA address (zalo_oa:user:<id> or zalo_oa:group:<id>)")
    return Recipient(RecipientKind(kind), id_)
