"""Settings come from the environment, and production refuses an unsafe start."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET_KEY = re.search(
    r"^TEST_SECRET_KEY := (\S+)$", (ROOT / "Makefile").read_text(), re.M
).group(1)


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


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("short", "5 characters, fewer than 50"),
        ("x" * 49, "49 characters"),
        ("a" * 50, "only 1 distinct characters"),
        ("abcde" * 10, "only 5 distinct characters"),
        ("0123456789abcdefghij" * 3, "repeats '0123456789abcdefghij'"),
        ("django-insecure-" + secrets.token_urlsafe(50), "placeholder"),
        ("CHANGEME-" + secrets.token_urlsafe(50), "placeholder"),
    ],
)
def test_refuses_a_weak_secret_key_when_debug_is_off(key, reason):
    result = start(DEBUG="0", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr and reason in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr  # how to make a good one


@pytest.mark.parametrize(
    "key",
    [
        secrets.token_urlsafe(50),
        get_random_secret_key(),  # what `startproject` writes, without its prefix
        TEST_SECRET_KEY,  # `make test` runs with DEBUG off, as production does
    ],
)
def test_starts_with_a_real_key(key, tmp_path):
    result = start(DEBUG="0", SECRET_KEY=key, NEWSARCHIVE_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_development_mode_needs_no_key(tmp_path):
    result = start(DEBUG="1", NEWSARCHIVE_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
