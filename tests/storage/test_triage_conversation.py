"""``/tips`` and the actions on one tip as channel-neutral use cases
(``tips.triage_conversation``): the listing's pages are plain choices, and a tip out of scope
answers exactly as an unknown code."""

from __future__ import annotations

from dataclasses import replace

from channels.telegram_addresses import address_of_chat
from core.answers import Answer, Shown
from org.roles import Role
from storage import tip_senders
from storage.org_records import StaffMember
from tests.storage.test_staff_notices import OFFICER, tips_context
from tips import filing
from tips.triage_conversation import PAGE, TriageConversation


async def test_a_listing_pages_through_the_tips_in_scope(db, clock):
    ctx, _ = await tips_context(db, clock)
    ctx.settings = replace(ctx.settings, max_per_hour=99, max_per_day=99)
    for n in range(PAGE + 2):
        async with db.transaction() as conn:
            await tip_senders.remember_unit(conn, f"p{n}", "TT", clock.now())
        await filing.file_text(ctx, f"p{n}", f"tin số {n}", "sealed")
    officer = ctx.directory.staff_member(address_of_chat(OFFICER))
    talk = TriageConversation(ctx)
    first = await talk.list_command(officer, [])
    assert [c.action for c in first.all_choices] == [f"open:{PAGE}"]  # "older" only
    second = await talk.list_page(officer, f"open:{PAGE}")
    assert [c.action for c in second.all_choices] == ["open:0"]  # "newer" only
    assert second.text.count("TIP-") == 2
    assert (await talk.list_page(officer, "open:x")).shown is Shown.ALERT
    assert await talk.list_command(officer, ["nonsense"]) == Answer(ctx.tr("triage.list_usage"))


async def test_a_tip_out_of_scope_answers_as_an_unknown_code(db, clock):
    ctx, _ = await tips_context(db, clock)
    result = await filing.file_text(ctx, "p1", "có người lạ", "sealed")
    elsewhere = StaffMember(address_of_chat(99), Role.OFFICER, "DT-OTHER", True)
    talk = TriageConversation(ctx)
    assert await talk.close(elsewhere, [result.code]) == Answer(
        ctx.tr("triage.no_such_tip", code=result.code))
    officer = ctx.directory.staff_member(address_of_chat(OFFICER))
    assert await talk.close(officer, [result.code]) == Answer(
        ctx.tr("triage.closed", code=result.code))
