"""Figures by channel (SPEC §13), on SQLite and PostgreSQL: groups and members, deliveries and
failures, tips received, per channel beside unchanged totals, in every report; SMS subscribers
are people (one each), not groups; every configured channel is shown, with 0s."""

from __future__ import annotations

import csv
import io
import json

import docx
import openpyxl
from sqlalchemy import or_, select

from core.address import Address
from core.i18n import Translator
from org.directory import Directory
from org.units import Unit, UnitTree
from reports.periods import parse_period
from reports.render.csv_report import render_csv
from reports.render.docx_report import render_docx
from reports.render.json_report import render_json
from reports.render.report_words import ReportWords
from reports.render.stats_text import render_stats_text
from reports.render.xlsx_report import render_xlsx
from reports.stats import ChannelFigures, UnitStatistics, unit_statistics
from reports.unit_breakdown import UnitBreakdown
from storage import sms_subscribers
from storage.rollup_tables import stats_channel_days
from storage.stats_rebuild import rebuild_rollup
from tests.stats_seed import VN, add_groups, file_tip, local, send_bulletin

UNITS = [Unit("DT", "Tỉnh Đồng Tháp", None), Unit("TT", "Xã Tân Thành", "DT"),
         Unit("BT", "Xã Bình Thành", "DT")]
NOW = local(2026, 4, 2)
PERIOD = "2026-03"
CHANNELS = ("telegram", "zalo_oa", "sms")
VI = ReportWords(Translator("vi"), (), ())


async def subscribe(db, unit_code: str, sealed: str) -> Address:
    async with db.transaction() as conn:
        await sms_subscribers.subscribe(conn, f"hash-{sealed}", sealed, unit_code,
                                        local(2026, 3, 1))
    return Address("sms", sealed)


async def three_channels(db) -> UnitTree:
    directory = Directory(db)
    await directory.sync_from_config(UNITS, [], local(2026, 2, 1))
    before = local(2026, 2, 20)
    telegram = await add_groups(db, "TT", [10, 20], before)
    zalo = await add_groups(db, "TT", [30], before, channel="zalo_oa")
    other_commune = await add_groups(db, "BT", [5], before)
    first, second = await subscribe(db, "TT", "s1"), await subscribe(db, "TT", "s2")
    await send_bulletin(db, "TT", [*telegram, *zalo, first], local(2026, 3, 3),
                        failing=[second])
    await send_bulletin(db, "BT", other_commune, local(2026, 3, 4))
    for channel, tips in (("telegram", 2), ("zalo_oa", 1), ("sms", 3)):
        for n in range(tips):
            await file_tip(db, "TT", local(2026, 3, 5 + n), channel=channel)
    await file_tip(db, "BT", local(2026, 3, 6))
    await file_tip(db, "TT", local(2026, 4, 1), channel="sms")  # after the period
    return directory.tree


async def figures(db, tree: UnitTree, code: str, channels=CHANNELS) -> UnitStatistics:
    return await unit_statistics(db, tree, code, parse_period(PERIOD, now=NOW, tz=VN),
                                 weekly_target=0, category_keys=["other"], outcome_kinds=[],
                                 now=NOW, tz=VN, channels=channels)


async def test_each_channel_counts_its_own_beside_unchanged_totals(db):
    tree = await three_channels(db)
    stats = await figures(db, tree, "DT")
    assert dict(stats.by_channel) == {
        "telegram": ChannelFigures(groups=3, members=35, deliveries=3, failed=0, tips=3),
        "zalo_oa": ChannelFigures(groups=1, members=30, deliveries=1, failed=0, tips=1),
        "sms": ChannelFigures(groups=2, members=2, deliveries=1, failed=1, tips=3),
    }
    # The totals keep their meaning: chat groups and their members; every delivery; every tip.
    assert (stats.groups.count, stats.groups.members) == (4, 65)
    assert (stats.bulletins.deliveries, stats.bulletins.failed) == (5, 1)
    assert stats.tips.received == 7


