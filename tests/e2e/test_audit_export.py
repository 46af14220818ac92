"""The audit log read back (issue 20 item 5): ``python -m bot audit`` as a real process on a
database where an officer acted on a tip, and the actions in an officer's ``/status``."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import sys
from pathlib import Path

from sqlalchemy import select

from storage.tips_tables import tips
from tests.e2e.conftest import write_e2e_config
from tests.e2e.tip_steps import button_data, file_guided_tip, press, say

REPO = Path(__file__).resolve().parents[2]


async def audit(config: Path, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "audit", "--config", str(config), *args,
        cwd=config.parent, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, out.decode("utf-8"), err.decode("utf-8")


async def officer_acts_on_a_tip(harness) -> str:
    """A tip filed, assessed valuable and asked about: three acts in the audit log."""
    fake, people = harness.fake, harness.people
    code = await file_guided_tip(fake, people.resident)
    notice = await fake.wait_for_message(
        people.officer.id, lambda m: code in m.get("text", "") and "reply_markup" in m)
    await press(fake, people.officer, notice, button_data(notice, "tt:v:")[0],
                expect_reply=False)
    await say(fake, people.officer, f"/reply {code} Xe màu gì?")
    await harness.settle()
    return code


async def test_the_export_names_who_did_what_and_never_the_tipster(harness):
    code = await officer_acts_on_a_tip(harness)
    config, officer = harness.config_path, harness.people.officer
    async with harness.bot.services.db.reading() as conn:
        sender, link = (await conn.execute(
            select(tips.c.sender, tips.c.relay_link).where(tips.c.code == code))).one()

    status, out, err = await audit(config, "--format", "csv")
    assert status == 0, err
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["subject"] == f"tip:{code}"]
    assert [(r["action"], r["actor"], r["actor_role"], r["unit"]) for r in rows] == [
        ("tip.assess", f"telegram:{officer.id}", "officer", "TT-TANTHANH"),
        ("tip.ask", f"telegram:{officer.id}", "officer", "TT-TANTHANH")]
    assert rows[0]["detail"] == "valuable" and rows[0]["action_text"] == "đánh giá tin báo"
    assert rows[0]["at"].startswith("2026-03-05T08:00") and rows[0]["at"].endswith("+07:00")

    status, out_json, err = await audit(config, "--format", "json", "--unit", "tt-tanthanh",
                                        "--since", "05/03/2026", "--until", "2026-03-05")
    assert status == 0, err
    assert [(r["action"], r["subject"]) for r in json.loads(out_json)] == [
        ("tip.assess", f"tip:{code}"), ("tip.ask", f"tip:{code}")]
    for text in (out, out_json):
        assert sender not in text and str(harness.people.resident.id) not in text
        assert link is None or link not in text

    status, other, err = await audit(config, "--format", "json", "--unit", "TT-BINHTHANH")
    assert (status, json.loads(other)) == (0, [])
    status, later, err = await audit(config, "--format", "csv", "--since", "06/03/2026")
    assert status == 0 and later.splitlines()[1:] == []

    written = config.parent / "audit.csv"
    status, out, err = await audit(config, "--format", "csv", "--out", str(written))
    assert status == 0 and str(written) in out
    assert f"tip:{code}" in written.read_text(encoding="utf-8")


async def test_bad_arguments_are_refused_with_the_reason(harness):
    config = harness.config_path
    status, out, err = await audit(config, "--format", "csv", "--since", "31/02/2026")
    assert (status, out) == (2, "") and "31/02/2026" in err and "dd/mm/yyyy" in err
    status, out, err = await audit(config, "--format", "csv", "--until", "hôm qua")
    assert status == 2 and "hôm qua" in err
    status, out, err = await audit(config, "--format", "json", "--unit", "NOWHERE")
    assert status == 2 and "NOWHERE" in err and "TT-TANTHANH" in err
    status, out, err = await audit(config, "--format", "json", "--since", "06/03/2026",
                                   "--until", "05/03/2026")
    assert status == 2 and "--until" in err


async def test_a_missing_database_file_is_refused_not_created(fake, people, tmp_path):
    config = write_e2e_config(tmp_path, fake, people)
    status, out, err = await audit(config, "--format", "csv")
    assert status == 1 and out == "" and str(tmp_path / "data" / "bot.db") in err
    assert not (tmp_path / "data" / "bot.db").exists()


async def test_an_officers_status_shows_who_acted_and_the_tipsters_does_not(harness):
    code = await officer_acts_on_a_tip(harness)
    fake, people = harness.fake, harness.people
    staff_view = (await say(fake, people.officer, f"/status {code}"))["text"]
    assert "Thao tác:" in staff_view
    assert (f"05/03/2026 08:00 cán bộ công an {people.officer.id}: "
            "đánh giá tin báo: có giá trị") in staff_view
    assert f"cán bộ công an {people.officer.id}: hỏi người báo tin" in staff_view
    tipster_view = (await say(fake, people.resident, f"/status {code}"))["text"]
    assert "Thao tác:" not in tipster_view and str(people.officer.id) not in tipster_view
    assert "đánh giá tin báo" not in tipster_view
