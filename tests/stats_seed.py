"""Building statistics data through the storage functions the bot itself uses: groups and their
member counts, bulletins and their deliveries, tips with assessments, outcomes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time
from itertools import count
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from channels.telegram_addresses import address_of_chat
from core.address import TELEGRAM, Address
from storage import bulletins as bulletin_store
from storage import deliveries as delivery_store
from storage import groups as group_store
from storage import outcomes as outcome_store
from storage import tips as tip_store
from storage.db import Database
from storage.schema import groups
from storage.tip_records import Assessment, ItemKind, TipItem

VN = ZoneInfo("Asia/Ho_Chi_Minh")
STAFF = address_of_chat(900000002)
_codes = count(1)
_chat_ids = count(5001)


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 0,
          second: int = 0) -> datetime:
    """An instant given in Asia/Ho_Chi_Minh local time."""
    return datetime.combine(datetime(year, month, day).date(), time(hour, minute, second),
                            tzinfo=VN)


Chat = int | Address  # a Telegram chat id, or a group's address on any channel


def _address(chat: Chat) -> Address:
    return address_of_chat(chat) if isinstance(chat, int) else chat


async def add_groups(db: Database, unit_code: str, members: Sequence[int],
                     registered_at: datetime, *, channel: str = TELEGRAM) -> list[Chat]:
    """Link one group per entry of ``members`` to the unit, each counted once; chat ids (on
    another ``channel``, addresses ``<channel>:group:<n>``)."""
    chats: list[Chat] = [-next(_chat_ids) for _ in members]
    if channel != TELEGRAM:
        chats = [Address(channel, f"group:{-chat}") for chat in chats]
    async with db.transaction() as conn:
        for chat, size in zip(chats, members, strict=True):
            await group_store.link_group(conn, _address(chat), f"Tổ {len(chats)}",
                                         unit_code, STAFF, registered_at)
            await group_store.record_member_count(conn, _address(chat), size, registered_at)
    return chats


async def count_members(db: Database, chat_ids: Sequence[int], members: Sequence[int],
                        at: datetime) -> None:
    async with db.transaction() as conn:
        for chat_id, size in zip(chat_ids, members, strict=True):
            await group_store.record_member_count(conn, address_of_chat(chat_id), size, at)


async def _group_ids(conn: AsyncConnection, chat_ids: Sequence[Chat]) -> list[int]:
    if not chat_ids:
        return []
    rows = await conn.execute(select(groups.c.id, groups.c.address).where(
        groups.c.address.in_([_address(c) for c in chat_ids])))
    by_address = {r.address: r.id for r in rows}
    return [by_address[_address(c)] for c in chat_ids]


async def send_bulletin(db: Database, unit_code: str, chat_ids: Sequence[Chat], at: datetime,
                        *, failing: Sequence[Chat] = ()) -> int:
    """A bulletin of ``unit_code`` delivered at ``at``: sent to ``chat_ids``, failed for
    ``failing``. Returns its id."""
    async with db.transaction() as conn:
        bulletin = await bulletin_store.insert_bulletin(
            conn, unit_code=unit_code, topic="general", body="Bản tin an ninh",
            media_kind=None, media_file_id=None, status=bulletin_store.DIRECT, is_alert=False,
            created_by=STAFF, now=at)
        dispatch = await delivery_store.insert_dispatch(conn, kind="now", unit_code=unit_code,
                                                        requested_by=STAFF, now=at)
        sent_ids = await _group_ids(conn, chat_ids)
        failed_ids = await _group_ids(conn, failing)
        rows = await delivery_store.plan_deliveries(
            conn, dispatch, [(bulletin.id, g) for g in [*sent_ids, *failed_ids]], at)
        for n, delivery_id in enumerate(rows):
            assert await delivery_store.claim_for_sending(conn, delivery_id, silent=False, now=at)
            if n < len(sent_ids):
                await delivery_store.mark_sent(conn, delivery_id, 1000 + n, at)
            else:
                await delivery_store.mark_failed(conn, delivery_id, "Forbidden: bot was kicked",
                                                 at)
    return bulletin.id


async def file_tip(db: Database, unit_code: str, at: datetime, *, category: str = "other",
                   assessment: Assessment = Assessment.UNASSESSED,
                   closed: bool = False, channel: str = TELEGRAM) -> int:
    async with db.transaction() as conn:
        tip_id = await tip_store.insert_tip(
            conn, code=f"TIP-S{next(_codes):05d}", unit_code=unit_code, category=category,
            sender="pseudonym", bulletin_id=None, relay_link="sealed",
            items=[TipItem(ItemKind.TEXT, "nội dung")], now=at, channel=channel)
        if assessment is not Assessment.UNASSESSED:
            await tip_store.set_assessment(conn, tip_id, assessment, at,
                                           was=Assessment.UNASSESSED)
        if closed:
            await tip_store.close_tip(conn, tip_id, at, at)
    return tip_id


async def record_outcome(db: Database, unit_code: str, at: datetime,
                         quantities: Mapping[str, int], tip_id: int | None = None) -> None:
    async with db.transaction() as conn:
        await outcome_store.record_outcomes(conn, unit_code=unit_code, tip_id=tip_id,
                                            quantities=quantities, note="", recorded_by=STAFF,
                                            now=at)
