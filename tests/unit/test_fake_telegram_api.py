"""The fake Telegram Bot API, proven against the real python-telegram-bot client.

Every test talks HTTP to the fake on 127.0.0.1 through ``telegram.Bot`` (or a whole
``telegram.ext.Application``), so what passes here is what the end-to-end tests can rely on.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from emulators.telegram import FakeTelegramAPI

# PTB 22 warns that RetryAfter.retry_after will become a timedelta; both forms are handled below.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    api = FakeTelegramAPI()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def bot(fake: FakeTelegramAPI) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(
        fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url
    ) as client:
        yield client


def retry_seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class FakeClock:
    """A monotonic clock the test moves by hand, for the rate limiter."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---- identity, sending, reading back ---------------------------------------------------------
async def test_get_me_describes_the_bot(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert me.id == fake.bot_id == 123456789
    assert me.username == "ketnoi_antt_bot"
    assert me.is_bot


async def test_wrong_token_is_unauthorized(fake: FakeTelegramAPI) -> None:
    wrong = telegram.Bot("42:WrongToken", base_url=fake.base_url)
    with pytest.raises(InvalidToken):
        await wrong.get_me()
    assert fake.calls[-1].status == 401


async def test_unknown_method_is_not_found(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.EndPointNotFound):
        await bot.do_api_request("sendHologram", api_kwargs={"chat_id": 1})
    assert fake.calls[-1].response["description"] == "Not Found: method not found"


async def test_send_message_is_recorded_with_its_options(
    fake: FakeTelegramAPI, bot: telegram.Bot
) -> None:
    lan = fake.user("Lan")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Báo tin", callback_data="tip:1")]])
    sent = await bot.send_message(
        lan.id, "<b>Chào</b> bạn &amp; xóm", parse_mode="HTML", reply_markup=keyboard,
        disable_notification=True,
    )  # fmt: skip
    assert sent.text == "Chào bạn & xóm"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 4
    assert sent.reply_markup == keyboard
    [stored] = fake.sent_messages(lan.id)
    assert stored["message_id"] == sent.message_id
    call = await fake.wait_for_call("sendMessage")
    assert call.params["chat_id"] == lan.id
    assert call.params["disable_notification"] is True
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Báo tin", "callback_data": "tip:1"}]]
    }


async def test_copy_is_a_new_message_and_forwards_are_logged(
    fake: FakeTelegramAPI, bot: telegram.Bot
) -> None:
    tipster, officer = fake.user("Người báo tin"), fake.user("Cán bộ")
    tip = fake.send_message(tipster, "Có người lạ ở đầu hẻm")
    copied = await bot.copy_message(officer.id, tipster.id, tip["message_id"])
    [message] = fake.sent_messages(officer.id)
    assert message["message_id"] == copied.message_id
    assert message["text"] == "Có người lạ ở đầu hẻm"
    assert "forward_origin" not in message and message["from"]["id"] == fake.bot_id
    assert fake.forwards == []

    forwarded = await bot.forward_message(officer.id, tipster.id, tip["message_id"])
    assert forwarded.forward_origin.sender_user.id == tipster.id
    assert [f.from_chat_id for f in fake.forwards] == [tipster.id]


