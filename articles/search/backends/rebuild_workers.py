"""A rebuild's work shared among worker processes (the PostgreSQL backend's ``rebuild``).

Making a search row is Python (haystack's ``full_prepare``, the vectors): on one process it
runs on one core whatever the threads, for the GIL. Here ``procs`` processes, forked from
this one, each take the next chunk of article ids in turn, read those articles, make their
rows and send them back packed (a string per batch) through a bounded queue; this process
writes them. Every chunk is taken by exactly one worker. When its share is made, a worker
sends what ``finish`` gives (the term statistics of its rows) once, with its last message.

Workers are forked, not spawned: they inherit Django's settings as this process has them
(a test's database, a ``settings`` override) and the warm analysis caches. A database
connection must not cross a fork (both processes would talk on one socket, and closing it
in one ends it for the other), so every connection is closed here first: a worker opens its
own, and this process opens a new one when it next asks.

A worker that raises sends its traceback and stops; one that dies (killed, out of memory)
is noticed within a second. Either way the caller's loop raises ``RebuildWorkerFailed``,
the other workers are ended, and the rebuild's transaction rolls back.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import traceback
from collections.abc import Callable, Iterable, Iterator

from django.db import connections as db_connections

# A worker's made batch: how many rows, the rows packed, the words (space apart) among them
# that this worker has not sent before.
Made = tuple[int, str, str]


class RebuildWorkerFailed(RuntimeError):
    """A worker process of a rebuild raised or died: the rebuild stops, its tables unused."""


# Seconds between looks at whether the workers (or, from a worker, this process) are alive.
_LOOK = 1.0


@contextlib.contextmanager
def made_apart(
    chunks: list[list[int]],
    make: Callable[[list[int]], Iterable[tuple[int, str, set[str]]]],
    procs: int,
    finish: Callable[[], object] = lambda: None,
    ends: list | None = None,
) -> Iterator[Iterator[Made]]:
    """A block in which ``procs`` worker processes make what ``make`` gives for each of
    ``chunks``; yields an iterator of it, as they finish it: ``(rows, packed rows, words)``
    with each word given at most once per worker. ``make(ids)`` runs in a worker: it reads
    what it needs itself. Once a worker has made its share it calls ``finish()`` (in the
    worker: what ``make`` left in the worker's memory) and sends the result, which is
    appended to ``ends``; once the iterator is exhausted ``ends`` holds one per worker.
    Enter the block outside a transaction (this process's connections are closed first);
    the workers are ended when it ends."""
    context = multiprocessing.get_context("fork")
    # Two batches ahead per worker: a batch packed is a few MB, and PostgreSQL writes one
    # while the workers make the next.
    made: multiprocessing.Queue = context.Queue(maxsize=2 * procs)
    taken = context.Value("q", 0)  # the next chunk to take
    db_connections.close_all()
    workers = [
        context.Process(
            target=_work,
            args=(chunks, taken, make, made, finish),
            name=f"search-rebuild-{n + 1}",
            daemon=True,
        )
        for n in range(procs)
    ]
    try:
        for worker in workers:
            worker.start()
        yield _gathered(workers, made, [] if ends is None else ends)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        for worker in workers:
            if worker.pid is not None:
                worker.join()
        made.close()


def _gathered(workers, made, ends: list) -> Iterator[Made]:
    finished: set[str] = set()
    while len(finished) < len(workers):
        try:
            kind, name, given = made.get(timeout=_LOOK)
        except queue.Empty:
            _check(workers, finished, made)
            continue
        if kind == "failed":
            raise RebuildWorkerFailed(f"Rebuild worker {name} failed:\n{given}")
        if kind == "done":
            finished.add(name)
            ends.append(given)
        else:
            yield given


def _check(workers, finished: set[str], made) -> None:
    for worker in workers:
        if worker.exitcode not in (None, 0):
            raise RebuildWorkerFailed(
                f"Rebuild worker {worker.name} ended (exit code {worker.exitcode}) "
                "before its share was made."
            )
    if not any(worker.is_alive() for worker in workers) and made.empty():
        # Unreachable while workers report as they should; never wait forever if not.
        missing = sorted({worker.name for worker in workers} - finished)
        raise RebuildWorkerFailed(f"Rebuild workers {', '.join(missing)} ended unfinished.")


def _work(chunks, taken, make, made, finish) -> None:
    """A worker's life: chunks in turn until none is left, then "done" with ``finish()``;
    a failure's traceback instead, sent to the parent. Stops when the parent is gone."""
    name = multiprocessing.current_process().name
    parent = os.getppid()

    def send(message) -> None:
        while True:
            try:
                made.put(message, timeout=_LOOK)
                return
            except queue.Full:
                if os.getppid() != parent:
                    raise SystemExit(1) from None

    sent: set[str] = set()
    try:
        while True:
            with taken.get_lock():
                number = taken.value
                taken.value += 1
            if number >= len(chunks):
                break
            for rows, packed, words in make(chunks[number]):
                new = words - sent
                sent |= new
                send(("rows", name, (rows, packed, " ".join(new))))
        send(("done", name, finish()))
    except SystemExit:
        raise
    except BaseException:
        send(("failed", name, traceback.format_exc()))
    finally:
        db_connections.close_all()  # this worker's own
