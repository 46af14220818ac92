"""The composer, ``/queue`` and ``/alert`` as use cases (``broadcasts.composer``,
``broadcasts.queue_actions``, ``broadcasts.alerts``), driven without a bot: plain staff records
and content in, answers with choices out, as a Zalo or SMS adapter would call them."""

from __future__ import annotations

import pytest

from broadcasts.alerts import AlertDesk
from broadcasts.bulletins import Action, Content
from broadcasts.composer import BulletinComposer, Step
from broadcasts.queue_actions import QueueDesk
from channels.telegram_addresses import address_of_chat
from core.answers import Shown
from core.i18n import Translator
from tests.bulletin_seed import (
    EDITOR,
    OFFICER,
    OTHER_OFFICER,
    deliver_staff_notices,
    link_groups,
    make_desk,
)
from tests.bulletin_seed import settle as settle_desk

TR = Translator("vi")


@pytest.fixture
async def env(write_config, clock):
    desk, group_channel, staff = await make_desk(write_config(), clock)
    await desk.start()
    yield desk, group_channel, staff
    await desk.stop()
    await desk.db.close()


def staff(desk, user_id):
    return desk.directory.staff_member(address_of_chat(user_id))


def actions(answer) -> list[str]:
    return [choice.action for choice in answer.all_choices]


async def settle(desk) -> None:
    await settle_desk(desk)  # and staff got what it queued for them in the outbox


async def test_the_composer_walks_content_topic_preview_and_sends_now(env, clock):
    desk, sent, _ = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 2, clock.now())
    officer = staff(desk, OFFICER)
    composer = BulletinComposer(desk, TR, caption_limit=1024)
    started = await composer.begin(officer, None)
    assert started.step is Step.CONTENT and "Gửi nội dung" in started.answer.text
    topics = await composer.receive_content(officer.address, Content("Cảnh giác lừa đảo"))
    assert topics.step is Step.TOPIC and "topic:fraud" in actions(topics.answer)
    preview = await composer.choose_topic(officer, officer.address, "fraud")
    assert preview.step is Step.CONFIRM and preview.in_place
    assert "Cảnh giác lừa đảo" in preview.answer.text
    assert actions(preview.answer) == ["now", "queue", "units", "cancel"]
    done = await composer.finish(officer, officer.address, "now")
    assert done.step is Step.DONE and done.in_place
    assert done.answer.text == TR("bulletins.compose.sending", id=1, count=2)
    await settle(desk)
    assert [sent.copies(c) for c in chats] == [1, 1]
    # The draft is gone: the same choice again finds nothing and sends nothing.
    again = await composer.finish(officer, officer.address, "now")
    assert again.answer.shown is Shown.ALERT and again.step is Step.DONE
    await settle(desk)
    assert [sent.copies(c) for c in chats] == [1, 1]


async def test_the_composer_refuses_blank_stickers_and_long_captions_and_keeps_waiting(env):
    desk, _, _ = env
    officer = staff(desk, OFFICER)
    composer = BulletinComposer(desk, TR, caption_limit=10)
    blank = await composer.begin(officer, "\u200b")
    assert blank.step is Step.DONE and TR("bulletins.compose.usage") in blank.answer.text
    await composer.begin(officer, None)
    for content in (Content("\u200b \u2060"), None, Content("x" * 11, "photo", "file-1")):
        answer = await composer.receive_content(officer.address, content)
        assert answer.step is Step.CONTENT and not answer.answer.choices
    fits = await composer.receive_content(officer.address, Content("x" * 10, "photo", "file-1"))
    assert fits.step is Step.TOPIC


