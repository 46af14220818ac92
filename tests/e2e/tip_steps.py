"""Steps a resident takes to file a tip, shared by the tip end-to-end tests."""

from __future__ import annotations

import re

CODE = re.compile(r"TIP-[0-9A-Z]{6}")


def buttons_of(message: dict) -> list[dict]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


def button_data(message: dict, prefix: str) -> list[str]:
    return [b["callback_data"] for b in buttons_of(message)
            if b.get("callback_data", "").startswith(prefix)]


async def next_reply(fake, chat_id: int, before: int) -> dict:
    await fake.wait_for_message(chat_id, lambda m: len(fake.sent_messages(chat_id)) > before)
    return fake.sent_messages(chat_id)[before]


async def say(fake, user, text: str, chat=None) -> dict:
    chat_id = chat.id if chat is not None else user.id
    before = len(fake.sent_messages(chat_id))
    fake.send_message(user, text, chat=chat)
    return await next_reply(fake, chat_id, before)


async def press(fake, user, message: dict, data: str, *, expect_reply: bool = True) -> dict | None:
    """Press a button; return the bot's next message in that chat (or, when it only answers
    the button, None once the answer came)."""
    chat_id = message["chat"]["id"]
    before = len(fake.sent_messages(chat_id))
    query_id = fake.press_button(user, message, data)
    if expect_reply:
        return await next_reply(fake, chat_id, before)
    await fake.wait_for_call("answerCallbackQuery",
                             lambda c: c.params.get("callback_query_id") == query_id)
    return None


async def file_guided_tip(fake, user, *, commune: str = "TT-TANTHANH", category: str = "drugs",
                          texts: tuple[str, ...] = ("Có người bán ma túy ở đầu hẻm 5",),
                          photo: bool = False) -> str:
    """/tip → unit → category → content → Gửi; returns the tip code from the receipt."""
    units = await say(fake, user, "/tip")
    step = units
    if f"ti:n:{commune}" in button_data(units, "ti:"):
        await press(fake, user, units, f"ti:n:{commune}", expect_reply=False)
        step = fake.world.message(units["chat"]["id"], units["message_id"])
    categories = await press(fake, user, step, f"ti:u:{commune}")
    collect = await press(fake, user, categories, f"ti:c:{category}")
    assert collect is not None
    last = collect
    for text in texts:
        last = await say(fake, user, text)
    if photo:
        before = len(fake.sent_messages(user.id))
        fake.send_photo(user, caption="ảnh chụp lúc 21h")
        last = await next_reply(fake, user.id, before)
    receipt = await press(fake, user, last, "ti:s")
    match = CODE.search(receipt["text"])
    assert match, receipt["text"]
    return match.group(0)
