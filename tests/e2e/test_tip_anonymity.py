"""SPEC §3.1–3.3 proved on a real run: no tipster identifier in the database file (and its WAL),
in the DEBUG log, or in anything sent to staff; copies, never forwards; keyed pseudonyms."""

from __future__ import annotations

import io
import json
import os
import stat
import struct
from pathlib import Path

from sqlalchemy import select, text

from channels.telegram_addresses import chat_id_of
from storage.tips_tables import tips
from tests.e2e.tip_steps import CODE, file_guided_tip, say
from tips.anonymity import Anonymizer


def identifiers_of(user) -> list[bytes]:
    """Every form in which the tipster's identity could be written down."""
    forms = [str(user.id).encode(), user.first_name.encode(), user.username.encode(),
             user.last_name.encode()]
    # SQLite and PostgreSQL keep integers in binary: big-endian in SQLite's records.
    forms += [struct.pack(">q", user.id), struct.pack(">i", user.id & 0x7FFFFFFF)]
    forms.append(struct.pack("<q", user.id))
    return forms


def database_files(harness) -> list[Path]:
    data = harness.config_path.parent / "data"
    return [p for p in data.iterdir() if p.name.startswith("bot.db")]


async def assert_no_identifier_in_any_table(harness, user) -> None:
    """PostgreSQL: every value of every table, as the database returns it."""
    texts = [form.decode() for form in identifiers_of(user)[:4]]
    async with harness.bot.services.db.reading() as conn:
        names = (await conn.execute(text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema()"))).scalars().all()
        assert "tips" in names and "tip_items" in names
        seen = 0
        for name in names:
            for row in await conn.execute(text(f'SELECT * FROM "{name}"')):
                for value in row:
                    seen += 1
                    assert value != user.id, name
                    shown = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                    assert not any(form in shown for form in texts), (name, value)
    assert seen > 0


async def test_no_tipster_identifier_is_stored_logged_or_shown(harness):
    fake, people = harness.fake, harness.people
    resident = people.resident
    code = await file_guided_tip(fake, resident, texts=("Có kẻ lạ đêm qua",), photo=True)
    await fake.wait_for_message(people.officer.id, lambda m: code in m.get("text", ""))
    await say(fake, people.officer, f"/reply {code} Mấy giờ?")
    await fake.wait_for_message(resident.id, lambda m: "Mấy giờ?" in m.get("text", ""))
    await say(fake, resident, f"/reply {code} Khoảng 23 giờ")
    await fake.wait_for_message(people.officer.id, lambda m: "23 giờ" in m.get("text", ""))
    await say(fake, people.officer, f"/status {code}")
    if harness.bot.services.db.dialect == "sqlite":
        files = database_files(harness)
        assert any(p.name == "bot.db-wal" for p in files)  # the WAL really is checked
        for path in files:
            content = path.read_bytes()
            for form in identifiers_of(resident):
                assert form not in content, (path.name, form)
    else:
        await assert_no_identifier_in_any_table(harness, resident)
    logs = harness.logs.getvalue()
    assert code in logs or "getUpdates" in logs  # the log really captured this run
    for form in identifiers_of(resident)[:4]:
        assert form.decode() not in logs
    staff_chats = {people.officer.id, people.admin.id}
    to_staff = [m for m in fake.sent_messages() if m["chat"]["id"] in staff_chats]
    assert to_staff
    for message in to_staff:
        shown = repr(message)
        for form in identifiers_of(resident)[:4]:
            assert form.decode() not in shown
        assert "forward_origin" not in message
    assert fake.forwards == []
    assert not [c for c in fake.calls if c.method.lower() in ("forwardmessage", "forwardmessages")]


async def test_sender_is_a_keyed_pseudonym_and_the_key_file_is_private(harness):
    fake, resident = harness.fake, harness.people.resident
    code = await file_guided_tip(fake, resident)
    key_path = harness.config_path.parent / "data" / "secret.key"
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    key = key_path.read_bytes()
    assert len(key) == 32
    async with harness.bot.services.db.reading() as conn:
        row = (await conn.execute(select(tips.c.sender, tips.c.relay_link)
                                  .where(tips.c.code == code))).one()
    assert row.sender == Anonymizer(key).pseudonym_for(resident.id)
    assert row.sender != Anonymizer(b"k" * 32).pseudonym_for(resident.id)
    assert chat_id_of(Anonymizer(key).open_address(row.relay_link)) == resident.id
    assert Anonymizer(b"k" * 32).open_address(row.relay_link) is None


async def test_image_file_with_gps_is_refused_and_a_clean_one_accepted(harness):
    from tests.unit.test_exif import app1_exif, exif_tiff, jpeg

    fake, resident = harness.fake, harness.people.resident
    categories = await say(fake, resident, "/start tip_TT-BINHTHANH")
    from tests.e2e.tip_steps import next_reply, press

    await press(fake, resident, categories, "ti:c:theft")
    before = len(fake.sent_messages(resident.id))
    fake.send_document(resident, "IMG_2041.jpg", jpeg(app1_exif(exif_tiff(gps=True))),
                       "image/jpeg")
    refused = await next_reply(fake, resident.id, before)
    assert "GPS" in refused["text"]
    before = len(fake.sent_messages(resident.id))
    clean_image = jpeg(app1_exif(exif_tiff(gps=False)))
    fake.send_document(resident, "IMG_2042.jpg", clean_image, "image/jpeg")
    await next_reply(fake, resident.id, before + 1)
    copy, accepted = fake.sent_messages(resident.id)[before:before + 2]
    # Accepted as a copy without its name or its EXIF, which the tipster is shown and told of.
    assert copy["document"]["file_name"] == "tin-bao.jpg"
    stored = fake.world.files[copy["document"]["file_id"]].data
    assert b"Exif" in clean_image and b"Exif" not in stored
    assert "«tin-bao.jpg»" in accepted["text"] and "/huy" in accepted["text"]
    assert "IMG_2042" not in accepted["text"]


def office_file(author: str) -> bytes:
    """A minimal .docx whose properties name its author, as Word writes them."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document>Biển số 66B1-23456</w:document>")
        docx.writestr("docProps/core.xml", f"<cp:coreProperties><dc:creator>{author}"
                                           f"</dc:creator></cp:coreProperties>")
        docx.writestr("docProps/app.xml", "<Properties><Company>Nhà Tư Nhân</Company>"
                                          "</Properties>")
    return out.getvalue()


async def send_file_in_flow(fake, resident, category: str, send) -> tuple[dict, dict]:
    """A tip opened for TT-TANTHANH in ``category``, one file sent with ``send()``: the copy the
    bot shows the tipster, and its confirmation."""
    from tests.e2e.tip_steps import next_reply, press

    categories = await say(fake, resident, "/start tip_TT-TANTHANH")
    await press(fake, resident, categories, f"ti:c:{category}")
    before = len(fake.sent_messages(resident.id))
    send()
    await next_reply(fake, resident.id, before + 1)
    copy, added = fake.sent_messages(resident.id)[before:before + 2]
    return copy, added


def staff_view(fake, people) -> str:
    return " ".join(json.dumps(m, ensure_ascii=False) for m in fake.sent_messages()
                    if m["chat"]["id"] in {people.officer.id, people.admin.id})


async def test_a_document_reaches_officers_renamed_and_without_its_author(harness):
    import zipfile

    from tests.e2e.tip_steps import press

    fake, people = harness.fake, harness.people
    resident = people.resident
    copy, added = await send_file_in_flow(fake, resident, "theft", lambda: fake.send_document(
        resident, "To cao - Nguyen Van Tu.docx", office_file("Nguyễn Văn Tư"),
        caption="Xe lạ đậu nhiều đêm"))
    assert copy["document"]["file_name"] == "tin-bao.docx"
    receipt = await press(fake, resident, added, "ti:s")
    code = CODE.search(receipt["text"]).group(0)
    notice = await fake.wait_for_message(people.officer.id, lambda m: "document" in m)
    sent = fake.world.files[notice["document"]["file_id"]]
    assert notice["document"]["file_id"] == copy["document"]["file_id"]
    assert sent.file_name == "tin-bao.docx"
    with zipfile.ZipFile(io.BytesIO(sent.data)) as docx:
        assert "66B1-23456" in docx.read("word/document.xml").decode()
        properties = docx.read("docProps/core.xml") + docx.read("docProps/app.xml")
    for trace in ("Nguyễn Văn Tư".encode(), "Nhà Tư Nhân".encode()):
        assert trace not in properties and trace not in sent.data
    seen_by_staff = staff_view(fake, people)
    assert "Nguyen Van Tu" not in seen_by_staff and code in seen_by_staff
    logs = harness.logs.getvalue()
    assert "tin-bao.docx" in logs or "sendDocument" in logs  # the log really captured this run
    assert "Nguyen Van Tu" not in logs


async def test_start_refuses_when_the_key_file_vanished_while_tips_exist(harness):
    import pytest

    from bot.config import load_config
    from bot.runtime import start_bot
    from bot.secret_key import SecretKeyError

    fake, resident = harness.fake, harness.people.resident
    code = await file_guided_tip(fake, resident)
    await harness.bot.stop()
    key_path = harness.config_path.parent / "data" / "secret.key"
    saved = key_path.read_bytes()
    key_path.unlink()
    config = load_config(harness.config_path, {"BOT_TOKEN": fake.token})
    with pytest.raises(SecretKeyError) as caught:
        await start_bot(config, fake.token, harness.clock, poll_timeout=1, environ={})
    assert caught.value.message_key == "secret.file_missing"
    assert not key_path.exists()  # no new key was made over the old tips
    key_path.write_bytes(saved)
    await harness.restart()
    status = await say(fake, resident, f"/status {code}")
    assert code in status["text"]


async def test_start_refuses_a_changed_key_while_tips_exist_and_says_how_to_fix_it(harness):
    import pytest

    from bot.config import load_config
    from bot.runtime import start_bot
    from bot.secret_key import SecretKeyError
    from core.i18n import t
    from storage.tips_tables import secret_key_fingerprint

    fake, resident = harness.fake, harness.people.resident
    code = await file_guided_tip(fake, resident)
    key_path = harness.config_path.parent / "data" / "secret.key"
    saved = key_path.read_bytes()
    async with harness.bot.services.db.reading() as conn:
        stored = (await conn.execute(select(secret_key_fingerprint.c.fingerprint))).scalars().all()
    assert stored == [Anonymizer(saved).key_fingerprint]
    assert saved.hex() not in stored[0] and stored[0] != Anonymizer(b"k" * 32).key_fingerprint
    await harness.bot.stop()
    config = load_config(harness.config_path, {"BOT_TOKEN": fake.token})
    key_path.write_bytes(os.urandom(32))  # another key file restored by mistake
    with pytest.raises(SecretKeyError) as in_file:
        await start_bot(config, fake.token, harness.clock, poll_timeout=1, environ={})
    message = t("vi", in_file.value.message_key, **in_file.value.params)
    assert str(key_path) in message and "BOT_SECRET_KEY" in message
    with pytest.raises(SecretKeyError) as in_variable:
        await start_bot(config, fake.token, harness.clock, poll_timeout=1,
                        environ={"BOT_SECRET_KEY": "another key of at least 32 bytes....."})
    assert "BOT_SECRET_KEY" in t("en", in_variable.value.message_key,
                                 **in_variable.value.params)
    key_path.write_bytes(saved)
    await harness.restart()
    assert code in (await say(fake, resident, f"/status {code}"))["text"]


async def test_privacy_says_what_is_kept_for_how_long_and_what_documents_carry(harness):
    from tips.abandoned_drafts import ABANDONED_DRAFT_DAYS

    fake = harness.fake
    answer = (await say(fake, harness.people.resident, "/baomat"))["text"]
    assert "30 ngày sau khi tin báo kết thúc" in answer  # tips.followup_days (default 30)
    assert f"sau {ABANDONED_DRAFT_DAYS} ngày" in answer
    assert "tên tác giả" in answer and "KHÔNG BAO GIỜ" in answer
    assert (await say(fake, fake.user("Người Khác"), "/privacy"))["text"] == answer


async def test_an_audio_file_reaches_officers_as_a_renamed_document(harness):
    from tests.e2e.tip_steps import press

    fake, people = harness.fake, harness.people
    resident = people.resident
    copy, added = await send_file_in_flow(fake, resident, "drugs", lambda: fake.send_audio(
        resident, "Ghi am - Tran Thi Nga.mp3", b"ID3\x03fake-recording",
        performer="Trần Thị Nga", title="Nhà bà Nga"))
    assert copy["document"]["file_name"] == "tin-bao.mp3" and "audio" not in copy
    assert "«tin-bao.mp3»" in added["text"] and "/huy" in added["text"]
    await press(fake, resident, added, "ti:s")
    notice = await fake.wait_for_message(people.officer.id, lambda m: "document" in m)
    assert notice["document"]["file_id"] == copy["document"]["file_id"]
    seen_by_staff = staff_view(fake, people)
    for trace in ("Tran Thi Nga", "Trần Thị Nga", "Nhà bà Nga"):
        assert trace not in seen_by_staff
