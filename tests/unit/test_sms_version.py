"""A bulletin's SMS version (SPEC §13 "Text"): SMS subscribers get the officer's own text when
there is one, every other channel the bulletin itself; the composer keeps it across a restart
(the draft is in the database), stores it with the bulletin, and measures it with the SMS
adapter's own drawing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from broadcasts.bulletins import Content
from broadcasts.composer import BulletinComposer, Step
from broadcasts.rendering import render_bulletin
from broadcasts.sms_cost import SmsCosts, provisional_bulletin
from channels.sms.channel import SmsChannel, draw_sms
from channels.telegram import CAPABILITIES as TELEGRAM
from channels.telegram_addresses import address_of_chat
from core.address import Address
from core.i18n import Translator
from core.outbound import OutboundMessage
from storage.bulletins import find_bulletin
from tests.bulletin_seed import OFFICER, make_desk

OFFICER_ADDRESS = Address("telegram", "42")
NOW = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
BODY = "Cảnh giác với các cuộc gọi giả danh công an yêu cầu chuyển tiền."
OWN = "CA xa: khong chuyen tien theo dien thoai la"
TR = Translator("vi")


def _sms_channel(max_segments: int = 2) -> SmsChannel:
    # Only the drawing is used: no provider is called and no address opened.
    return SmsChannel(provider=None, open_address=lambda _: None,  # type: ignore[arg-type]
                      max_segments=max_segments)


def _bulletin(sms_text: str | None):
    return provisional_bulletin("TT-TANTHANH", "fraud", Content(BODY, sms_text=sms_text),
                                is_alert=False, created_by=OFFICER_ADDRESS, now=NOW)


def test_an_sms_subscriber_gets_the_officers_version_and_a_group_the_bulletin():
    sms = _sms_channel()
    drawn = draw_sms(render_bulletin("vi", _bulletin(OWN), sms.capabilities, silent=False), 2)
    assert drawn == OWN  # no header, no "Đã phổ biến" line: the officer's text as written
    telegram = render_bulletin("vi", _bulletin(OWN), TELEGRAM, silent=False)
    assert BODY in telegram.text and OWN not in telegram.text


def test_without_a_version_the_sms_is_the_bulletin_without_diacritics():
    sms = _sms_channel()
    drawn = draw_sms(render_bulletin("vi", _bulletin(None), sms.capabilities, silent=False), 2)
    assert "Canh giac voi cac cuoc goi" in drawn and OWN not in drawn


def test_a_long_version_is_cut_to_max_segments_and_billed_as_sent():
    sms = _sms_channel(max_segments=2)
    long = "Canh giac lua dao. " * 30
    message = render_bulletin("vi", _bulletin(long), sms.capabilities, silent=False)
    drawn = draw_sms(message, 2)
    assert drawn.endswith("...") and len(drawn) < len(long)
    assert sms.segments_of(message) == 2
    assert not sms.capabilities.fits(long) and sms.capabilities.fits(OWN)


@dataclass
class Tariff:
    """The SMS adapter's billing as the wiring hands it over (bot.sms_runtime.SmsBilling),
    without the budget's database."""

    channel: SmsChannel
    price_vnd: int = 500
    monthly_budget_vnd: int = 2_000_000

    def segments_of(self, message: OutboundMessage) -> int:
        return self.channel.segments_of(message)

    async def spent_this_month(self) -> int:
        return 0


@pytest.fixture
async def desk_with_sms(write_config, clock):
    desk, _, _ = await make_desk(write_config(), clock)
    sms = _sms_channel()
    desk.sms_costs = SmsCosts(desk.db, desk.directory, clock, lambda _: sms.capabilities,
                              desk._render, Tariff(sms))
    await desk.start()
    yield desk
    await desk.stop()
    await desk.db.close()


async def test_the_composer_keeps_the_version_and_stores_it_with_the_bulletin(desk_with_sms):
    desk = desk_with_sms
    officer = desk.directory.staff_member(address_of_chat(OFFICER))
    composer = BulletinComposer(desk, TR, caption_limit=1024)
    await composer.begin(officer, None)
    await composer.receive_content(officer.address, Content(BODY))
    preview = await composer.choose_topic(officer, officer.address, "fraud")
    assert "sms" in [c.action for c in preview.answer.all_choices]
    asked = await composer.ask_sms_version(officer, officer.address)
    assert asked.step is Step.SMS_TEXT and asked.in_place
    shown = await composer.receive_sms_version(officer, officer.address, f"  {OWN}  ")
    assert shown.step is Step.CONFIRM and OWN in shown.answer.text
    assert "1 đoạn mỗi tin, khoảng 500 đồng một tin" in shown.answer.text
    # A new composer (a restart) reads the same draft, version included.
    again = BulletinComposer(desk, TR, caption_limit=1024)
    done = await again.finish(officer, officer.address, "queue")
    assert done.step is Step.DONE
    async with desk.db.reading() as conn:
        stored = await find_bulletin(conn, 1)
    assert stored is not None and stored.sms_text == OWN and stored.body == BODY


async def test_dropping_the_version_sends_the_bulletin_without_diacritics(desk_with_sms):
    desk = desk_with_sms
    officer = desk.directory.staff_member(address_of_chat(OFFICER))
    composer = BulletinComposer(desk, TR, caption_limit=1024)
    await composer.begin(officer, None)
    await composer.receive_content(officer.address, Content(BODY))
    await composer.choose_topic(officer, officer.address, "fraud")
    await composer.receive_sms_version(officer, officer.address, OWN)
    dropped = await composer.drop_sms_version(officer, officer.address)
    assert OWN not in dropped.answer.text
    await composer.finish(officer, officer.address, "queue")
    async with desk.db.reading() as conn:
        stored = await find_bulletin(conn, 1)
    assert stored is not None and stored.sms_text is None
