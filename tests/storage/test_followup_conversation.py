"""``/status`` and ``/reply`` as channel-neutral use cases (``tips.followup_conversation``)."""

from __future__ import annotations

from channels.telegram_addresses import address_of_chat
from core.answers import Answer
from tests.storage.test_staff_notices import OFFICER, tips_context
from tips import filing
from tips.followup_conversation import FollowUpConversation


async def test_a_tipster_sees_their_tip_with_its_code_as_the_label_of_every_part(db, clock):
    ctx, _ = await tips_context(db, clock)
    result = await filing.file_text(ctx, "p1", "có người lạ", "sealed")
    answers: list[Answer] = []

    async def reply(answer: Answer) -> None:
        answers.append(answer)

    talk = FollowUpConversation(ctx)
    await talk.status("p1", None, [result.code], reply)
    assert answers[-1].label == result.code and result.code in answers[-1].text
    await talk.status("p-other", None, [result.code], reply)  # not theirs: nothing told
    assert answers[-1] == Answer(ctx.tr("status.not_found"))
    await talk.status("p1", None, [], reply)
    assert answers[-1] == Answer(ctx.tr("status.usage"))


async def test_an_officer_answering_a_bot_message_is_shown_how_to_ask(db, clock):
    ctx, _ = await tips_context(db, clock)
    result = await filing.file_text(ctx, "p1", "có người lạ", "sealed")
    officer = ctx.directory.staff_member(address_of_chat(OFFICER))
    answers: list[Answer] = []

    async def reply(answer: Answer) -> None:
        answers.append(answer)

    await FollowUpConversation(ctx).answer_to_bot("p-officer", officer, f"Tin {result.code}",
                                                  "ghi chú", reply)
    assert answers == [Answer(ctx.tr("reply.usage"))]
