"""A bulletin drawn for a Zalo OA group (SPEC §5, §13): the "Báo tin" deep link becomes the OA's
chat link in the text, the "Đã phổ biến" button is not offered where nobody could press it, and
a channel that does not know its OA id offers no deep link at all."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from broadcasts.rendering import render_bulletin
from channels.zalo_oa.addresses import group_address, user_address
from channels.zalo_oa.channel import ZaloOAChannel
from core.outbound import Button, OutboundMessage, Rejected
from storage.bulletins import BulletinRecord

OA_ID = "579745863508352884"


class RecordingApi:
    def __init__(self) -> None:
        self.posted: list[tuple[str, dict[str, Any]]] = []

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        self.posted.append((path, body))
        return {"message_id": "00aa"}


def bulletin() -> BulletinRecord:
    fields = {name: None for name in BulletinRecord.__dataclass_fields__}
    fields.update(id=7, body="Cảnh giác kẻ gian giả danh cán bộ điện lực.", topic="fraud",
                  is_alert=False, media_kind=None, media_file_id=None,
                  created_at=datetime(2026, 3, 5, tzinfo=UTC))
    return BulletinRecord(**fields)


async def test_a_bulletin_in_an_oa_group_carries_the_oas_link_and_no_acknowledgement():
    api = RecordingApi()
    channel = ZaloOAChannel(api, oa_id=OA_ID)  # type: ignore[arg-type]
    message = render_bulletin("vi", bulletin(), channel.capabilities, silent=False)

    await channel.send(group_address("f414c8f76fa586fbdfb4"), message)

    [(path, body)] = api.posted
    assert path == "/v3.0/oa/group/message"
    text = body["message"]["text"]
    assert "Cảnh giác kẻ gian" in text
    assert text.splitlines()[-1].endswith(f": https://zalo.me/{OA_ID}")
    assert "Báo tin" in text.splitlines()[-1]
    assert "attachment" not in body["message"]


async def test_a_deep_link_to_a_person_is_an_open_url_button_to_the_oa():
    api = RecordingApi()
    channel = ZaloOAChannel(api, oa_id=OA_ID)  # type: ignore[arg-type]
    await channel.send(user_address("3000000000000007919"),
                       OutboundMessage("Xin chào", buttons=((Button("Báo tin", start="tip"),),)))
    [(_, body)] = api.posted
    [button] = body["message"]["attachment"]["payload"]["buttons"]
    assert button == {"title": "Báo tin", "type": "oa.open.url",
                      "payload": {"url": f"https://zalo.me/{OA_ID}"}}


async def test_without_its_oa_id_the_channel_offers_no_deep_link():
    api = RecordingApi()
    channel = ZaloOAChannel(api)  # type: ignore[arg-type]
    assert channel.capabilities.deep_links is False
    message = render_bulletin("vi", bulletin(), channel.capabilities, silent=False)
    assert not any(button.start for row in message.buttons for button in row)
    with pytest.raises(Rejected):
        await channel.send(group_address("f414c8f76fa586fbdfb4"),
                           OutboundMessage("x", buttons=((Button("Báo tin", start="tip"),),)))
