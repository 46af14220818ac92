"""``python -m bot backup``'s refusals (SPEC §14): one line on standard error naming what to do,
in the config's language, and a non-zero exit status."""

from __future__ import annotations

import sqlite3

from bot.backup_command import run_backup, run_restore
from bot.config import load_config
from storage.backup import write_backup

ENV = {"BOT_TOKEN": "123:abc"}
PG_URL = "postgresql+asyncpg://ketnoi@127.0.0.1:5432/ketnoi"


async def test_without_pg_dump_the_message_names_what_to_install(write_config, tmp_path,
                                                                 monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no pg_dump on it
    config = load_config(write_config(storage_url=PG_URL), ENV)
    status = await run_backup(config, tmp_path / "out.backup", {})
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert err.count("\n") == 1
    assert "pg_dump" in err and "postgresql-client" in err
    assert not (tmp_path / "out.backup").exists()


async def test_the_backup_of_a_missing_sqlite_file_is_refused_and_not_created(write_config,
                                                                              tmp_path, capsys):
    config = load_config(write_config(), ENV)
    status = await run_backup(config, tmp_path / "out.backup", {})
    _, err = capsys.readouterr()
    assert status == 1 and "không tồn tại" in err
    assert not (tmp_path / "data" / "bot.db").exists()
    assert not any(tmp_path.glob("*.backup")) and not any(tmp_path.glob(".*partial"))


async def test_a_sqlite_backup_restores_into_an_empty_file_and_says_the_key_is_needed(
        write_config, tmp_path, capsys):
    database = tmp_path / "data" / "bot.db"
    database.parent.mkdir()
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('một')")
    backup = tmp_path / "b" / "bot.backup"
    written = write_backup(f"sqlite+aiosqlite:///{database}", backup)
    assert written.kind == "sqlite" and written.size == backup.stat().st_size
    other = tmp_path / "other"
    other.mkdir()
    config = load_config(write_config(storage_url=f"sqlite+aiosqlite:///{other / 'x.db'}"),
                         {**ENV, "BOT_SECRET_KEY": "k" * 40})
    assert await run_restore(config, backup, force=False, environ={"BOT_SECRET_KEY": "k"}) == 0
    out, _ = capsys.readouterr()
    assert "BOT_SECRET_KEY" in out
    with sqlite3.connect(other / "x.db") as conn:
        assert conn.execute("SELECT body FROM notes").fetchall() == [("một",)]
    assert await run_restore(config, backup, force=False, environ={}) == 1
    assert "--force" in capsys.readouterr().err

