"""Start-up footprint: what a restart with a current schema loads (issue 19: RSS after start,
time to the first getUpdates). Figures are printed by ``bench/memory.py`` and
``bench/start_time.py``; these tests pin the causes, each in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from storage.migrate import head_revision, newest_revision_in_files

REPO = Path(__file__).resolve().parents[2]


def _loaded_after(code: str) -> set[str]:
    script = code + "\nimport sys\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_the_newest_revision_read_from_the_files_is_alembics_head() -> None:
    assert newest_revision_in_files() is not None
    assert newest_revision_in_files() == head_revision()


def test_importing_the_bot_loads_neither_alembic_nor_asyncpg_nor_the_emulators() -> None:
    loaded = _loaded_after("import bot.cli")
    assert "alembic" not in loaded
    assert "asyncpg" not in loaded  # SQLite deployments never need the PostgreSQL driver
    assert "emulators" not in loaded  # only the offline shell (python -m bot shell) uses them


def test_a_current_schema_is_not_migrated_again_so_alembic_stays_unloaded(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    upgrade = ("import asyncio\nfrom storage.db import open_database\n"
               "from storage.migrate import upgrade_to_head\n"
               "async def main():\n"
               f"    db = open_database({url!r}, timezone='Asia/Ho_Chi_Minh')\n"
               "    await upgrade_to_head(db)\n"
               "    await db.close()\n"
               "asyncio.run(main())")
    assert "alembic" in _loaded_after(upgrade)  # an empty database: every migration runs
    assert "alembic" not in _loaded_after(upgrade)  # current now: one query, no Alembic