async def test_edit_message_text_and_not_modified(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    lan = fake.user("Lan")
    sent = await bot.send_message(lan.id, "Đang xử lý")
    edited = await bot.edit_message_text("Đã xong", chat_id=lan.id, message_id=sent.message_id)
    assert edited.text == "Đã xong" and edited.edit_date is not None
    assert fake.sent_messages(lan.id)[0]["text"] == "Đã xong"
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Đã xong", chat_id=lan.id, message_id=sent.message_id)


async def test_delete_in_group_needs_admin_for_others_messages(
    fake: FakeTelegramAPI, bot: telegram.Bot
) -> None:
    officer = fake.user("Cán bộ")
    group = fake.group("Tổ 5 khu phố 2")
    fake.add_bot_to_group(group, officer)
    message = fake.send_message(officer, "/tip có trộm", chat=group)
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(group.id, message["message_id"])
    own = await bot.send_message(group.id, "Vui lòng nhắn riêng cho bot")
    assert await bot.delete_message(group.id, own.message_id)

    fake.set_bot_admin(group, officer)
    assert await bot.delete_message(group.id, message["message_id"])
    assert fake.is_deleted(group.id, message["message_id"])


# ---- updates ----------------------------------------------------------------------------------
async def test_get_updates_returns_a_users_message(
    fake: FakeTelegramAPI, bot: telegram.Bot
) -> None:
    lan = fake.user("Lan", last_name="Nguyễn", username="lan_ng")
    fake.send_message(lan, "/start tip_TT-TANTHANH")
    fake.send_message(lan, "xin chào")
    first, second = await bot.get_updates(timeout=1)
    assert isinstance(first, Update) and second.update_id == first.update_id + 1
    message = first.message
    assert message.text == "/start tip_TT-TANTHANH"
    assert message.from_user.id == lan.id and message.from_user.language_code == "vi"
    assert message.chat.id == lan.id and message.chat.type == "private"
    assert message.entities[0].type == "bot_command" and message.entities[0].length == 6
    assert second.message.entities == ()

    await bot.get_updates(offset=second.update_id + 1, timeout=0)
    await fake.wait_until_updates_consumed(timeout=1)


async def test_long_poll_wakes_on_a_new_update(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    lan = fake.user("Lan")
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake.wait_until(lambda: fake.long_polls_waiting == 1)
    fake.send_message(lan, "có ai không")
    updates = await asyncio.wait_for(poll, timeout=5)
    assert updates[0].message.text == "có ai không"


async def test_stop_releases_a_pending_long_poll(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake.wait_until(lambda: fake.long_polls_waiting == 1)
    await fake.stop()
    assert await asyncio.wait_for(poll, timeout=2) == ()


async def test_button_press_and_answer(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    lan = fake.user("Lan")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Gửi", callback_data="send")]])
    sent = await bot.send_message(lan.id, "Xác nhận?", reply_markup=keyboard)
    query_id = fake.press_button(lan, fake.sent_messages(lan.id)[0], "send")
    [update] = await bot.get_updates(timeout=1)
    assert update.callback_query.id == query_id and update.callback_query.data == "send"
    assert update.callback_query.message.message_id == sent.message_id
    assert await update.callback_query.answer("Đã gửi")
    assert fake.callback_answers[query_id]["text"] == "Đã gửi"
    with pytest.raises(BadRequest, match="Query is too old"):
        await update.callback_query.answer()


async def test_waits_walk_forward_and_explain_timeouts(
    fake: FakeTelegramAPI, bot: telegram.Bot
) -> None:
    lan = fake.user("Lan")
    await bot.send_message(lan.id, "một")
    await bot.send_message(lan.id, "hai")
    assert (await fake.wait_for_message(lan.id))["text"] == "một"
    assert (await fake.wait_for_message(lan.id))["text"] == "hai"
    with pytest.raises(AssertionError, match="sendMessage") as caught:
        await fake.wait_for_message(lan.id, timeout=0.05)
    assert "hai" in str(caught.value)  # the summary lists the recent calls


async def test_privacy_mode_hides_plain_group_chatter() -> None:
    async with FakeTelegramAPI(privacy_mode=True) as fake:
        officer = fake.user("Cán bộ")
        group = fake.group("Tổ 4")
        fake.add_bot_to_group(group, officer)
        fake.send_message(officer, "chào cả tổ", chat=group)
        fake.send_message(officer, "/dangky TT-TANTHANH", chat=group)
        fake.send_message(officer, "/start@some_other_bot", chat=group)
        async with telegram.Bot(fake.token, base_url=fake.base_url) as bot:
            updates = await bot.get_updates(timeout=0, allowed_updates=["message"])
        texts = [u.message.text for u in updates if u.message.text]
        assert texts == ["/dangky TT-TANTHANH"]


async def test_chat_members_and_administrators(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    creator, admin, stranger = fake.user("A"), fake.user("B"), fake.user("C")
    group = fake.group("Tổ 6", supergroup=True)
    fake.add_bot_to_group(group, creator, as_admin=True)
    fake.make_admin(group, admin)
    statuses = [m.status for m in await bot.get_chat_administrators(group.id)]
    assert statuses == ["creator", "administrator", "administrator"]
    assert (await bot.get_chat_member(group.id, stranger.id)).status == "left"
    assert (await bot.get_chat(group.id)).title == "Tổ 6"


async def test_media_group_and_location(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    officer = fake.user("Cán bộ")
    album = [
        telegram.InputMediaPhoto(b"\x89PNG one", caption="<i>hiện trường</i>", parse_mode="HTML"),
        telegram.InputMediaDocument(b"two", filename="biên bản.txt"),
    ]
    first, second = await bot.send_media_group(officer.id, album)
    assert first.media_group_id == second.media_group_id
    assert first.caption == "hiện trường" and first.caption_entities[0].type == "italic"
    assert second.document.file_name == "biên bản.txt"
    location = await bot.send_location(officer.id, 10.45, 105.63)
    assert location.location.latitude == 10.45
    assert len(fake.sent_messages(officer.id)) == 3


# ---- files ------------------------------------------------------------------------------------
async def test_a_users_file_can_be_downloaded(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    lan = fake.user("Lan")
    fake.send_document(lan, "bien-so.pdf", b"%PDF-1.4 fake", "application/pdf", caption="xe lạ")
    [update] = await bot.get_updates(timeout=1)
    document = update.message.document
    assert document.file_name == "bien-so.pdf" and update.message.caption == "xe lạ"
    file = await document.get_file()
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 fake"

    fake.send_photo(lan, b"\x89PNG fake photo")
    [update] = await bot.get_updates(offset=update.update_id + 1, timeout=1)
    photo = await update.message.photo[-1].get_file()
    assert bytes(await photo.download_as_bytearray()) == b"\x89PNG fake photo"


async def test_files_the_bot_uploads_are_stored(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    officer = fake.user("Cán bộ")
    sent = await bot.send_document(officer.id, b"a;b\n1;2\n", filename="bao-cao.csv")
    assert sent.document.file_name == "bao-cao.csv"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"a;b\n1;2\n"
    call = fake.calls_to("sendDocument")[0]
    assert call.files["document"] == b"a;b\n1;2\n"


# ---- errors -----------------------------------------------------------------------------------
async def test_injected_429_raises_retry_after(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    lan = fake.user("Lan")
    fake.inject_error(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 7",
        retry_after=7,
    )  # fmt: skip
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(lan.id, "bản tin")
    assert retry_seconds(caught.value) == 7
    assert (await bot.send_message(lan.id, "bản tin")).text == "bản tin"  # only once


async def test_injected_delay_makes_the_client_time_out(
    fake: FakeTelegramAPI, bot: telegram.Bot
) -> None:
    lan = fake.user("Lan")
    fake.inject_delay("sendMessage", 30)
    with pytest.raises(TimedOut):
        await bot.send_message(lan.id, "chậm", read_timeout=0.2)


@pytest.mark.parametrize("html", [False, True])
async def test_injected_server_error_is_a_network_error_and_sends_nothing(
    fake: FakeTelegramAPI, bot: telegram.Bot, html: bool
) -> None:
    lan = fake.user("Lan")
    fake.inject_server_error("sendMessage", chat_id=lan.id, status=502, html=html)
    with pytest.raises(NetworkError, match="Bad Gateway") as caught:
        await bot.send_message(lan.id, "bản tin")
    # The front server's page is no JSON: PTB says so, with its parsing error as the cause.
    assert isinstance(caught.value.__cause__, telegram.error.TelegramError) is html
    assert fake.calls[-1].status == 502
    assert fake.sent_messages(lan.id) == []
    assert (await bot.send_message(lan.id, "bản tin")).text == "bản tin"  # only once


async def test_a_deleted_group_is_forbidden(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    group = fake.group("Tổ 3")
    fake.delete_group(group)
    with pytest.raises(Forbidden, match="the group chat was deleted"):
        await bot.send_message(group.id, "bản tin")


async def test_silent_sends_are_told_apart(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    lan = fake.user("Lan")
    quiet = await bot.send_message(lan.id, "22 giờ", disable_notification=True)
    loud = await bot.send_message(lan.id, "khẩn")
    assert fake.sent_silently(lan.id, quiet.message_id)
    assert not fake.sent_silently(lan.id, loud.message_id)


async def test_migrated_group_raises_chat_migrated(
    fake: FakeTelegramAPI, bot: telegram.Bot
) -> None:
    officer = fake.user("Cán bộ")
    group = fake.group("Tổ 1")
    fake.add_bot_to_group(group, officer)
    supergroup = fake.migrate_to_supergroup(group)
    assert str(supergroup.id).startswith("-100")
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(group.id, "bản tin")
    assert caught.value.new_chat_id == supergroup.id
    assert (await bot.send_message(supergroup.id, "bản tin")).chat.type == "supergroup"
    updates = await bot.get_updates(timeout=0)
    service = [u.message for u in updates if u.message and u.message.migrate_to_chat_id]
    assert service[0].migrate_to_chat_id == supergroup.id


async def test_blocked_user_is_forbidden(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    lan = fake.user("Lan")
    fake.block_bot(lan)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(lan.id, "kết quả xử lý")


async def test_removed_from_group_is_forbidden(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    officer = fake.user("Cán bộ")
    group = fake.group("Tổ 2", members=37)
    fake.add_bot_to_group(group, officer, as_admin=True)
    assert await bot.get_chat_member_count(group.id) == 37  # Telegram counts the bot too
    fake.remove_bot_from_group(group, officer)
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await bot.send_message(group.id, "bản tin")
    fake.send_message(officer, "bot còn đó không?", chat=group)  # never reaches the bot
    updates = await bot.get_updates(timeout=0)
    kinds = [u.my_chat_member.new_chat_member.status for u in updates if u.my_chat_member]
    assert kinds == ["administrator", "left"]
    assert not [u for u in updates if u.message and u.message.text]


async def test_a_new_group_already_has_the_bot(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    resident = fake.user("Dân")
    group = fake.group("Tổ 12", members=3)
    fake.send_message(resident, "chào cả nhà", chat=group)
    [update] = await bot.get_updates(timeout=0)
    assert update.message.chat.id == group.id and update.message.chat.type == "group"
    assert (await bot.send_message(group.id, "chào")).chat.title == "Tổ 12"


async def test_unknown_chat_is_not_found(bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-100999, "bản tin")


async def test_message_length_limits(fake: FakeTelegramAPI, bot: telegram.Bot) -> None:
    lan = fake.user("Lan")
    assert len((await bot.send_message(lan.id, "a" * 4096)).text) == 4096
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(lan.id, "a" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(lan.id, "   ")


async def test_bad_markup_is_refused_like_telegram(
    fake: FakeTelegramAPI, bot: telegram.Bot
) -> None:
    lan = fake.user("Lan")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(lan.id, "tin: a < b", parse_mode="HTML")
    with pytest.raises(BadRequest, match="reserved"):
        await bot.send_message(lan.id, "Mã: TIP-7K3M9Q.", parse_mode="MarkdownV2")
    ok = await bot.send_message(lan.id, r"*Mã:* TIP\-7K3M9Q\.", parse_mode="MarkdownV2")
    assert ok.text == "Mã: TIP-7K3M9Q." and ok.entities[0].type == "bold"


# ---- rate limits ------------------------------------------------------------------------------
async def test_group_rate_limit_hits_the_21st_message_in_a_minute() -> None:
    clock = FakeClock()
    async with FakeTelegramAPI(rate_limits=True, clock=clock) as fake:
        officer = fake.user("Cán bộ")
        group = fake.group("Tổ 3")
        fake.add_bot_to_group(group, officer)
        async with telegram.Bot(fake.token, base_url=fake.base_url) as bot:
            for n in range(20):
                clock.now += 0.1
                await bot.send_message(group.id, f"bản tin {n}")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(group.id, "bản tin 21")
            assert 1 <= retry_seconds(caught.value) <= 60
            assert fake.rate_limit_hits == 1
            clock.now += 60
            await bot.send_message(group.id, "sau một phút")


async def test_private_chat_allows_a_burst_of_three_then_one_a_second() -> None:
    clock = FakeClock()
    async with FakeTelegramAPI(rate_limits=True, clock=clock) as fake:
        lan = fake.user("Lan")
        async with telegram.Bot(fake.token, base_url=fake.base_url) as bot:
            for n in range(3):
                await bot.send_message(lan.id, f"thông báo {n}")
            with pytest.raises(RetryAfter):
                await bot.send_message(lan.id, "thông báo 4")
            clock.now += 1.0
            await bot.send_message(lan.id, "thông báo 4")


# ---- bot settings -----------------------------------------------------------------------------
async def test_commands_are_stored_per_scope_and_language(
    fake: FakeTelegramAPI, bot: telegram.Bot
) -> None:
    commands = [telegram.BotCommand("start", "Bắt đầu"), telegram.BotCommand("baotin", "Báo tin")]
    scope = telegram.BotCommandScopeAllPrivateChats()
    assert await bot.set_my_commands(commands, scope=scope, language_code="vi")
    assert [c["command"] for c in fake.commands("all_private_chats", "vi")] == ["start", "baotin"]
    assert fake.commands() == []
    assert await bot.get_my_commands(scope=scope, language_code="vi") == tuple(commands)
    with pytest.raises(BadRequest):
        await bot.set_my_commands([telegram.BotCommand("Hướng-dẫn", "x")])


# ---- the whole Application --------------------------------------------------------------------
async def test_application_answers_start_and_shuts_down(fake: FakeTelegramAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"Chào {update.effective_user.first_name}")

    app = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    lan = fake.user("Lan")
    loop = asyncio.get_running_loop()
    began = loop.time()
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)

    fake.send_message(lan, "/start")
    reply = await fake.wait_for_message(lan.id)
    assert reply["text"] == "Chào Lan"
    await fake.wait_until_updates_consumed()

    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    assert loop.time() - began < 3.0
