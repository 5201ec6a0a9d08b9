"""An import killed midway (SIGKILL: no cleanup runs) and run again stores every document
exactly once and leaves the search index in step with the database."""

import os
import signal
import time

import pytest

from tests.faults.conftest import write_documents

pytestmark = pytest.mark.slow

DOCUMENTS = 200
KILL_AFTER = 40  # articles stored


def wait_for_articles(site, process, count: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        ((stored,),) = site.rows("SELECT count(*) FROM articles_article")
        if stored >= count:
            return stored
        time.sleep(0.02)
    raise AssertionError(f"the import stored fewer than {count} articles: {site.logs()}")


def test_an_import_killed_midway_and_run_again_loses_and_doubles_nothing(site):
    documents = write_documents(site.root / "documents", DOCUMENTS)
    command = site.command("import_articles", str(site.root / "documents"), "--no-progress")

    # Batches of ten, so that the kill falls between commits of one run, not after the end.
    first = site.start(command, "killed-import", {**site.env, "IMPORT_BATCH_SIZE": "10"})
    wait_for_articles(site, first, KILL_AFTER)
    os.kill(first.pid, signal.SIGKILL)
    assert first.wait(timeout=30) == -signal.SIGKILL
    ((stored,),) = site.rows("SELECT count(*) FROM articles_article")
    assert KILL_AFTER <= stored < DOCUMENTS  # killed midway, not after the end

    again = site.manage("import_articles", str(site.root / "documents"), "--no-progress")
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{DOCUMENTS - stored} imported" in again.stdout or stored == DOCUMENTS

    rows = site.rows(
        "SELECT count(*), count(DISTINCT checksum), count(DISTINCT title) FROM articles_article"
    )
    assert rows == [(DOCUMENTS, DOCUMENTS, DOCUMENTS)]
    names = {name for (name,) in site.rows("SELECT source_name FROM articles_article")}
    assert names == {path.name for path in documents}

    checked = site.manage("check_index")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    once_more = site.manage("import_articles", str(site.root / "documents"), "--no-progress")
    assert f"0 imported, 0 updated, {DOCUMENTS} skipped" in once_more.stdout
