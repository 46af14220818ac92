"""Zalo OA addresses: ``zalo_oa:user:<id>`` for a person chatting with the OA (their id scoped
to this OA), ``zalo_oa:anon:<anonymous_id>:<conversation_id>`` for a person who writes without
following the OA (``anonymous_send_*``: Zalo answers them only by that pair, see ``api``), and
``zalo_oa:group:<id>`` for a GMF group (SPEC §13). A person's address is a tipster identifier:
it is only ever stored sealed and never logged."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.address import Address, AddressError

ZALO_OA = "zalo_oa"


class RecipientKind(StrEnum):
    USER = "user"
    ANONYMOUS = "anon"
    GROUP = "group"


@dataclass(frozen=True)
class Recipient:
    kind: RecipientKind
    id: str = ""
    conversation_id: str = ""  # only for an anonymous person

    def __repr__(self) -> str:  # a user id is a tipster identifier: never in a log line
        return f"Recipient({self.kind})"


def user_address(user_id: str) -> Address:
    return Address(ZALO_OA, f"{RecipientKind.USER}:{user_id}")


def anonymous_address(anonymous_id: str, conversation_id: str) -> Address:
    """The address of a person writing without following; both ids are needed to answer."""
    if not anonymous_id or not conversation_id or ":" in anonymous_id + conversation_id:
        raise AddressError("an anonymous Zalo person needs an anonymous id and a conversation id")
    return Address(ZALO_OA, f"{RecipientKind.ANONYMOUS}:{anonymous_id}:{conversation_id}")


def group_address(group_id: str) -> Address:
    return Address(ZALO_OA, f"{RecipientKind.GROUP}:{group_id}")


def recipient_of(address: Address) -> Recipient:
    kind, colon, id_ = address.id.partition(":")
    if address.channel != ZALO_OA or not colon or not id_ or kind not in set(RecipientKind):
        raise AddressError("not a Zalo OA address (zalo_oa:user:<id>, zalo_oa:anon:<id>:<id> "
                           "or zalo_oa:group:<id>)")
    if kind == RecipientKind.ANONYMOUS:
        anonymous_id, colon, conversation_id = id_.partition(":")
        if not anonymous_id or not colon or not conversation_id or ":" in conversation_id:
            raise AddressError("not an anonymous Zalo address (zalo_oa:anon:<id>:<id>)")
        return Recipient(RecipientKind.ANONYMOUS, anonymous_id, conversation_id)
    return Recipient(RecipientKind(kind), id_)
