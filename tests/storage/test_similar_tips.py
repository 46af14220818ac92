"""Similar tips at intake (SPEC §15): the notice suggests a merge to staff who may see both
tips, *Gộp* makes one case, *Không trùng* notes it or takes the tip out again, a case is
assessed and closed as one and each tipster hears it once; all of it audited."""

from __future__ import annotations

import json
from dataclasses import replace
from zoneinfo import ZoneInfo

from sqlalchemy import select

from channels.telegram import CAPABILITIES
from channels.telegram_addresses import address_of_chat, chat_id_of
from core.answers import Shown
from core.config_model import Category, TipSettings
from core.i18n import Translator
from org.directory import Directory
from org.roles import Role
from org.staff import StaffMember
from org.units import Unit
from storage import cases as case_store
from storage import tip_senders
from storage import tips as tip_store
from storage.audit import entries_for
from storage.tip_records import TipState
from storage.tips_tables import outbox
from tips import filing
from tips.anonymity import Anonymizer
from tips.context import TipsContext
from tips.followup import view_status
from tips.notices import new_tip_messages, similar_callback
from tips.staff_notices import notice_words, queue_staff_notices
from tips.status_text import render_status
from tips.triage_conversation import TriageConversation

AP1_OFFICER, AP2_OFFICER, COMMUNE_OFFICER, ADMIN = 5, 6, 7, 8
ROBBERY = "Có người bị cướp xe máy ở đầu hẻm 12/3 Lê Lợi, xe biển số 59-X1 234.56"
ROBBERY_AGAIN = "xe may bi cuop o hem 12/3 le loi, bien 59X1-23456, 2 nguoi chay ve cho"
FIRE = "Cháy nhà kho gần trường tiểu học, khói nhiều"


async def context(db, clock, **settings) -> TipsContext:
    directory = Directory(db)
    await directory.sync_from_config(
        [Unit("DT", "Tỉnh", None), Unit("TT", "Xã", "DT"), Unit("AP1", "Ấp 1", "TT"),
         Unit("AP2", "Ấp 2", "TT")],
        [StaffMember(address_of_chat(AP1_OFFICER), Role.OFFICER, "AP1", True),
         StaffMember(address_of_chat(AP2_OFFICER), Role.OFFICER, "AP2", True),
         StaffMember(address_of_chat(COMMUNE_OFFICER), Role.OFFICER, "TT", True),
         StaffMember(address_of_chat(ADMIN), Role.ADMIN, "DT", True)], clock.now())
    tip_settings = replace(TipSettings(50, 200, 30, 30, "unit_and_parent",
                                       (Category("other", ""),)), **settings)
    return TipsContext(db=db, clock=clock, anonymizer=Anonymizer(b"k" * 32),
                       tr=Translator("vi"), tz=ZoneInfo("Asia/Ho_Chi_Minh"),
                       settings=tip_settings, outcome_kinds=(), directory=directory)


async def report(ctx, sender: str, unit: str, text: str) -> filing.FilingResult:
    async with ctx.db.transaction() as conn:
        await tip_senders.remember_unit(conn, sender, unit, ctx.clock.now())
    result = await filing.file_text(ctx, sender, text, f"sealed-{sender}")
    await queue_staff_notices(ctx, result)
    return result


async def notices_of(db, tip_id: int) -> dict[int, dict]:
    async with db.reading() as conn:
        rows = await conn.execute(select(outbox.c.address, outbox.c.payload).where(
            outbox.c.tip_id == tip_id, outbox.c.address.is_not(None)))
        return {chat_id_of(row.address): json.loads(row.payload) for row in rows}


def member(ctx, chat: int) -> StaffMember:
    return ctx.directory.staff_member(address_of_chat(chat))


