"""A bulletin with a photo, video or document on a channel that cannot send that kind of file
(any file by SMS; a video on Zalo OA): the copy is the words with the file described, never a
file the adapter must drop or refuse; where the channel can send it, the file with its caption."""

from __future__ import annotations

from datetime import UTC, datetime

from broadcasts.bulletins import Content
from broadcasts.rendering import render_bulletin
from broadcasts.sms_cost import provisional_bulletin
from channels.sms.channel import SmsChannel, draw_sms
from channels.telegram import CAPABILITIES as TELEGRAM
from channels.zalo_oa.bodies import message_body
from channels.zalo_oa.channel import CAPABILITIES as ZALO_OA
from core.address import Address
from core.i18n import Translator
from core.outbound import MediaKind

OFFICER = Address("telegram", "42")
NOW = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)


def _bulletin(body: str, kind: str):
    return provisional_bulletin("TT-TANTHANH", "theft", Content(body, kind, "file-1"),
                                is_alert=False, created_by=OFFICER, now=NOW)


def _sms() -> SmsChannel:
    return SmsChannel(provider=None, open_address=lambda _: None,  # type: ignore[arg-type]
                      max_segments=2)


def test_a_photo_bulletin_by_sms_is_its_words_with_the_photo_described():
    sms = _sms()
    message = render_bulletin("vi", _bulletin("Đối tượng trộm chó", "photo"), sms.capabilities,
                              silent=False)
    assert message.media is None
    drawn = draw_sms(message, 2)
    assert drawn.startswith("BAN TIN AN NINH - Trom cap\nBan tin co kem anh")
    assert "Doi tuong trom cho" in drawn


def test_the_description_survives_when_a_long_caption_is_cut():
    sms = _sms()
    body = "Cảnh giác với kẻ gian đi xe máy không biển số. " * 10
    drawn = draw_sms(render_bulletin("vi", _bulletin(body, "document"), sms.capabilities,
                                     silent=False), 2)
    assert "Ban tin co kem tai lieu" in drawn and drawn.endswith("...")


def test_a_photo_without_caption_by_sms_still_says_what_it_was():
    sms = _sms()
    drawn = draw_sms(render_bulletin("en", _bulletin("", "video"), sms.capabilities,
                                     silent=False), 2)
    assert "This bulletin comes with a video" in drawn


def test_a_video_on_zalo_oa_is_described_and_a_photo_goes_as_a_photo():
    video = render_bulletin("vi", _bulletin("Clip camera", "video"), ZALO_OA, silent=False)
    assert video.media is None and "có kèm video" in video.text and "Clip camera" in video.text
    photo = render_bulletin("vi", _bulletin("Ảnh đối tượng", "photo"), ZALO_OA, silent=False)
    assert photo.media is not None and photo.media.kind is MediaKind.PHOTO
    assert "có kèm" not in photo.text


def test_telegram_gets_the_file_with_its_caption_as_before():
    message = render_bulletin("vi", _bulletin("Đối tượng trộm chó", "photo"), TELEGRAM,
                              silent=False)
    assert message.media is not None and message.media.file_id == "file-1"
    assert message.text == "📢 BẢN TIN AN NINH — Trộm cắp\n\nĐối tượng trộm chó"


def test_passed_on_is_a_button_only_where_a_press_comes_back():
    telegram = render_bulletin("vi", _bulletin("Tin", "photo"), TELEGRAM, silent=False)
    assert [b.callback for row in telegram.buttons for b in row][-1] == "ack:0"
    zalo = render_bulletin("vi", _bulletin("Phòng chống trộm", "photo"), ZALO_OA, silent=False)
    assert zalo.buttons == ()
    # A Zalo OA group takes the copy (a dead "Đã phổ biến" button would make it refuse it).
    body = message_body(zalo, ZALO_OA, in_group=True, tr=Translator("vi"))
    assert body["text"].endswith("Phòng chống trộm")
    sms = _sms()
    drawn = draw_sms(render_bulletin("vi", _bulletin("Tin", "photo"), sms.capabilities,
                                     silent=False), 2)
    assert "Da pho bien" not in drawn
