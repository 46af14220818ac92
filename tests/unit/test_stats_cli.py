"""``python -m bot report`` (SPEC §8, §12): JSON and CSV of the same figures as ``/stats``, the
root unit by default, and one clear line on standard error for anything it cannot do. XLSX and
DOCX: tests/unit/test_report_exports_cli.py."""

from __future__ import annotations

import asyncio
import csv
import io
import json

from bot.cli import main
from bot.config import load_config
from bot.runtime import prepare_storage
from tests.stats_seed import add_groups, file_tip, local, record_outcome, send_bulletin
from tips.model import Assessment

ENV = {"LANG": "C"}
TWO_ROOTS = """
[bot]
language = "en"
[storage]
url = "sqlite+aiosqlite:///{path}"
[[units]]
code = "DT"
name = "Tỉnh Đồng Tháp"
[[units]]
code = "LS"
name = "Tỉnh Lạng Sơn"
[[staff]]
telegram_id = 900000001
role = "admin"
unit = "DT"
"""


def seed(path, clock) -> None:
    async def build() -> None:
        db, _ = await prepare_storage(load_config(path, ENV, need_token=False), clock)
        try:
            chats = await add_groups(db, "TT-TANTHANH", [12, 30], local(2026, 2, 1))
            await add_groups(db, "TT-BINHTHANH", [7], local(2026, 2, 1))
            await send_bulletin(db, "TT-TANTHANH", chats, local(2026, 3, 2))
            await file_tip(db, "TT-TANTHANH-A1", local(2026, 3, 3), category="drugs",
                           assessment=Assessment.VALUABLE)
            await file_tip(db, "TT-BINHTHANH", local(2026, 3, 3), category="theft")
            await record_outcome(db, "TT-TANTHANH", local(2026, 3, 4), {"persons": 2})
        finally:
            await db.close()

    asyncio.run(build())


def test_json_report_of_the_root_unit_goes_to_standard_output(write_config, clock, capsys):
    path = write_config()
    seed(path, clock)
    assert main(["report", "--config", str(path), "--period", "2026-03"], ENV) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["unit"] == "DT"
    assert document["period"] == {"from": "2026-03-01", "to": "2026-03-31", "label": "2026-03"}
    assert document["groups"] == {"count": 3, "members": 49}
    assert document["bulletins"]["sent"] == 1 and document["bulletins"]["deliveries"] == 2
    assert document["tips"]["received"] == 2 and document["tips"]["valuable"] == 1
    assert document["tips"]["by_category"]["fire"] == 0
    assert document["outcomes"] == {"cases": 0, "persons": 2, "knives": 0, "guns": 0,
                                    "stun_batons": 0}


def test_csv_report_of_a_commune_written_to_a_file(write_config, clock, tmp_path, capsys):
    path = write_config()
    seed(path, clock)
    out = tmp_path / "tan-thanh.csv"
    assert main(["report", "--config", str(path), "--period", "2026-Q1", "--unit",
                 "tt-tanthanh", "--format", "csv", "--out", str(out)], ENV) == 0
    assert str(out) in capsys.readouterr().out
    rows = dict(list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))[1:])
    assert rows["unit"] == "TT-TANTHANH" and rows["period.label"] == "2026-Q1"
    assert rows["groups.count"] == "2" and rows["tips.received"] == "1"
    assert rows["tips.by_category.theft"] == "0"


def test_bad_period_and_unknown_unit_exit_non_zero_with_the_reason(write_config, capsys):
    path = write_config()
    assert main(["report", "--config", str(path), "--period", "2026-13"], ENV) == 2
    error = capsys.readouterr()
    assert error.out == "" and "2026-13" in error.err and "month 13" in error.err
    assert main(["report", "--config", str(path), "--period", "2026", "--unit", "HN"], ENV) == 2
    error = capsys.readouterr()
    assert error.out == "" and "«HN»" in error.err and "TT-TANTHANH" in error.err


def test_several_roots_need_a_unit(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text(TWO_ROOTS.format(path=tmp_path / "bot.db"), encoding="utf-8")
    assert main(["report", "--config", str(path), "--period", "2026"], ENV) == 2
    assert "DT, LS" in capsys.readouterr().err
    assert main(["report", "--config", str(path), "--period", "2026", "--unit", "LS"], ENV) == 0
    assert json.loads(capsys.readouterr().out)["unit"] == "LS"

