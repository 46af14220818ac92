"""``python -m bot report`` (SPEC §8, §12): JSON and CSV of the same figures as ``/stats``, the
root unit by default, and one clear line on standard error for anything it cannot do. XLSX and
DOCX: tests/unit/test_report_exports_cli.py."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.cli import main
from bot.config import load_config
from bot.runtime import prepare_storage
from bot.storage_failure import storage_failure_message
from storage.tip_records import Assessment
from tests.conftest import CONFIG_STAFF_IDS, PG_URL, UNITS_AND_STAFF
from tests.stats_seed import add_groups, file_tip, local, record_outcome, send_bulletin

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
    assert document["groups"] == {"count": 3, "members": 49,
                                  "by_channel": {"telegram": {"count": 3, "members": 49}}}
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
    assert main(["db", "upgrade", "--config", str(path)], ENV) == 0
    capsys.readouterr()
    assert main(["report", "--config", str(path), "--period", "2026-13"], ENV) == 2
    error = capsys.readouterr()
    # The reason is in the config's language (vi), whole: no English from the period parser.
    assert error.out == "" and "2026-13" in error.err and "không có tháng 13" in error.err
    assert "does not exist" not in error.err
    assert main(["report", "--config", str(path), "--period", "2026", "--unit", "HN"], ENV) == 2
    error = capsys.readouterr()
    assert error.out == "" and "«HN»" in error.err and "TT-TANTHANH" in error.err


def test_several_roots_need_a_unit(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text(TWO_ROOTS.format(path=tmp_path / "bot.db"), encoding="utf-8")
    assert main(["db", "upgrade", "--config", str(path)], ENV) == 0
    assert main(["report", "--config", str(path), "--period", "2026"], ENV) == 2
    assert "DT, LS" in capsys.readouterr().err
    assert main(["report", "--config", str(path), "--period", "2026", "--unit", "LS"], ENV) == 0
    assert json.loads(capsys.readouterr().out)["unit"] == "LS"



# --- a database that is not there, and what standard error carries ----------------------------

@pytest.mark.parametrize("report_format", ["json", "docx"])
def test_report_against_a_database_that_does_not_exist_refuses_and_creates_nothing(
        write_config, tmp_path, monkeypatch, capsys, report_format):
    path = write_config()
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "data" / "bot.db"
    assert main(["report", "--config", str(path), "--period", "2026-03",
                 "--format", report_format], ENV) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith(f"Không có cơ sở dữ liệu {database}: ") and str(path) in out.err
    assert not database.exists() and not list(tmp_path.glob("report-*"))


def test_db_upgrade_then_report_say_nothing_of_alembic_on_standard_error(write_config, clock,
                                                                          capsys):
    path = write_config()
    assert main(["db", "upgrade", "--config", str(path)], ENV) == 0
    upgraded = capsys.readouterr()
    seed(path, clock)
    assert main(["report", "--config", str(path), "--period", "2026-03"], ENV) == 0
    reported = capsys.readouterr()
    assert json.loads(reported.out)["unit"] == "DT"
    for err in (upgraded.err, reported.err):
        assert "alembic" not in err and "Context impl" not in err, err
    # The bot's own line says the schema changed (the log records it); a report changes nothing.
    assert "database schema upgraded from an empty database to" in upgraded.err
    assert reported.err == ""


def _postgres_config(tmp_path, url: str):
    path = tmp_path / "config.toml"
    path.write_text(f'[bot]\nlanguage = "en"\n[storage]\nurl = "{url}"\n'
                    + UNITS_AND_STAFF.format(**CONFIG_STAFF_IDS), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [["report", "--period", "2026"], ["db", "upgrade"]])
def test_a_postgresql_server_that_does_not_answer_is_one_clear_line(tmp_path, capsys, command):
    path = _postgres_config(tmp_path, "postgresql+asyncpg://kna@127.0.0.1:1/kna")
    assert main([*command, "--config", str(path)], ENV) == 1
    err = capsys.readouterr().err
    assert err == ("The database server 127.0.0.1:1 does not answer; check that it is running "
                   "and the address in storage.url.\n")


def test_a_missing_postgresql_database_and_a_refused_login_are_named(tmp_path):
    config = load_config(_postgres_config(
        tmp_path, "postgresql+asyncpg://kna@db.example:5433/nope"), ENV, need_token=False)
    missing = asyncpg.exceptions.InvalidCatalogNameError('database "nope" does not exist')
    assert storage_failure_message(config, missing) == (
        f"The PostgreSQL server db.example:5433 has no database «nope»; create it (createdb "
        f"nope) or fix storage.url in {config.path}.")
    refused = asyncpg.exceptions.InvalidPasswordError("password authentication failed")
    assert "refused the login of «kna»" in storage_failure_message(config, refused)


@pytest.mark.postgresql
@pytest.mark.parametrize("command", [["report", "--period", "2026"], ["db", "upgrade"]])
def test_a_postgresql_database_that_does_not_exist_is_named_not_a_traceback(tmp_path, capsys,
                                                                             command):
    name = f"kna_missing_{uuid.uuid4().hex[:8]}"
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    assert main([*command, "--config", str(_postgres_config(tmp_path, url))], ENV) == 1
    err = capsys.readouterr().err
    assert f"has no database «{name}»; create it (createdb {name})" in err
    assert "Traceback" not in err