async def test_every_configured_channel_is_shown_with_zeros_and_found_ones_are_added(db):
    tree = await three_channels(db)
    other = await figures(db, tree, "BT")
    assert list(other.by_channel) == ["telegram", "zalo_oa", "sms"]
    assert other.by_channel["zalo_oa"] == ChannelFigures(0, 0, 0, 0, 0)
    assert other.by_channel["sms"] == ChannelFigures(0, 0, 0, 0, 0)
    # Zalo not configured (any more): its figures are not hidden for that.
    telegram_only = await figures(db, tree, "TT", channels=("telegram",))
    assert list(telegram_only.by_channel) == ["telegram", "sms", "zalo_oa"]


async def test_totals_by_channel_kept_event_by_event_equal_a_rebuild(db):
    await three_channels(db)

    async def rows() -> set[tuple]:
        table = stats_channel_days
        async with db.reading() as conn:
            return {tuple(r) for r in await conn.execute(select(table).where(or_(
                table.c.deliveries != 0, table.c.failed != 0, table.c.tips != 0)))}

    kept = await rows()
    assert {r[2] for r in kept} == set(CHANNELS)
    async with db.transaction() as conn:
        await rebuild_rollup(conn, NOW)
    assert await rows() == kept


async def test_json_and_csv_carry_the_figures_by_channel_inside_each_section(db):
    tree = await three_channels(db)
    stats = await figures(db, tree, "TT")
    document = json.loads(render_json(stats))
    assert document["groups"] == {"count": 3, "members": 60, "by_channel": {
        "telegram": {"count": 2, "members": 30}, "zalo_oa": {"count": 1, "members": 30},
        "sms": {"count": 2, "members": 2}}}
    assert document["bulletins"]["deliveries"] == 4
    assert document["bulletins"]["by_channel"] == {
        "telegram": {"deliveries": 2, "failed": 0}, "zalo_oa": {"deliveries": 1, "failed": 0},
        "sms": {"deliveries": 1, "failed": 1}}
    assert document["tips"]["received"] == 6
    assert document["tips"]["by_channel"] == {"telegram": {"received": 2},
                                              "zalo_oa": {"received": 1},
                                              "sms": {"received": 3}}
    rows = dict(list(csv.reader(io.StringIO(render_csv(stats))))[1:])
    assert rows["tips.by_channel.sms.received"] == "3"
    assert rows["groups.by_channel.zalo_oa.members"] == "30"


async def test_stats_text_has_one_line_by_channel_only_when_several_have_figures(db):
    tree = await three_channels(db)
    text = render_stats_text(await figures(db, tree, "TT"), VI)
    assert text.splitlines()[-1] == (
        "Theo kênh: Telegram 2 nhóm, 30 thành viên, 2 lượt gửi, 2 tin; "
        "Zalo OA 1 nhóm, 30 thành viên, 1 lượt gửi, 1 tin; SMS 2 người nhận, 1 lượt gửi, 3 tin")
    editor = render_stats_text(await figures(db, tree, "TT"), VI, tip_figures=False)
    assert editor.splitlines()[-1] == (
        "Theo kênh: Telegram 2 nhóm, 30 thành viên, 2 lượt gửi; "
        "Zalo OA 1 nhóm, 30 thành viên, 1 lượt gửi; SMS 2 người nhận, 1 lượt gửi")
    only_telegram = render_stats_text(await figures(db, tree, "BT"), VI)
    assert "Theo kênh" not in only_telegram


async def test_xlsx_and_docx_have_a_table_by_channel(db):
    tree = await three_channels(db)
    stats = await figures(db, tree, "TT")
    breakdown = UnitBreakdown(stats, (), None)
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(breakdown, VI))).worksheets[2]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1:5] == [("Telegram", 2, 30, 2, 0, 2), ("Zalo OA", 1, 30, 1, 0, 1),
                         ("SMS", 2, 2, 1, 1, 3), ("Tổng cộng", 3, 60, 4, 1, 6)]
    document = docx.Document(io.BytesIO(render_docx(breakdown, VI, issued_on=NOW.date())))
    table = document.tables[-1]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0][1] == "Kênh"
    assert cells[1:] == [["1", "Telegram", "2", "30", "2", "0", "2"],
                         ["2", "Zalo OA", "1", "30", "1", "0", "1"],
                         ["3", "SMS", "2", "2", "1", "1", "3"],
                         ["", "Tổng cộng", "3", "60", "4", "1", "6"]]
