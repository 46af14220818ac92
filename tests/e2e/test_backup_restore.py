"""``python -m bot backup`` while the bot runs and ``python -m bot restore`` into an empty
database give back the same rows, on SQLite and on PostgreSQL (SPEC §14); a restore over a
database in use needs ``--force``, and never runs under a live bot on a SQLite file."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, table

from storage.db import open_database
from tests.conftest import POSTGRESQL
from tests.e2e.conftest import write_e2e_config
from tests.e2e.ops_process import bot_process, run_cli
from tests.e2e.tip_steps import file_guided_tip
from tests.fresh_database import fresh_pg_database

PG_DUMP_MISSING = ("pg_dump is not on PATH: install the PostgreSQL client tools "
                   "(postgresql-client) to run the PostgreSQL backup round trip")


@pytest.fixture(params=["sqlite", pytest.param(POSTGRESQL, marks=pytest.mark.postgresql)])
async def two_databases(request, tmp_path) -> AsyncIterator[tuple[str | None, str | None]]:
    """The bot's database and an empty one to restore into: two SQLite files (None: the
    default file of each config's folder), or two fresh PostgreSQL databases."""
    if request.param == "sqlite":
        yield None, None
        return
    if shutil.which("pg_dump") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the PostgreSQL backup round trip: " + PG_DUMP_MISSING)
        pytest.skip(PG_DUMP_MISSING)
    async with fresh_pg_database() as first, fresh_pg_database() as second:
        yield first, second


def _url(folder: Path, storage_url: str | None) -> str:
    return storage_url or f"sqlite+aiosqlite:///{folder / 'data' / 'bot.db'}"


async def row_counts(storage_url: str) -> dict[str, int]:
    db = open_database(storage_url)
    try:
        async with db.reading() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            return {name: (await conn.execute(select(func.count()).select_from(table(name))))
                    .scalar_one() for name in sorted(names)}
    finally:
        await db.close()


async def test_backup_while_running_restores_to_the_same_rows(fake, people, tmp_path,
                                                              two_databases):
    source_url, target_url = two_databases
    source_dir, target_dir = tmp_path / "source", tmp_path / "target"
    source_dir.mkdir()
    target_dir.mkdir()
    source_config = write_e2e_config(source_dir, fake, people, source_url)
    target_config = write_e2e_config(target_dir, fake, people, target_url)
    backup = tmp_path / "backups" / "kna.backup"
    async with bot_process(source_config, fake.token, source_dir) as bot:
        await fake.wait_for_call("getUpdates", timeout=30)
        await file_guided_tip(fake, people.resident)
        status, out, err = await run_cli(fake.token, tmp_path, "backup", "--out", str(backup),
                                         "--config", str(source_config))
        assert status == 0, err
        assert str(backup) in out and "KHÔNG nằm trong bản sao lưu" in out
        if source_url is None:  # a live bot on the file: no restore under it
            status, out, err = await run_cli(fake.token, tmp_path, "restore", str(backup),
                                             "--force", "--config", str(source_config))
            assert status == 1 and f"pid {bot.process.pid}" in err, err
        assert await bot.stop() == 0, bot.log()[-3000:]
    expected = await row_counts(_url(source_dir, source_url))
    assert expected["tips"] == 1 and expected["units"] > 0

    status, out, err = await run_cli(fake.token, tmp_path, "restore", str(backup),
                                     "--config", str(target_config))
    assert status == 0, err
    assert "khóa bí mật" in out
    assert await row_counts(_url(target_dir, target_url)) == expected

    status, out, err = await run_cli(fake.token, tmp_path, "restore", str(backup),
                                     "--config", str(target_config))
    assert status == 1 and "--force" in err and out == ""
    status, out, err = await run_cli(fake.token, tmp_path, "restore", str(backup), "--force",
                                     "--config", str(target_config))
    assert status == 0, err
    assert await row_counts(_url(target_dir, target_url)) == expected


async def test_restore_refuses_a_file_that_is_not_a_backup(fake, people, tmp_path):
    config = write_e2e_config(tmp_path, fake, people)
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("không phải bản sao lưu", encoding="utf-8")
    status, _, err = await run_cli(fake.token, tmp_path, "restore", str(not_a_backup),
                                   "--config", str(config))
    assert status == 1 and "không phải là bản sao lưu" in err
    status, _, err = await run_cli(fake.token, tmp_path, "restore", str(tmp_path / "none"),
                                   "--config", str(config))
    assert status == 1 and "không tồn tại" in err
    assert not (tmp_path / "data" / "bot.db").exists()
