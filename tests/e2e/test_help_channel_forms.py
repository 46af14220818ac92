"""``/help`` end to end lists the Zalo OA forms (``/nhom zalo``, ``/dangky MÃ zalo:ID``, the
in-group ``/dangky``) and the SMS keywords to the roles that may use them, only where those
channels run."""

from __future__ import annotations

import pytest

from tests.e2e.test_groups_and_staff import reply_to
from tests.e2e.zalo_oa_harness import bot_with_zalo


@pytest.fixture
async def zharness(fake, people, tmp_path, clock, e2e_storage_url):
    async with bot_with_zalo(fake, people, tmp_path, clock, e2e_storage_url) as running:
        yield running


async def test_help_names_the_zalo_forms_to_staff_who_may_use_them(zharness):
    fake, people = zharness.fake, zharness.people
    officer_help = await reply_to(fake, people.officer, "/huongdan")
    assert "/nhom zalo — các nhóm Zalo của OA" in officer_help
    assert "/dangky MÃ_ĐƠN_VỊ zalo:ID_NHÓM — liên kết một nhóm Zalo OA" in officer_help
    assert "Trong nhóm Zalo OA: cán bộ đã có Zalo ID gõ /dangky MÃ_ĐƠN_VỊ" in officer_help
    assert "/sms (/tinnhan)" in officer_help
    assert "DK MÃ_ĐƠN_VỊ" not in officer_help  # no SMS gateway phone in this bot
    editor_help = await reply_to(fake, people.editor, "/help")
    assert "/nhom zalo" in editor_help and "zalo:ID_NHÓM" not in editor_help
    resident_help = await reply_to(fake, people.resident, "/help")
    assert "zalo" not in resident_help.lower()
    group = fake.group("Tổ 12", members=3)
    assert "/nhom zalo" not in await reply_to(fake, people.officer, "/help", chat=group)


async def test_help_without_zalo_names_no_zalo_form(harness):
    officer_help = await reply_to(harness.fake, harness.people.officer, "/help")
    assert "/sms (/tinnhan)" in officer_help
    assert "zalo" not in officer_help.lower()
