"""Extraction on every core: batches of texts go to worker processes, results come back in
order (issue 18).

spaCy runs one core per process. ``in_parallel(jobs, work)`` forks worker processes from
this one after the model and the gazetteer are loaded, so they share both (copy on write)
instead of loading their own; each job (a batch of texts in one language) goes to a worker
and only the texts and the results (small, picklable) cross between processes. The workers
never touch the database: this process stores what they find, while they read the next
batches.

Memory stays flat however long the run: at most two jobs per worker are in flight (the
input is read as the workers ask for more, never all at once), and a worker is replaced by
a fresh fork after ``JOBS_PER_WORKER`` jobs, so the words spaCy's vocabulary learns from
millions of articles do not pile up.

It falls back to running the jobs here, one after another, when forking is not safe or
not worth it: where the platform cannot fork (macOS, Windows), when this process runs other
threads (a lock one of them holds would stay locked in the fork: a web server's threads, a
progress bar's monitor), on one core, and when there is a single job (forking a process of
the model's size costs more than one batch takes). The first job always runs here, so that
what it loads (the model) is loaded once, before the fork.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import Any, TypeVar

Context = TypeVar("Context")
Work = Callable[[list[str], str], list[Any]]

# A worker is replaced after this many jobs (about 3,200 articles): over the 18,119 articles
# of Reuters and BBC 2005 a worker never replaced grew from about 200 to 390 MB (PSS).
JOBS_PER_WORKER = 50
_IN_FLIGHT_PER_WORKER = 2

# What the workers run: set before they are forked, so that it is theirs without pickling.
_work: Work | None = None


def usable_processes() -> int:
    """How many worker processes extraction may use here: one per core this process may run
    on, or 1 where forking is unsafe (see the module's docstring)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# glibc's malloc: memory blocks from this size up are mapped and unmapped afresh each time,
# and freed memory past this size at the top of the heap goes back to the system. Its
# defaults (128 KiB, rising with use) made a worker fault the pages of the model's large
# working arrays in again batch after batch: 2.5-2.7 s of system CPU over 3,000 Reuters
# stories, 0.5 s with these, the largest worker at the same peak (547 MB resident; issue
# 18). A worker is replaced every JOBS_PER_WORKER jobs,
# which bounds what it keeps.
_MMAP_THRESHOLD = 32 * 1024 * 1024  # the largest glibc accepts
_TRIM_THRESHOLD = 512 * 1024 * 1024
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (malloc.h)


def _keep_freed_memory() -> None:
    """In a worker: let malloc keep the memory it frees for the next batch (glibc only;
    elsewhere nothing changes)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
    mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)


def add_processes_argument(parser) -> None:
    """``--processes N`` for a command that extracts: at most N processes (1: none forked,
    for a machine short of memory: each worker holds about half a gigabyte of its own)."""

    def positive(value: str) -> int:
        number = int(value)
        if number < 1:
            raise ValueError(value)
        return number

    parser.add_argument(
        "--processes",
        type=positive,
        help="At most this many extraction processes (default: one per core; 1 forks none "
        "and keeps memory lowest).",
    )


def _run(texts: list[str], language: str) -> list[Any]:
    assert _work is not None, "a worker forked without its work"
    return _work(texts, language)


def in_parallel(
    jobs: Iterable[tuple[Context, list[str], str]],
    work: Work,
    processes: int | None = None,
) -> Iterator[tuple[Context, list[Any]]]:
    """``(context, work(texts, language))`` for each ``(context, texts, language)`` of
    ``jobs``, in order. ``work`` must be a pure function of its arguments (it runs in another
    process); ``context`` stays here. ``processes``: at most this many workers (default:
    ``usable_processes()``); 1 runs every job here."""
    global _work
    jobs = iter(jobs)
    # The first job runs here: it loads what ``work`` needs (the model), which the workers
    # then share; and a single job is done without forking at all.
    for context, texts, language in islice(jobs, 1):
        yield context, work(texts, language)
    second = list(islice(jobs, 1))
    wanted = usable_processes() if processes is None else min(processes, usable_processes())
    if wanted <= 1 or not second:
        for context, texts, language in chain(second, jobs):
            yield context, work(texts, language)
        return
    _work = work
    # Objects that exist now (the model's, the gazetteer's) stay out of the collector's
    # scans, which would otherwise write to their pages in every worker and so copy them
    # (3 MB through `entities --json`: peak PSS of the command and workers 1,086 MB, not 1,132).
    gc.freeze()
    pool = multiprocessing.get_context("fork").Pool(
        wanted, initializer=_keep_freed_memory, maxtasksperchild=JOBS_PER_WORKER
    )
    try:
        pending: deque = deque()
        for context, texts, language in chain(second, jobs):
            pending.append((context, pool.apply_async(_run, (texts, language))))
            if len(pending) >= wanted * _IN_FLIGHT_PER_WORKER:
                context, result = pending.popleft()
                yield context, result.get()
        while pending:
            context, result = pending.popleft()
            yield context, result.get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _work = None
        gc.unfreeze()
