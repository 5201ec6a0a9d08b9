"""Whoosh lets one process write at a time. Editors saving articles in several worker
processes while a bulk import runs must lose no index update and see no lock error."""

import time

import pytest

from tests.faults.conftest import write_documents

pytestmark = pytest.mark.slow

EDITORS = 4
DOCUMENTS = 120
DEADLINE = 120  # seconds; the whole test takes a fraction of this


def test_editors_and_an_import_at_once_lose_no_index_update(site):
    assert site.manage("shell", "-c", "pass").returncode == 0
    desk = site.start(site.newsroom("desk", "12"), "desk")
    assert desk.wait(timeout=DEADLINE) == 0, site.logs()["desk"]
    write_documents(site.root / "documents", DOCUMENTS)
    stop = site.root / "stop"

    editors = [
        site.start(site.newsroom("edit", str(n), str(stop)), f"editor-{n}")
        for n in range(1, EDITORS + 1)
    ]
    importer = site.start(
        site.command("import_articles", str(site.root / "documents"), "--no-progress"), "import"
    )
    try:
        assert importer.wait(timeout=DEADLINE) == 0, site.logs()["import"]
        # The editors went on through the whole import, its index writes at the end included.
        assert all(editor.poll() is None for editor in editors), site.logs()
    finally:
        stop.touch()
        deadline = time.monotonic() + DEADLINE
        for editor in editors:
            editor.wait(timeout=max(deadline - time.monotonic(), 1))
    assert [editor.returncode for editor in editors] == [0] * EDITORS, site.logs()
    assert not site.faults_in_logs()

    (imported,) = site.rows("SELECT count(*) FROM articles_article WHERE title LIKE 'Harbour%'")
    assert imported == (DOCUMENTS,)
    verified = site.start(site.newsroom("verify"), "verify")
    assert verified.wait(timeout=DEADLINE) == 0
    assert site.logs()["verify"] == ""
    checked = site.manage("check_index")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "missing: 0" in checked.stdout and "stale: 0" in checked.stdout
