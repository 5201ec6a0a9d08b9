"""An import's documents read in a second process (issue 18).

Reading and cleaning a document costs about a quarter of what storing and indexing it
costs; in one process the two take turns. Where a core is free, a second process reads the
next records while the import stores these (``import_articles --read-ahead``; on two cores
busy with PostgreSQL and other work it gained nothing, see docs/performance.md). A bounded
queue between the two keeps memory flat: the reader is never more than ``READ_AHEAD``
batches ahead.

Items a reader passes over (``record.skip``) are logged by the reading process and reported
to the import's ``reporting_skips`` listener here, as if read in this process. A failure of
the reader is raised here. The reader never outlives the import: it stops when the import's
process is gone (killed) or stops asking.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import resource
from collections.abc import Callable, Iterable, Iterator

from articles.ingest.record import ArticleRecord, report_skip, reporting_skips

READ_AHEAD = 8  # batches the reading process may be ahead of the storing one
READ_BATCH = 100  # records sent at a time (a few pickles per batch of the import)
WAIT = 1.0  # seconds between looks at whether the other side is still there


def read_ahead(
    records: Iterable[ArticleRecord],
    *,
    prepare: Callable[[list[ArticleRecord]], None] | None = None,
    spent: dict | None = None,
) -> Iterator[ArticleRecord]:
    """``records``, read in a forked process while this one stores the ones before.

    ``records`` must not have been started (a generator is started in the reading
    process). ``prepare(batch)`` is called there on each batch before it is sent
    (``bulk.index_ahead``). ``spent`` is given the reader's CPU seconds (``reader cpu``)
    and peak memory in MiB (``reader peak``) at the end. The reading process touches no
    database connection of this one (and closes none)."""
    context = multiprocessing.get_context("fork")
    ready = context.Queue(maxsize=READ_AHEAD)
    reader = context.Process(target=_read, args=(records, ready, prepare, os.getpid()), daemon=True)
    reader.start()
    try:
        while True:
            try:
                kind, payload = ready.get(timeout=WAIT)
            except queue.Empty:
                if not reader.is_alive():  # died without a word (killed, out of memory)
                    raise RuntimeError(
                        f"the reading process stopped (exit code {reader.exitcode})"
                    ) from None
                continue
            if kind == "records":
                yield from payload
            elif kind == "skipped":
                report_skip(*payload)
            elif kind == "failed":
                raise payload
            else:  # "done"
                if spent is not None:
                    spent.update(payload)
                break
    finally:
        reader.join(timeout=WAIT)
        if reader.is_alive():  # stopped early: it may be blocked on a full queue
            reader.terminate()
            reader.join()


def _read(records, ready, prepare, parent: int) -> None:
    # What the process was given at its fork (the import's whole heap) is never garbage
    # here: the collector leaves it alone rather than go through it again and again (and
    # copy its pages from the import's process by writing to every object's header).
    gc.freeze()

    def send(kind: str, payload) -> None:
        while True:
            try:
                ready.put((kind, payload), timeout=WAIT)
                return
            except queue.Full:
                if os.getppid() != parent:  # the import was killed: nobody will read
                    os._exit(0)

    try:
        with reporting_skips(lambda source, reason: send("skipped", (source, reason))):
            batch: list[ArticleRecord] = []
            for record in records:
                batch.append(record)
                if len(batch) >= READ_BATCH:
                    if prepare:
                        prepare(batch)
                    send("records", batch)
                    batch = []
            if batch:
                if prepare:
                    prepare(batch)
                send("records", batch)
    except Exception as exc:  # raised in the import, as reading in its process would
        try:
            send("failed", exc)
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            send("failed", RuntimeError(f"the reading process failed: {exc!r}"))
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    send(
        "done",
        {"reader cpu": usage.ru_utime + usage.ru_stime, "reader peak": usage.ru_maxrss / 1024},
    )
