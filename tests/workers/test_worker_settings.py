"""The worker's settings are built from what the CLI hands them, never at import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_worker_module_reads_neither_environment_nor_config(tmp_path: Path) -> None:
    env = {**os.environ, "BOT_CONFIG_DIR": str(tmp_path / "missing"), "BOT_JOB_TIMEOUT": "not a number"}
    result = subprocess.run(
        [sys.executable, "-c", "import workers.settings"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_a_worker_with_a_broken_config_says_so_and_exits(tmp_path: Path) -> None:
    env = {**os.environ, "BOT_CONFIG_DIR": str(tmp_path / "missing"), "BOT_REDIS_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "worker"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "configuration error" in result.stderr
