"""Recipients counted by channel on SQLite and PostgreSQL (``storage.recipient_channels``, the
``sms_waiting`` of ``storage.bulletins.waiting_bulletins``): what /queue and the re-send
confirmations read to say "nhóm" or "người nhận SMS"."""

from __future__ import annotations

from sqlalchemy import select

from broadcasts import bulletins as rules
from broadcasts.bulletins import Action, Content
from core.address import Address
from org.directory import Directory
from org.roles import Role
from org.staff import StaffMember
from org.units import Unit
from storage import bulletins as bulletin_store
from storage import groups as group_store
from storage import sms_subscribers as sms_store
from storage.recipient_channels import sms_among_deliveries, sms_group_ids
from storage.schema import groups
from tests.stats_seed import local

NOW = local(2026, 3, 5)
OFFICER = StaffMember(Address("telegram", "1002"), Role.OFFICER, "TT", True)


async def _seed(db) -> Directory:
    directory = Directory(db)
    await directory.sync_from_config([Unit("DT", "Tỉnh", None), Unit("TT", "Xã", "DT")],
                                     [OFFICER], NOW)
    async with db.transaction() as conn:
        for address in (Address("telegram", "-1001"), Address("zalo_oa", "group:ab12")):
            await group_store.link_group(conn, address, str(address), "TT",
                                         OFFICER.address, NOW)
        for n in (1, 2):  # as /sms add keeps them: sealed number, keyed hash
            await sms_store.subscribe(conn, f"hash-{n}", f"sealed-{n}", "TT", NOW)
    return directory


async def test_waiting_phones_and_sent_phones_are_counted_apart_from_groups(db):
    directory = await _seed(db)
    queued = await rules.create_bulletin(db, OFFICER, "TT", "fraud", Content("Một"),
                                         Action.QUEUE, NOW)
    async with db.reading() as conn:
        [waiting] = await bulletin_store.waiting_bulletins(conn, ["TT"], 20)
    assert (waiting.bulletin.id, waiting.groups_waiting, waiting.sms_waiting) == (queued.id, 4, 2)

    sent = await rules.create_bulletin(db, OFFICER, "TT", "fraud", Content("Hai"),
                                       Action.SEND_NOW, NOW)
    planned = await rules.plan_direct_send(db, directory.tree, sent, "now", OFFICER.address, NOW)
    async with db.reading() as conn:
        assert await sms_among_deliveries(conn, planned.delivery_ids) == 2
        assert await sms_among_deliveries(conn, planned.delivery_ids[:1]) == 0
        assert await sms_among_deliveries(conn, []) == 0
        rows = (await conn.execute(select(groups.c.id, groups.c.address))).all()
        phones = {r.id for r in rows if r.address.channel == "sms"}
        assert len(phones) == 2
        assert await sms_group_ids(conn, {r.id for r in rows}) == phones
        assert await sms_group_ids(conn, {r.id for r in rows} - phones) == set()