async def test_a_similar_tip_is_suggested_only_to_staff_who_may_see_both(db, clock):
    ctx = await context(db, clock)
    first = await report(ctx, "p1", "AP1", ROBBERY)
    await report(ctx, "p3", "AP1", FIRE)
    second = await report(ctx, "p2", "AP2", ROBBERY_AGAIN)
    notices = await notices_of(db, second.tip_id)
    # AP2's officer cannot see AP1's tip: a plain notice, nothing about another tip.
    assert notices[AP2_OFFICER] == {"event": "new_tip", "tip_id": second.tip_id}
    similar = notices[COMMUNE_OFFICER]["similar"]
    assert (similar["tip_id"], similar["code"], similar["merged"]) == (
        first.tip_id, first.code, False)
    assert 75 <= similar["percent"] <= 100
    async with db.reading() as conn:
        tip = await tip_store.find_tip_by_id(conn, second.tip_id)
        items = await tip_store.tip_items_of(conn, second.tip_id)
    [notice] = new_tip_messages(notice_words(ctx), tip, items, CAPABILITIES, similar=similar)
    assert f"Có thể trùng với {first.code} ({similar['percent']}%)" in notice.text
    assert [b.text for b in notice.buttons[0]] == ["Gộp", "Không trùng"]
    # A different incident is suggested to nobody.
    assert all("similar" not in n for n in (await notices_of(db, first.tip_id + 1)).values())


async def test_merge_assess_and_close_a_case_as_one(db, clock):
    ctx = await context(db, clock)
    first = await report(ctx, "p1", "AP1", ROBBERY)
    second = await report(ctx, "p2", "AP2", ROBBERY_AGAIN)
    talk = TriageConversation(ctx)
    merge = similar_callback(ctx.anonymizer, "m", second.tip_id, first.tip_id)
    # AP2's officer may not see AP1's tip: refused as a forged button.
    refused = await talk.similar_choice(member(ctx, AP2_OFFICER), merge)
    assert refused.text == ctx.tr("triage.bad_button") and refused.shown is Shown.ALERT
    assert (await talk.similar_choice(member(ctx, COMMUNE_OFFICER), merge[:-1] + "x")).text == \
        ctx.tr("triage.bad_button")
    answer = await talk.similar_choice(member(ctx, COMMUNE_OFFICER), merge)
    assert answer.text == ctx.tr("triage.merged", code=second.code, other=first.code)
    assert (await talk.similar_choice(member(ctx, COMMUNE_OFFICER), merge)).text == \
        ctx.tr("triage.already_merged", code=second.code, other=first.code)
    listing = await talk.list_command(member(ctx, COMMUNE_OFFICER), [])
    assert listing.text.count("TIP-") == 1 and ctx.tr("triage.list_case", count=2) in listing.text

    await talk.assess(member(ctx, COMMUNE_OFFICER), [first.code, "valuable"])
    await talk.close(member(ctx, COMMUNE_OFFICER), [second.code])
    async with db.reading() as conn:
        tips = await case_store.case_tips(conn, first.tip_id)
        told = (await conn.execute(select(outbox.c.relay_link, outbox.c.payload).where(
            outbox.c.relay_link.is_not(None)).order_by(outbox.c.id))).all()
        audit = [e.action for e in await entries_for(conn, f"tip:{second.code}")]
    assert [(t.state, t.assessment.value) for t in tips] == [(TipState.CLOSED, "valuable")] * 2
    # Each tipster hears each change once, about their own code, in the same words.
    heard = [(row.relay_link, json.loads(row.payload)) for row in told]
    assert [(link, p["say"], p["params"]["code"]) for link, p in heard] == [
        ("sealed-p1", "tipster.being_checked", first.code),
        ("sealed-p2", "tipster.being_checked", second.code),
        ("sealed-p1", "tipster.closed_helped", first.code),
        ("sealed-p2", "tipster.closed_helped", second.code)]
    assert audit == ["tip.merge", "tip.assess", "tip.close"]


