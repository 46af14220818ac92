"""Zalo Bot addresses: ``zalo_bot:<chat_id>``. A private chat's id is the person's Zalo id for
this bot: a tipster identifier, only ever stored sealed and never logged (SPEC §3, §13)."""

from __future__ import annotations

from core.address import Address, AddressError

ZALO_BOT = "zalo_bot"


def chat_address(chat_id: str) -> Address:
    return Address(ZALO_BOT, chat_id)


def chat_id_of(address: Address) -> str:
    if address.channel != ZALO_BOT:
        raise AddressError("not a Zalo Bot address (zalo_bot:<chat_id>)")
    return address.id
