"""Settings come from the environment, and production refuses an unsafe start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = start(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_refuses_a_weak_secret_key_when_debug_is_off():
    result = start(DEBUG="0", SECRET_KEY="short")
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_starts_with_a_real_key(tmp_path):
    result = start(DEBUG="0", SECRET_KEY="x" * 50, NEWSARCHIVE_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_development_mode_needs_no_key(tmp_path):
    result = start(DEBUG="1", NEWSARCHIVE_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