async def test_not_similar_is_noted_or_takes_a_merged_tip_out_again(db, clock):
    ctx = await context(db, clock)
    first = await report(ctx, "p1", "AP1", ROBBERY)
    second = await report(ctx, "p2", "AP2", ROBBERY_AGAIN)
    talk = TriageConversation(ctx)
    officer = member(ctx, COMMUNE_OFFICER)
    different = similar_callback(ctx.anonymizer, "d", second.tip_id, first.tip_id)
    assert (await talk.similar_choice(officer, different)).text == ctx.tr(
        "triage.not_similar_noted", code=second.code, other=first.code)
    await talk.similar_choice(officer, similar_callback(ctx.anonymizer, "m", second.tip_id,
                                                        first.tip_id))
    assert (await talk.similar_choice(officer, different)).text == ctx.tr(
        "triage.unmerged", code=second.code)
    async with db.reading() as conn:
        assert [t.id for t in await case_store.case_tips(conn, first.tip_id)] == [first.tip_id]
        audit = [(e.action, e.detail) for e in await entries_for(conn, f"tip:{second.code}")]
    assert audit == [("tip.not_similar", first.code), ("tip.merge", first.code),
                     ("tip.unmerge", first.code)]


async def test_merging_without_asking_only_when_turned_on(db, clock):
    ctx = await context(db, clock, similar_auto_merge=0.8)
    first = await report(ctx, "p1", "AP1", ROBBERY)
    second = await report(ctx, "p2", "AP2", ROBBERY_AGAIN)
    similar = (await notices_of(db, second.tip_id))[COMMUNE_OFFICER]["similar"]
    assert similar["merged"] is True
    async with db.reading() as conn:
        assert (await tip_store.find_tip_by_id(conn, second.tip_id)).case == first.tip_id
        [entry] = await entries_for(conn, f"tip:{second.code}")
    assert (entry.action, entry.actor) == ("tip.merge", None)  # the system merged them
    async with db.reading() as conn:
        tip = await tip_store.find_tip_by_id(conn, second.tip_id)
        items = await tip_store.tip_items_of(conn, second.tip_id)
    [notice] = new_tip_messages(notice_words(ctx), tip, items, CAPABILITIES, similar=similar)
    assert [b.text for b in notice.buttons[0]] == ["Không trùng"]
    # Below the second threshold, only a suggestion.
    strict = await context(db, clock, similar_auto_merge=1.0)
    third = await report(strict, "p3", "AP1", ROBBERY_AGAIN + " luc 9 gio")
    assert (await notices_of(db, third.tip_id))[COMMUNE_OFFICER]["similar"]["merged"] is False


async def test_status_shows_staff_the_case_and_the_tipster_only_their_tip(db, clock):
    ctx = await context(db, clock)
    first = await report(ctx, "p1", "AP1", ROBBERY)
    second = await report(ctx, "p2", "AP2", ROBBERY_AGAIN)
    await TriageConversation(ctx).similar_choice(
        member(ctx, COMMUNE_OFFICER),
        similar_callback(ctx.anonymizer, "m", second.tip_id, first.tip_id))
    commune = render_status(ctx, await view_status(ctx, first.code, sender="s-7",
                                                   member=member(ctx, COMMUNE_OFFICER)))
    assert ctx.tr("status.case", count=2, codes=f"{first.code}, {second.code}") in commune
    assert ctx.tr("audit.action.tip_merge") in render_status(ctx, await view_status(
        ctx, second.code, sender="s-7", member=member(ctx, COMMUNE_OFFICER)))
    # AP1's officer sees that the case holds two tips, and only the code they may see.
    hamlet = render_status(ctx, await view_status(ctx, first.code, sender="s-5",
                                                  member=member(ctx, AP1_OFFICER)))
    assert ctx.tr("status.case", count=2, codes=first.code) in hamlet
    tipster = render_status(ctx, await view_status(ctx, first.code, sender="p1", member=None))
    assert first.code in tipster and second.code not in tipster
    assert ctx.tr("status.case", count=2, codes="").split("2")[0] not in tipster