async def test_an_editor_submits_a_draft_and_a_forged_unit_changes_nothing(env):
    desk, _, notices = env
    editor = staff(desk, EDITOR)
    composer = BulletinComposer(desk, TR, caption_limit=1024)
    await composer.begin(editor, None)
    await composer.receive_content(editor.address, Content("Phòng cháy"))
    preview = await composer.choose_topic(editor, editor.address, "fire")
    assert actions(preview.answer) == ["submit", "units", "cancel"]
    # Not in their scope:
    forged = await composer.choose_unit(editor, editor.address, "TT-BINHTHANH")
    assert forged.answer.shown is Shown.ALERT and forged.step is Step.CONFIRM
    units = await composer.offer_units(editor, editor.address)
    assert "unit:TT-BINHTHANH" not in actions(units.answer)
    done = await composer.finish(editor, editor.address, "now")  # an editor's press: a draft
    assert done.answer.text == TR("bulletins.compose.draft_submitted", id=1)
    await deliver_staff_notices(desk)  # queued in the staff outbox with the draft
    assert notices.sent  # the officers were asked to approve


async def test_bulletin_words_are_queued_at_once_and_listed_with_the_choices_each_may_make(env):
    desk, _, _ = env
    officer, editor = staff(desk, OFFICER), staff(desk, EDITOR)
    queued = await BulletinComposer(desk, TR, caption_limit=1024).begin(officer, " Tin 1 ")
    assert queued.step is Step.DONE and "#1" in queued.answer.text
    composer = BulletinComposer(desk, TR, caption_limit=1024)
    await composer.begin(editor, "Bản nháp của biên tập viên")
    queue = QueueDesk(desk, TR)
    assert actions(await queue.listing(officer)) == ["up:1:l", "remove:1:l", "approve:2:l",
                                                      "up:2:l", "remove:2:l"]
    assert actions(await queue.listing(editor)) == ["remove:2:l"]
    refused = await queue.press(editor, "approve:2:l")
    assert refused.refused and refused.redraw is None
    approved = await queue.press(officer, "approve:2")  # under the approval notice
    assert approved.clear_choices and approved.reply is not None and not approved.refused
    removed = await queue.press(officer, "remove:1:l")
    assert removed.redraw is not None and "remove:1:l" not in actions(removed.redraw)
    stranger = await queue.press(staff(desk, OTHER_OFFICER), "remove:2:l")
    assert stranger.refused and stranger.note == TR("bulletins.queue.not_found", id=2)
    assert (await queue.press(officer, "approve:xyz")).refused


async def test_an_alert_goes_at_once_and_blank_words_only_teach_the_command(env, clock):
    desk, sent, _ = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 2, clock.now())
    alerts = AlertDesk(desk, TR)
    officer = staff(desk, OFFICER)
    blank = await alerts.alert(officer, " \u200b ")
    assert TR("bulletins.alert.usage") in blank.text
    answer = await alerts.alert(officer, "Lũ lớn, di dời ngay")
    assert answer.text == TR("bulletins.alert.sent", id=1, count=2) and not answer.choices
    await settle(desk)
    assert [sent.copies(c) for c in chats] == [1, 1]
    # No SMS question was asked, so a Confirm finds nothing waiting.
    late = await alerts.answer_sms_question(officer, "ok")
    assert late.shown is Shown.ALERT


async def test_a_forced_resend_is_asked_first_and_cancelled_sends_nothing(env, clock):
    desk, sent, notices = env
    chats = await link_groups(desk.db, "TT-TANTHANH", 1, clock.now())
    officer = staff(desk, OFFICER)
    await desk.submit(officer, "TT-TANTHANH", "fraud", Content("Cảnh giác"),
                      Action.SEND_NOW)
    await settle(desk)
    force = notices.sent[0][1].buttons[-1][0].callback.removeprefix("bu:")
    queue = QueueDesk(desk, TR)
    asked = await queue.resend(officer, force)
    assert asked.reply is not None and not asked.clear_choices
    cancel = next(a for a in actions(asked.reply) if a.startswith("forceno:"))
    cancelled = await queue.resend(officer, cancel)
    assert cancelled.redraw is not None and cancelled.redraw.text == TR(
        "bulletins.force.cancelled")
    await settle(desk)
    assert sent.copies(chats[0]) == 1
    assert (await queue.resend(officer, "resend:999")).refused
