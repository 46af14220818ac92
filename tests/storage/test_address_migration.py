"""Migration 0010 on SQLite and PostgreSQL: every Telegram id stored before it becomes the address
``telegram:<id>`` (SPEC §13), nothing that points at a rebuilt table is lost, a downgrade gives
the integers back, and one refuses while an address of another channel is stored."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import IntegrityError

from channels.telegram_addresses import address_of_chat as telegram
from core.address import Address
from org.directory import Directory
from org.units import Unit
from storage import bulletin_drafts, deliveries, outbox
from storage import bulletins as bulletin_store
from storage import groups as group_store
from storage import tips as tip_store
from storage.audit import entries_for
from storage.migrate import _alembic_config, current_revision, head_revision
from storage.schema import UTCDateTime, groups, units
from storage.tips_tables import tip_thread

GROUP, OFFICER, EDITOR = -1001234, 42, 43


async def _migrate(db, action: str, revision: str) -> None:
    def run(connection) -> None:
        getattr(command, action)(_alembic_config(connection), revision)

    async with db.schema_change() as conn:
        await conn.run_sync(run)


def _insert(sql: str):
    statement = text(sql)
    return statement.bindparams(bindparam("at", type_=UTCDateTime())) if ":at" in sql \
        else statement


async def _rows_of_0009(db, clock) -> None:
    """One row of every table that named a Telegram id, written as revision 0009 had them."""
    at = clock.now()
    async with db.transaction() as conn:
        unit = (await conn.execute(select(units.c.id).where(units.c.code_key == "TT"))).scalar()
        # Spelled out as 0009 had it: storage.tips writes the columns of the head revision.
        tip = 1
        values = {"at": at, "unit": unit, "group": GROUP, "officer": OFFICER,
                  "editor": EDITOR, "tip": tip}
        statements = [
            "INSERT INTO tips (id, code, unit_id, category, sender, bulletin_id, assessment,"
            " state, created_at, relay_link, staff_notified) VALUES (:tip, 'TIP-AAAAAA', :unit,"
            " 'drugs', 'p1', NULL, 'unassessed', 'open', :at, 'sealed-link', FALSE)",
            "INSERT INTO tip_items (tip_id, position, kind, text, file_id)"
            " VALUES (:tip, 0, 'text', 'chữ', NULL)",
            "INSERT INTO groups (id, chat_id, title, unit_id, status, registered_by,"
            " registered_at, created_at, updated_at)"
            " VALUES (1, :group, 'Tổ 1', :unit, 'active', :officer, :at, :at, :at)",
            "INSERT INTO group_member_counts (group_id, members, counted_at) VALUES (1, 12, :at)",
            "INSERT INTO staff (telegram_id, role, unit_id, source, added_by, added_at)"
            " VALUES (:editor, 'editor', :unit, 'chat', :officer, :at)",
            "INSERT INTO audit_log (at, actor_telegram_id, action, subject, detail) VALUES"
            " (:at, :officer, 'group.register', 'group:-1001234', 'TT'),"
            " (:at, :officer, 'staff.add', 'staff:43', 'editor TT'),"
            " (:at, NULL, 'tip.assess', 'tip:TIP-AAAAAA', '')",
            "INSERT INTO bulletins (id, unit_id, topic, body, status, is_alert, queue_position,"
            " created_by, created_at, approved_by, approved_at)"
            " VALUES (1, :unit, 'general', 'Bản tin', 'queued', FALSE, 1, :editor, :at,"
            " :officer, :at)",
            "INSERT INTO dispatches (id, kind, unit_id, requested_by, created_at)"
            " VALUES (1, 'now', :unit, :officer, :at)",
            "INSERT INTO deliveries (bulletin_id, group_id, dispatch_id, status, silent, attempts,"
            " message_id, created_at, updated_at, sent_at, round)"
            " VALUES (1, 1, 1, 'sent', FALSE, 1, 77, :at, :at, :at, 0)",
            "INSERT INTO acknowledgements (bulletin_id, group_id, pseudonym, pressed_at)"
            " VALUES (1, 1, 'ack', :at)",
            "INSERT INTO bulletin_drafts (telegram_id, unit_code, topic, body, updated_at)"
            " VALUES (:officer, 'TT', 'fire', 'Cháy', :at)",
            "INSERT INTO unit_schedules (unit_id, spec, set_by, set_at)"
            " VALUES (:unit, 'daily 07:00', :officer, :at)",
            "INSERT INTO tip_thread (id, tip_id, at, direction, staff_telegram_id, text, delivery)"
            " VALUES (1, :tip, :at, 'to_tipster', :officer, 'Ở đâu?', 'pending')",
            "INSERT INTO outbox (chat_id, relay_link, tip_id, payload, status, attempts,"
            " not_before, created_at, thread_entry_id, parts_sent) VALUES"
            " (:officer, NULL, :tip, '{\"text\": \"staff\"}', 'pending', 0, :at, :at, NULL, 0),"
            " (NULL, 'sealed-link', :tip, '{\"text\": \"q\"}', 'pending', 0, :at, :at, 1, 0)",
            "INSERT INTO sender_blocks (sender, until, tip_id, blocked_by, created_at)"
            " VALUES ('p1', :at, :tip, :officer, :at)",
            "INSERT INTO outcomes (tip_id, unit_id, kind, quantity, note, recorded_by,"
            " recorded_at) VALUES (:tip, :unit, 'cases', 1, '', :officer, :at)",
        ]
        for statement in statements:
            await conn.execute(_insert(statement), values)


async def _raw(db, sql: str) -> list[tuple]:
    async with db.reading() as conn:
        return [tuple(row) for row in await conn.execute(text(sql))]


async def test_migration_0010_turns_telegram_ids_into_addresses_and_back(db, clock):
    await Directory(db).sync_from_config([Unit("DT", "Tỉnh", None), Unit("TT", "Xã", "DT")],
                                         [], clock.now())
    await _migrate(db, "downgrade", "0009")
    assert await current_revision(db) == "0009"
    await _rows_of_0009(db, clock)

    await _migrate(db, "upgrade", "head")
    assert await current_revision(db) == head_revision()
    directory = Directory(db)
    await directory.reload()
    async with db.reading() as conn:
        group = await group_store.find_group(conn, telegram(GROUP))
        history = await group_store.member_count_history(conn, telegram(GROUP))
        audit = await entries_for(conn, f"group:telegram:{GROUP}")
        staff_audit = await entries_for(conn, f"staff:telegram:{EDITOR}")
        bulletin = await bulletin_store.find_bulletin(conn, 1)
        dispatch = await deliveries.find_dispatch(conn, 1)
        copy = await deliveries.delivered_message(conn, 1, telegram(GROUP))
        draft = await bulletin_drafts.load_draft(conn, telegram(OFFICER))
        question = await tip_store.question_of(conn, 1)
        due = await outbox.due_rows(conn, clock.now())
        set_by = (await conn.execute(text("SELECT set_by FROM unit_schedules"))).scalar()
        blocked_by = (await conn.execute(text("SELECT blocked_by FROM sender_blocks"))).scalar()
        recorded_by = (await conn.execute(text("SELECT recorded_by FROM outcomes"))).scalar()
        registered_by = (await conn.execute(text("SELECT registered_by FROM groups"))).scalar()
    assert group is not None and group.unit_code == "TT" and group.status == "active"
    assert [members for _, members in history] == [12]  # the rebuilt groups table kept them
    assert [(e.action, e.actor) for e in audit] == [("group.register", telegram(OFFICER))]
    assert [e.action for e in staff_audit] == ["staff.add"]
    assert directory.staff_member(telegram(EDITOR)).role.value == "editor"
    assert (bulletin.created_by, bulletin.approved_by) == (telegram(EDITOR), telegram(OFFICER))
    assert dispatch.requested_by == telegram(OFFICER)
    assert copy == (1, 77)
    assert draft is not None and draft.body == "Cháy"
    assert question.asked_by == telegram(OFFICER)
    assert [(row.address, row.relay_link, row.thread_entry_id) for row in due] == [
        (telegram(OFFICER), None, None), (None, "sealed-link", 1)]  # the link is left sealed
    assert {set_by, blocked_by, recorded_by, registered_by} == {f"telegram:{OFFICER}"}
    with pytest.raises(IntegrityError):  # still one row per address
        async with db.transaction() as conn:
            await conn.execute(groups.insert().values(
                address=telegram(GROUP), title="again", status="seen",
                created_at=clock.now(), updated_at=clock.now()))

    await _migrate(db, "downgrade", "0009")
    assert await _raw(db, "SELECT chat_id, registered_by FROM groups") == [(GROUP, OFFICER)]
    assert await _raw(db, "SELECT telegram_id, added_by FROM staff") == [(EDITOR, OFFICER)]
    assert await _raw(db, "SELECT actor_telegram_id, subject FROM audit_log ORDER BY id") == [
        (OFFICER, "group:-1001234"), (OFFICER, "staff:43"), (None, "tip:TIP-AAAAAA")]
    assert await _raw(db, "SELECT chat_id, thread_entry_id FROM outbox ORDER BY id") == [
        (OFFICER, None), (None, 1)]
    assert await _raw(db, "SELECT staff_telegram_id FROM tip_thread") == [(OFFICER,)]
    assert await _raw(db, "SELECT telegram_id FROM bulletin_drafts") == [(OFFICER,)]
    assert await _raw(db, "SELECT members FROM group_member_counts") == [(12,)]

    await _migrate(db, "upgrade", "head")
    async with db.reading() as conn:
        assert (await group_store.find_group(conn, telegram(GROUP))).unit_code == "TT"
        assert (await tip_store.question_of(conn, 1)).asked_by == telegram(OFFICER)


async def test_downgrade_refuses_while_an_address_of_another_channel_is_stored(db, clock):
    await Directory(db).sync_from_config([Unit("TT", "Xã", None)], [], clock.now())
    async with db.transaction() as conn:
        await group_store.note_group_seen(conn, Address("zalo_oa", "group:5f3a"), "Tổ Zalo",
                                          clock.now())
    with pytest.raises(RuntimeError, match=r"groups\.address"):
        await _migrate(db, "downgrade", "0009")
    assert await current_revision(db) == head_revision()
    async with db.reading() as conn:
        assert (await conn.execute(select(tip_thread.c.staff_address))).all() == []
        assert await group_store.find_group(conn, Address("zalo_oa", "group:5f3a")) is not None
