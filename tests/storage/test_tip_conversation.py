"""The tip flow as channel-neutral use cases (``tips.conversation``), driven without any bot:
plain calls in, plain answers (text and ``(label, action)`` choices) out."""

from __future__ import annotations

from sqlalchemy import func, select

from core.answers import Answer, Shown, Undelivered
from storage.tip_records import ItemKind, TipItem
from storage.tips_tables import outbox
from tests.storage.test_staff_notices import tips_context
from tips.conversation import TipConversation, Tipster
from tips.tip_parts import Part

NEW = Tipster("p-new", lambda: "sealed-new")  # nothing remembered about them
KNOWN = Tipster("p1", lambda: "sealed-1")  # tips_context remembers unit TT for "p1"


class Chat:
    """The answers a use case gave, with how many outbox rows existed at each one."""

    def __init__(self, db) -> None:
        self.db = db
        self.answers: list[Answer] = []
        self.outbox_rows: list[int] = []

    async def __call__(self, answer: Answer) -> None:
        async with self.db.reading() as conn:
            self.outbox_rows.append(await conn.scalar(select(func.count()).select_from(outbox)))
        self.answers.append(answer)

    @property
    def last(self) -> Answer:
        return self.answers[-1]


async def outbox_count(db) -> int:
    async with db.reading() as conn:
        return await conn.scalar(select(func.count()).select_from(outbox))


def actions(answer: Answer) -> list[str]:
    return [choice.action for choice in answer.all_choices]


async def test_a_guided_tip_from_unit_to_receipt_then_staff_notices(db, clock):
    ctx, _ = await tips_context(db, clock)
    talk, chat = TipConversation(ctx), Chat(db)
    await talk.tip_command(NEW, "", chat)
    assert chat.last.text == ctx.tr("tip.choose_unit")
    # One root: the list starts under it, "this unit" first, cancel last.
    assert actions(chat.last) == ["u:DT", "u:TT", "x"]
    await talk.choose(NEW, "u:TT", chat)
    assert chat.last.text == ctx.tr("tip.choose_category", unit="Xã")
    assert [[c.action for c in row] for row in chat.last.choices] == [["c:other"], ["cu", "x"]]
    await talk.choose(NEW, "c:other", chat)
    assert actions(chat.last) == ["s", "x"]

    async def read_part() -> Part:
        return Part(TipItem(ItemKind.TEXT, "xe không biển số", message_id=5))

    await talk.add_part(NEW, read_part, chat)
    assert chat.last.text == ctx.tr("tip.added", count=1)
    await talk.choose(NEW, "s", chat)
    assert "TIP-" in chat.last.text and "Xã" in chat.last.text
    assert chat.outbox_rows[-1] == 0  # the receipt went out before any staff notice
    assert await outbox_count(db) > 0  # and the notices were queued after it


async def test_a_receipt_the_channel_could_not_deliver_goes_through_the_outbox(db, clock):
    ctx, _ = await tips_context(db, clock)
    talk = TipConversation(ctx)

    async def refused(answer: Answer) -> None:
        raise Undelivered("NetworkError")

    await talk.tip_command(KNOWN, "có người lạ", refused)
    async with db.reading() as conn:
        links = (await conn.execute(select(outbox.c.relay_link))).scalars().all()
    assert "sealed-1" in links  # the receipt, to the sealed address only
    assert len(links) > 1  # and the staff notices, all the same


async def test_a_choice_that_belongs_to_no_flow_is_answered_with_an_alert(db, clock):
    ctx, _ = await tips_context(db, clock)
    chat = Chat(db)
    await TipConversation(ctx).choose(NEW, "c:other", chat)
    assert chat.answers == [Answer(ctx.tr("tip.flow_expired"), shown=Shown.ALERT)]


async def test_opening_a_unit_redraws_the_choices_below_it(db, clock):
    ctx, _ = await tips_context(db, clock)
    talk, chat = TipConversation(ctx), Chat(db)
    await talk.tip_command(NEW, "", chat)
    await talk.choose(NEW, "n:DT", chat)
    assert chat.last.shown is Shown.NEW_CHOICES
    await talk.choose(NEW, "n:NOWHERE", chat)  # a unit that is gone: nothing to redraw
    assert len(chat.answers) == 2


async def test_a_message_without_a_tip_is_not_read_at_all(db, clock):
    ctx, _ = await tips_context(db, clock)
    chat, read = Chat(db), []

    async def read_part() -> Part:
        read.append(True)  # a file would be downloaded and stored again here
        return Part(TipItem(ItemKind.TEXT, "x"))

    await TipConversation(ctx).add_part(NEW, read_part, chat)
    assert read == []
    assert chat.last.text == ctx.tr("fallback.not_understood")


async def test_a_deep_link_to_a_unit_asks_the_category_and_cancel_drops_the_draft(db, clock):
    ctx, _ = await tips_context(db, clock)
    talk, chat = TipConversation(ctx), Chat(db)
    await talk.start_from_link(NEW, "tip_TT", chat)
    assert chat.last.text == ctx.tr("tip.choose_category", unit="Xã")
    await talk.cancel(NEW, chat)
    assert chat.last.text == ctx.tr("tip.cancelled")
    await talk.cancel(NEW, chat)
    assert chat.last.text == ctx.tr("cancel.nothing")


async def test_the_address_is_sealed_only_when_a_tip_is_filed(db, clock):
    ctx, _ = await tips_context(db, clock)
    sealed: list[str] = []

    def seal() -> str:
        sealed.append("sealed")
        return "sealed-2"

    tipster, talk, chat = Tipster("p1", seal), TipConversation(ctx), Chat(db)
    await talk.tip_command(tipster, "", chat)  # p1's unit is remembered: the category
    await talk.choose(tipster, "c:other", chat)
    assert sealed == []
    await talk.tip_command(tipster, "có người lạ", chat)
    assert sealed == ["sealed"]
