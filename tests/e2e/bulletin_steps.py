"""Steps shared by the bulletin end-to-end tests: groups linked to a unit, an officer walking
through the composer, and reading back what reached the groups."""

from __future__ import annotations

from sqlalchemy import select

from channels.telegram_addresses import address_of_chat
from storage import groups as group_store
from storage.schema import deliveries


async def linked_groups(fake, db, unit_code: str, count: int, clock, prefix: str = "Tổ"):
    """Groups the bot is already in, linked to ``unit_code`` (as /register would)."""
    chats = [fake.group(f"{prefix} {n + 1}", members=12) for n in range(count)]
    async with db.transaction() as conn:
        for chat in chats:
            await group_store.link_group(conn, address_of_chat(chat.id), chat.title, unit_code,
                                         address_of_chat(1), clock.now())
    return chats


def group_copies(fake, chat_id: int) -> int:
    return len(fake.sent_messages(chat_id))


async def compose_and_choose(fake, user, content: str, topic: str, choice: str, *,
                             delay_first_send: float = 0.0):
    """``/bulletin`` → content → topic → ``choice`` (bc:now, bc:queue, bc:submit, bc:cancel).
    Returns the preview message as it is after the choice. ``delay_first_send``: the first
    sendMessage after the choice (a bulletin copy) is answered that late."""
    fake.send_message(user, "/bulletin")
    await fake.wait_for_message(user.id, lambda m: "Gửi nội dung" in m.get("text", ""))
    fake.send_message(user, content)
    topics = await fake.wait_for_message(user.id, lambda m: "chủ đề" in m.get("text", ""))
    fake.press_button(user, topics, f"bc:topic:{topic}")
    await fake.wait_for_call("editMessageText")
    if delay_first_send:
        fake.inject_delay("sendMessage", delay_first_send)
    fake.press_button(user, topics, choice)
    await fake.wait_for_call("editMessageText")
    return fake.world.message(topics["chat"]["id"], topics["message_id"])


async def delivery_statuses(db) -> list[str]:
    async with db.reading() as conn:
        rows = await conn.execute(select(deliveries.c.status).order_by(deliveries.c.id))
        return [r.status for r in rows]
