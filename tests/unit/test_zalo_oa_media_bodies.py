"""A bulletin's photo drawn for a Zalo OA group (``channels.zalo_oa.bodies``) once its Telegram
file id has been swapped for the attachment id Zalo issued, and the words a group gets instead
when Zalo will not take the file (``channels.zalo_oa.media_files.described``)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from broadcasts.bulletins import Content
from broadcasts.rendering import render_bulletin
from broadcasts.sms_cost import provisional_bulletin
from channels.zalo_oa.api import ZaloApiError
from channels.zalo_oa.bodies import message_body
from channels.zalo_oa.channel import CAPABILITIES as ZALO_OA
from channels.zalo_oa.media_files import WORDS_SENT, ZaloMediaFiles, described, is_telegram_file
from core.address import Address
from core.i18n import Translator
from core.outbound import Button, MaybeDelivered, Media, MediaKind, OutboundMessage, Rejected

NOW = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
TR = Translator("vi")
LINK = "https://zalo.me/579745863508352884"


def _photo_bulletin(body: str, kind: str = "photo") -> OutboundMessage:
    bulletin = provisional_bulletin("TT-TANTHANH", "theft", Content(body, kind, "AgACAgIAAxkB"),
                                    is_alert=False, created_by=Address("telegram", "42"),
                                    now=NOW)
    return render_bulletin("vi", bulletin, ZALO_OA, silent=False)


def test_a_group_photo_names_zalos_attachment_id_and_carries_the_link_in_its_caption():
    message = _photo_bulletin("Ảnh đối tượng")
    with_link = OutboundMessage(message.text, buttons=((Button("Báo tin", url=LINK),),),
                                media=Media(MediaKind.PHOTO, "8f1c0e2a9b7d6c5e4f3a"))
    body = message_body(with_link, ZALO_OA, in_group=True, tr=TR)
    assert body["attachment"]["payload"]["elements"] == [
        {"media_type": "image", "attachment_id": "8f1c0e2a9b7d6c5e4f3a"}]
    assert body["text"].startswith("📢 BẢN TIN AN NINH") and "Ảnh đối tượng" in body["text"]
    assert body["text"].endswith(f"\nBáo tin: {LINK}")


def test_a_photo_with_a_button_that_answers_back_is_refused_in_a_group_and_in_a_chat():
    pressed = OutboundMessage("Ảnh", buttons=((Button("Đã phổ biến", callback="ack:1"),),),
                              media=Media(MediaKind.PHOTO, "8f1c0e2a9b7d6c5e4f3a"))
    with pytest.raises(Rejected):
        message_body(pressed, ZALO_OA, in_group=True, tr=TR)
    linked = OutboundMessage("Ảnh", buttons=((Button("Báo tin", url=LINK),),),
                             media=Media(MediaKind.PHOTO, "8f1c0e2a9b7d6c5e4f3a"))
    with pytest.raises(Rejected):
        message_body(linked, ZALO_OA, in_group=False, tr=TR)


def test_a_refused_photo_is_the_words_with_the_line_a_video_gets_under_the_header():
    photo = _photo_bulletin("Đối tượng trộm chó")
    video = _photo_bulletin("Đối tượng trộm chó", kind="video")
    words = described(photo, MediaKind.PHOTO, TR)
    assert words.media is None
    assert words.text == video.text.replace("video", "ảnh")
    assert words.text.splitlines()[1] == "📎 Bản tin có kèm ảnh (kênh này không gửi được tệp)."
    assert message_body(words, ZALO_OA, in_group=True, tr=TR) == {"text": words.text}


def test_only_a_file_named_by_a_telegram_id_is_uploaded():
    assert is_telegram_file(Media(MediaKind.PHOTO, "AgACAgIAAxkB"))
    assert is_telegram_file(Media(MediaKind.DOCUMENT, "BQACAgIAAxkB"))
    assert not is_telegram_file(Media(MediaKind.PHOTO, "https://example.org/a.jpg"))
    assert not is_telegram_file(Media(MediaKind.PHOTO, "", data=b"\xff\xd8\xff"))
    assert not is_telegram_file(Media(MediaKind.VIDEO, "BAACAgIAAxkB"))


async def test_a_file_refused_after_its_words_went_makes_the_row_uncertain_not_retried():
    media = ZaloMediaFiles(None, None, None, None, TR)  # type: ignore[arg-type]
    file_part = OutboundMessage("", media=Media(MediaKind.DOCUMENT, "0a1b2c3d4e5f60718293"),
                                extra={WORDS_SENT: "1"})
    failure = await media.failure_of(ZaloApiError(-32, "Your application reached limit call api"),
                                     file_part)
    assert isinstance(failure, MaybeDelivered) and "the words went" in str(failure)
    alone = dataclasses.replace(file_part, extra={})
    assert await media.failure_of(ZaloApiError(-32, "rate"), alone) is None
