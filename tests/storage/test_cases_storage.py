"""Cases of merged tips on SQLite and PostgreSQL (SPEC §15): merge, un-merge, the listing by
case, the candidates a new tip is compared with."""

from __future__ import annotations

from datetime import timedelta

from org.directory import Directory
from org.units import Unit
from storage import cases as case_store
from storage import tips as tip_store
from storage.tip_records import Assessment, ItemKind, TipItem, TipState


async def prepared(db, clock) -> None:
    await Directory(db).sync_from_config(
        [Unit("DT", "Tỉnh", None), Unit("TT", "Xã", "DT"), Unit("AP1", "Ấp 1", "TT")], [],
        clock.now())


async def file(conn, clock, code, unit="TT", text="chữ") -> int:
    return await tip_store.insert_tip(
        conn, code=code, unit_code=unit, category="other", sender="p-" + code,
        bulletin_id=None, relay_link="sealed",
        items=[TipItem(ItemKind.TEXT, text), TipItem(ItemKind.PHOTO, "ảnh kèm", "f")],
        now=clock.now())


async def test_merge_and_unmerge_keep_one_case_named_by_its_first_tip(db, clock):
    await prepared(db, clock)
    async with db.transaction() as conn:
        a, b, c = [await file(conn, clock, f"TIP-AAAAA{n}") for n in "234"]
        assert await case_store.merge(conn, b, a) == a
        assert await case_store.merge(conn, c, b) == a  # into b's case, which is a's
        assert await case_store.merge(conn, c, a) is None  # already one case
    async with db.reading() as conn:
        assert [t.id for t in await case_store.case_tips(conn, c)] == [a, b, c]
        assert {t.case for t in await case_store.case_tips(conn, b)} == {a}
    async with db.transaction() as conn:
        assert await case_store.unmerge(conn, a)  # the first tip leaves: b names the case now
    async with db.reading() as conn:
        first = await tip_store.find_tip_by_id(conn, a)
        assert first.case_id is None and first.case == a
        assert [(t.id, t.case_id) for t in await case_store.case_tips(conn, c)] == [(b, b),
                                                                                     (c, b)]
    async with db.transaction() as conn:
        assert await case_store.unmerge(conn, c)  # one left: no case any more
        assert not await case_store.unmerge(conn, c)
    async with db.reading() as conn:
        assert (await tip_store.find_tip_by_id(conn, b)).case_id is None
        assert await case_store.case_tips(conn, 999) == []


async def test_the_listing_shows_a_case_once_with_its_count(db, clock):
    await prepared(db, clock)
    async with db.transaction() as conn:
        a = await file(conn, clock, "TIP-AAAAA2")
        clock.advance(timedelta(minutes=1))
        b = await file(conn, clock, "TIP-AAAAA3", unit="AP1")
        clock.advance(timedelta(minutes=1))
        await file(conn, clock, "TIP-AAAAA4")
        await case_store.merge(conn, b, a)
        await tip_store.set_assessment(conn, a, Assessment.VALUABLE, clock.now(),
                                       was=Assessment.UNASSESSED)
        await tip_store.set_assessment(conn, b, Assessment.VALUABLE, clock.now(),
                                       was=Assessment.UNASSESSED)
    async with db.reading() as conn:
        page, total = await case_store.cases_in_units(conn, {"TT", "AP1"})
        valuable, _ = await case_store.cases_in_units(conn, {"TT", "AP1"},
                                                      assessment=Assessment.VALUABLE)
        only_ap1, _ = await case_store.cases_in_units(conn, {"AP1"}, state=TipState.OPEN)
        second, _ = await case_store.cases_in_units(conn, {"TT", "AP1"}, offset=1, limit=1)
    assert total == 2
    assert [(t.code, n) for t, n in page] == [("TIP-AAAAA4", 1), ("TIP-AAAAA3", 2)]
    assert [(t.code, n) for t, n in valuable] == [("TIP-AAAAA3", 2)]
    assert [(t.code, n) for t, n in only_ap1] == [("TIP-AAAAA3", 1)]  # what the scope holds
    assert [t.code for t, _ in second] == ["TIP-AAAAA3"]


async def test_candidates_are_the_open_tips_of_the_units_since_a_date(db, clock):
    await prepared(db, clock)
    async with db.transaction() as conn:
        old = await file(conn, clock, "TIP-AAAAA2", text="cũ")
        clock.advance(timedelta(days=20))
        keyed = await file(conn, clock, "TIP-AAAAA3", unit="AP1", text="Cháy nhà")
        await case_store.store_match_key(conn, keyed, case_store.StoredKey(
            "cháy nhà", "chay nha", "丁七", "12/3"))
        closed = await file(conn, clock, "TIP-AAAAA4")
        await tip_store.close_tip(conn, closed, clock.now(), clock.now())
        await file(conn, clock, "TIP-AAAAA5", unit="DT")  # outside the units asked
        unkeyed = await file(conn, clock, "TIP-AAAAA7", text="Nhà cháy to")
        new = await file(conn, clock, "TIP-AAAAA6", text="Nhà cháy")
    async with db.reading() as conn:
        found = await case_store.open_tip_ids_since(
            conn, {"TT", "AP1"}, clock.now() - timedelta(days=14), besides=new)
        keys = await case_store.keys_of(conn, found)
        texts = await case_store.texts_of(conn, [keyed, old])
        nothing = await case_store.open_tip_ids_since(conn, {"DT-OTHER"}, clock.now(),
                                                      besides=new)
    assert found == [keyed, unkeyed]
    assert keys == {keyed: case_store.StoredKey("cháy nhà", "chay nha", "丁七", "12/3"),
                    unkeyed: None}  # filed before keys were kept: computed when needed
    assert texts == {keyed: "Cháy nhà\nảnh kèm", old: "cũ\nảnh kèm"}
    assert nothing == []
