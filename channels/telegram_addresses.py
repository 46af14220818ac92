"""Telegram's side of :mod:`core.address`: a chat id is ``telegram:<chat id>``.

The only place that turns an address into the integer PTB wants, and a chat or user id into an
address: the domain and storage never see a Telegram id as such.
"""

from __future__ import annotations

from core.address import TELEGRAM, Address, AddressError


def address_of_chat(chat_id: int) -> Address:
    """A private chat (a person, whose user id is their chat id) or a group."""
    return Address(TELEGRAM, str(chat_id))


def chat_id_of(address: Address) -> int:
    if address.channel != TELEGRAM:
        raise AddressError(f"not a Telegram address: channel {address.channel}")
    return int(address.id)
