"""An import's records read in a second process (``reader_process.read_ahead``, issue 18): the
same records in the same order, skipped items reported to the import, a reader's failure
raised in the import, and no reader left behind."""

import datetime as dt
import gc
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.ingest.reader_process import read_ahead
from articles.ingest.record import ArticleRecord, reporting_skips, skip
from articles.models import Article

log = logging.getLogger(__name__)


def records(count: int, *, skip_every: int = 0, fail_at: int = -1):
    for n in range(count):
        if n == fail_at:
            raise ValueError(f"record {n} is damaged beyond reading")
        if skip_every and n % skip_every == 0:
            skip(log, f"notice-{n}", "no title or no body")
            continue
        yield ArticleRecord(
            title=f"Ferry notice {n}",
            body=f"The ferry changed its timetable for the {n}th time.",
            published=dt.date(2020, 1, 1),
            source_name=f"notice-{n}",
            authors=["Mira Sound"],
        )


def test_the_records_in_order_and_what_was_skipped_told_to_the_import():
    heard = []
    spent: dict = {}
    with reporting_skips(lambda source, reason: heard.append(source)):
        read = [r.source_name for r in read_ahead(records(450, skip_every=7), spent=spent)]
    assert read == [r.source_name for r in records(450, skip_every=7)]
    assert heard == [f"notice-{n}" for n in range(0, 450, 7)]
    assert spent["reader cpu"] > 0 and spent["reader peak"] > 0


def test_a_reader_that_fails_fails_the_import_as_reading_here_would():
    read = []
    with pytest.raises(ValueError, match="record 250 is damaged"):
        for record in read_ahead(records(400, fail_at=250)):
            read.append(record)
    assert len(read) == 200  # the whole batches sent before it failed


def test_stopping_early_leaves_no_reader_behind():
    stream = read_ahead(records(100_000))
    first = next(stream)
    stream.close()  # the import stopped asking (an error of its own)
    assert first.source_name == "notice-0"
    assert not [p for p in _children(os.getpid()) if _is_python(p)]


@pytest.mark.django_db
def test_the_command_reads_in_a_second_process_on_request_and_stores_the_same(
    tmp_path, search_index
):
    folder = tmp_path / "documents"
    folder.mkdir()
    for n in range(30):
        (folder / f"notice-{n}.txt").write_text(
            f"Ferry notice {n}\n\nThe ferry changed its timetable for the {n}th time.\n"
        )
    (folder / "empty.txt").write_text("")  # passed over by the reader: a failure
    for reading in ([], ["--read-ahead"]):
        Article.objects.all().delete()
        with pytest.raises(CommandError, match="1 document"):
            call_command(
                "import_articles", str(folder), "--no-progress", "--skip-entities", *reading
            )
        names = set(Article.objects.values_list("source_name", flat=True))
        assert names == {f"notice-{n}.txt" for n in range(30)}


def test_a_killed_import_leaves_no_reader_behind(tmp_path):
    # The import's process killed (SIGKILL: nothing of its own runs) while its reader is
    # ahead and waiting on the full queue: the reader notices and ends.
    script = tmp_path / "import.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        "import django\n"
        "django.setup()\n"
        "from tests.ingest.test_reader_process import records\n"
        "from articles.ingest.reader_process import read_ahead\n"
        "stream = read_ahead(records(100_000))\n"
        "next(stream)\n"
        "print('reading', flush=True)\n"
        "time.sleep(60)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsarchive.settings"}
    process = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout.readline().strip() == "reading"
        readers = _children(process.pid)
        assert readers  # the reading process, ahead and waiting
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in readers):
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in readers)
    finally:
        process.kill()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(child) for child in children]
    return found


def _is_python(pid: int) -> bool:
    try:
        return "python" in Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_reader_leaves_the_objects_it_was_forked_with_to_themselves():
    # The import's heap, inherited at the fork, is set aside from the reader's garbage
    # collector (``gc.freeze``); the import's own process is left as it was.
    def looked_at_in_the_reader():
        yield ArticleRecord(title=f"set aside: {gc.get_freeze_count() > 0}", body="Ferry.")

    frozen_here = gc.get_freeze_count()
    assert [r.title for r in read_ahead(looked_at_in_the_reader())] == ["set aside: True"]
    assert gc.get_freeze_count() == frozen_here
