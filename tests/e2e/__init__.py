"""End-to-end tests: a real Chromium (Debian's, never a downloaded one) against a live server.

Every module here starts with ``skip_unless_browser()``: without Chromium or the playwright
package the whole package is skipped, with the reason in the summary.
"""

import os
import shutil
from pathlib import Path

import pytest

# Debian's chromium; CHROMIUM=/path/to/chromium points the tests at another build.
CHROMIUM = Path(os.environ.get("CHROMIUM") or "/usr/bin/chromium")


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        found = shutil.which("chromium")
        hint = f" (a chromium is on PATH at {found}: set CHROMIUM={found})" if found else ""
        return (
            f"browser tests need Debian's chromium at {CHROMIUM}{hint}; "
            "install it with `apt-get install chromium`"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need the playwright package: pip install -r requirements.txt"
    return None


def skip_unless_browser() -> None:
    reason = missing_browser()
    if reason:
        pytest.skip(reason, allow_module_level=True)
