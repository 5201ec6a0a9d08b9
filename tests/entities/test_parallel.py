"""Extraction on several cores: jobs go to forked workers and come back in order."""

import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from articles.entities import parallel
from articles.entities.parallel import in_parallel, usable_processes

ROOT = Path(__file__).resolve().parents[2]


def where(texts, language):
    """A job's work: which process did it, and on what."""
    return [(os.getpid(), language, text.upper()) for text in texts]


def jobs(n):
    return ((i, [f"text {i}"], "en") for i in range(n))


@pytest.fixture
def two_cores():
    if usable_processes() < 2:
        pytest.skip(f"this process may not fork two workers here ({usable_processes()} usable)")


def test_jobs_go_to_workers_and_come_back_in_order(two_cores):
    results = list(in_parallel(jobs(12), where, processes=2))
    assert [context for context, _ in results] == list(range(12))
    assert [found[0][2] for _, found in results] == [f"TEXT {i}" for i in range(12)]
    pids = {found[0][0] for _, found in results}
    # The first job runs here (it loads the model once for all); the rest in the workers.
    assert results[0][1][0][0] == os.getpid()
    assert os.getpid() not in {found[0][0] for _, found in results[1:]}
    assert 1 <= len(pids - {os.getpid()}) <= 2  # a fast worker may take every job


def test_a_single_job_forks_nothing():
    [(context, found)] = in_parallel(jobs(1), where, processes=2)
    assert context == 0 and found[0][0] == os.getpid()


def test_one_process_keeps_every_job_here():
    results = list(in_parallel(jobs(5), where, processes=1))
    assert {found[0][0] for _, found in results} == {os.getpid()}


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert usable_processes() == 1
        results = list(in_parallel(jobs(5), where, processes=2))
    finally:
        stop.set()
        thread.join()
    assert {found[0][0] for _, found in results} == {os.getpid()}


def test_the_input_is_read_only_as_the_workers_need_it(two_cores):
    read = []

    def counted(n):
        for job in jobs(n):
            read.append(job[0])
            yield job

    results = in_parallel(counted(100), where, processes=2)
    for _ in range(5):
        next(results)
    # The five results given, plus at most two jobs in flight per worker.
    assert len(read) <= 5 + 2 * parallel._IN_FLIGHT_PER_WORKER
    results.close()


def test_a_workers_error_reaches_the_caller(two_cores):
    def fails_on_seven(texts, language):
        if texts == ["text 7"]:
            raise ValueError("seven")
        return texts

    with pytest.raises(ValueError, match="seven"):
        list(in_parallel(jobs(10), fails_on_seven, processes=2))


def test_workers_are_replaced_after_their_share_of_jobs(two_cores, monkeypatch):
    monkeypatch.setattr(parallel, "JOBS_PER_WORKER", 2)
    results = list(in_parallel(jobs(13), where, processes=2))
    workers = {found[0][0] for _, found in results[1:]}
    assert len(workers) >= 6  # 12 jobs, at most 2 each: a fresh fork for every 2


def faults_on_a_second_block(texts, language):
    """A job's work: the page faults of filling a 30 MiB block (just under glibc's largest
    mmap threshold) after one of that size was filled and freed: none to speak of when
    malloc kept the first, one a page (7,680) when it maps each block afresh."""
    size = 30 * 1024 * 1024
    block = bytearray(size)
    block[::4096] = b"x" * len(range(0, size, 4096))
    del block
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    block = bytearray(size)
    block[::4096] = b"x" * len(range(0, size, 4096))
    return [resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before]


# Run in a fresh interpreter: in a whole test run this process's heap may already hold a
# free block of 30 MiB (spaCy's, another test's), which malloc reuses before it maps one,
# so the "without the setting" half would measure the suite rather than malloc.
_KEEPS_FREED_MEMORY = """
import ctypes, json, django
django.setup()
from articles.entities import parallel
from tests.entities.test_parallel import faults_on_a_second_block, jobs
# This process's malloc set as a fresh one starts (blocks from 128 KiB mapped), which the
# workers inherit: without their own setting, a 30 MiB block would be mapped afresh.
ctypes.CDLL(None).mallopt(parallel._M_MMAP_THRESHOLD, 128 * 1024)
here = faults_on_a_second_block([], "en")[0]
workers = [found[0] for _, found in parallel.in_parallel(jobs(4), faults_on_a_second_block, 2)]
print(json.dumps({"here": here, "workers": workers}))
"""


@pytest.mark.skipif(os.uname().sysname != "Linux", reason="sets glibc's malloc (Linux)")
def test_a_worker_keeps_the_memory_it_frees_for_the_next_batch(two_cores):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsarchive.settings"}
    result = subprocess.run(
        [sys.executable, "-c", _KEEPS_FREED_MEMORY],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["here"] > 5000  # without the setting: a fault a page
    # The first job runs in the parent (as here); the workers' blocks are reused, not mapped.
    assert all(faults < 1000 for faults in found["workers"][1:]), found
