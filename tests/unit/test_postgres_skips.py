"""SPEC §12: without PostgreSQL the PostgreSQL variants skip with a clear reason, and
``pytest -ra`` says so in one line, not one line per test (in CI they must run instead)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# A storage test file and an end-to-end one: both ways of running once per backend.
FILES = ["tests/storage/test_tips_storage.py", "tests/e2e/test_tips.py",
         "tests/unit/test_stats_cli.py"]


def _pytest(env_changes: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "CI")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-ra", "-q", "-p", "no:cacheprovider",
         "-k", "postgresql", *FILES],
        cwd=REPO, env={**env, **env_changes}, capture_output=True, text=True, timeout=300,
        check=False)


def test_postgresql_variants_skip_in_one_line_with_the_reason():
    run = _pytest({})
    assert run.returncode == 0, run.stdout[-3000:]
    skipped = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, skipped
    assert "TEST_DATABASE_URL is not set" in skipped[0] and ".ci/run" in skipped[0]
    # That one line counts every skip of the run.
    count = int(skipped[0].removeprefix("SKIPPED [").split("]")[0])
    assert count > len(FILES) and f" {count} skipped" in run.stdout.splitlines()[-1]


def test_in_ci_the_postgresql_variants_fail_instead_of_skipping():
    run = _pytest({"CI": "true"})
    assert run.returncode == 1
    assert "CI must run the PostgreSQL variants of the tests" in run.stdout
    assert "SKIPPED" not in run.stdout
