"""A person who writes to the OA without following it (``anonymous_send_*``, SPEC §13): their
address carries the anonymous id and the conversation id, and an answer to it goes to the
consultation endpoint with the anonymous recipient Zalo's PHP SDK builds
(``withAnonymousConversation``), never as a follower's ``user_id``."""

from __future__ import annotations

from typing import Any

import pytest

from channels.zalo_oa.addresses import (
    RecipientKind,
    anonymous_address,
    recipient_of,
    user_address,
)
from channels.zalo_oa.channel import ZaloOAChannel
from core.address import Address, AddressError
from core.outbound import Button, OutboundMessage


class RecordingApi:
    def __init__(self) -> None:
        self.posted: list[tuple[str, dict[str, Any]]] = []

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        self.posted.append((path, body))
        return {"message_id": "00ab"}


def test_an_anonymous_address_gives_back_both_ids_and_shows_neither():
    address = anonymous_address("a9f2", "7c41")
    assert str(address) == "zalo_oa:anon:a9f2:7c41"
    assert Address.parse(str(address)) == address  # stored sealed and opened again as text
    recipient = recipient_of(address)
    assert (recipient.kind, recipient.id, recipient.conversation_id) == (
        RecipientKind.ANONYMOUS, "a9f2", "7c41")
    assert "a9f2" not in repr(recipient) and "7c41" not in repr(recipient)
    assert recipient_of(user_address("3001")).conversation_id == ""


@pytest.mark.parametrize("ids", [("", "7c41"), ("a9f2", ""), ("a:9", "7c41"), ("a9f2", "7:c")])
def test_an_anonymous_address_needs_both_ids_without_colons(ids):
    with pytest.raises(AddressError):
        anonymous_address(*ids)


@pytest.mark.parametrize("text", ["zalo_oa:anon:a9f2", "zalo_oa:anon::7c41",
                                  "zalo_oa:anon:a9f2:", "zalo_oa:anon:a9f2:7c:41"])
def test_an_incomplete_anonymous_address_is_refused(text):
    with pytest.raises(AddressError):
        recipient_of(Address.parse(text))


async def test_an_answer_to_an_anonymous_person_names_their_conversation():
    api = RecordingApi()
    channel = ZaloOAChannel(api)  # type: ignore[arg-type]
    await channel.send(anonymous_address("a9f2", "7c41"),
                       OutboundMessage("Đã nhận tin báo", buttons=((Button("Hủy", "x"),),)))
    [(path, body)] = api.posted
    assert path == "/v3.0/oa/message/cs"
    assert body["recipient"] == {"anonymous_id": "a9f2", "conversation_id": "7c41"}
    assert body["message"]["text"] == "Đã nhận tin báo"
    assert body["message"]["attachment"]["payload"]["buttons"][0]["title"] == "Hủy"
