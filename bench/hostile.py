"""A reader's latency while a hostile client floods search with worst-case queries.

    .venv/bin/python bench/hostile.py [--seconds 30] [--hostile 4] [--workers 2] [--threads 4]
                                      [--baseline 10] [--seed 0]

Uses the archive under var/ (run `make run` once, or `make sample index`; or point
NEWSARCHIVE_VAR_DIR at another), starts gunicorn on a free loopback port with DEBUG off
and N workers, and measures an ordinary reader (one connection, one page after another:
home, an article, the date archive, a year, the authors, a plain search, the API) twice:
alone for --baseline seconds, then for --seconds while --hostile connections send the
costliest searches tests/hostile.py knows (long words, many OR-ed terms, deep nesting,
wildcards, wide proximity) to the search page, the API, the feed and autocomplete, as fast
as they are answered. Prints the reader's p50 / p99 / max and the hostile client's
answers. The target (issue 13): the reader's p99 under 1 s under attack.
"""

from __future__ import annotations

import argparse
import http.client
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import free_port, server_env, wait_for  # noqa: E402
from tests.hostile import Hostile  # noqa: E402

TARGET_P99_MS = 1000


def get(port: int, path: str, timeout: float = 60) -> tuple[int, float, bytes]:
    """One request on a new connection (gunicorn's sync workers close each one)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", "127.0.0.1")
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status, body = 599, b""
    finally:
        connection.close()
    return status, time.monotonic() - started, body


def ordinary_pages(port: int) -> list[str]:
    status, _, body = get(port, "/api/articles/?page_size=1")
    if status != 200 or not json.loads(body)["results"]:
        raise SystemExit("The archive is empty: run `make run` (or `make sample index`) first.")
    latest = json.loads(body)["results"][0]
    year = (latest.get("published_on") or "2019")[:4]
    return [
        "/",
        f"/articles/{latest['slug']}/",
        "/archive/",
        f"/archive/{year}/",
        "/authors/",
        "/search/?q=oil+prices",
        "/api/articles/",
    ]


def reader(port: int, pages: list[str], stop: threading.Event) -> list[tuple[int, float]]:
    answers = []
    n = 0
    while not stop.is_set():
        status, seconds, _ = get(port, pages[n % len(pages)])
        answers.append((status, seconds))
        n += 1
    return answers


def attacker(port: int, seed: int, stop: threading.Event, answers: list) -> None:
    queries = Hostile(seed=seed).worst_queries()
    while not stop.is_set():
        kind, path = next(queries)
        status, seconds, _ = get(port, path)
        surface = path.split("?")[0]
        answers.append((status, seconds, kind, surface))


def percentile(values: list[float], p: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[round(p * 10) - 1]


def phase(port: int, pages: list[str], seconds: int, hostile: int, seed: int) -> dict:
    stop = threading.Event()
    hostile_answers: list[tuple[int, float]] = []
    attackers = [
        threading.Thread(target=attacker, args=(port, seed + n, stop, hostile_answers))
        for n in range(hostile)
    ]
    for thread in attackers:
        thread.start()
    result: dict = {}
    reading = threading.Thread(
        target=lambda: result.update(reader=reader(port, pages, stop)), daemon=True
    )
    reading.start()
    time.sleep(seconds)
    stop.set()
    reading.join()
    for thread in attackers:
        thread.join()
    result["hostile"] = hostile_answers
    return result


def by(answers: list[tuple], field: int) -> dict[str, list[tuple[int, float]]]:
    groups: dict[str, list[tuple[int, float]]] = {}
    for answer in answers:
        groups.setdefault(answer[field], []).append(answer[:2])
    return dict(sorted(groups.items()))


def describe(answers: list[tuple]) -> str:
    if not answers:
        return f"{0:6d} {'-':>8} {'-':>8} {'-':>8}  -"
    ms = [answer[1] * 1000 for answer in answers]
    statuses = dict(sorted(Counter(answer[0] for answer in answers).items()))
    return (
        f"{len(answers):6d} {percentile(ms, 50):8.0f} {percentile(ms, 99):8.0f} "
        f"{max(ms):8.0f}  {statuses}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="under attack")
    parser.add_argument("--baseline", type=int, default=10, help="the reader alone first")
    parser.add_argument("--hostile", type=int, default=4, help="hostile connections")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per worker, as docs/deployment.md runs it"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    port = free_port()
    env = server_env()
    python = sys.executable
    # gunicorn's complaints (workers timed out), closed in the finally below.
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603
        [
            python,
            "-m",
            "gunicorn",
            "newsarchive.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--timeout",
            "30",
            "--log-level",
            "warning",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        pages = ordinary_pages(port)
        alone = phase(port, pages, args.baseline, 0, args.seed)
        attacked = phase(port, pages, args.seconds, args.hostile, args.seed)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.seek(0)
        timeouts = log.read().count("WORKER TIMEOUT")
        log.close()

    print(
        f"Hostile: gunicorn {args.workers} workers × {args.threads} threads, DEBUG off, "
        f"loopback; one reader over "
        f"{len(pages)} ordinary pages; {args.hostile} hostile connections sending worst-case "
        "searches"
    )
    print(f"{'':28} {'req':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    print(f"{f'reader alone ({args.baseline} s)':28} {describe(alone['reader'])}")
    print(f"{f'reader under attack ({args.seconds} s)':28} {describe(attacked['reader'])}")
    print(f"{'hostile client':28} {describe(attacked['hostile'])}")
    for field, name in ((2, "query"), (3, "surface")):
        for value, answers in by(attacked["hostile"], field).items():
            print(f"{f'  {name} {value}':28} {describe(answers)}")
    print(f"gunicorn workers killed for taking over 30 s: {timeouts}")
    ms = [seconds * 1000 for _, seconds in attacked["reader"]]
    p99 = percentile(ms, 99) if ms else float("inf")
    verdict = "met" if p99 < TARGET_P99_MS else "NOT met"
    print(f"target: reader p99 under attack < {TARGET_P99_MS} ms: {verdict} ({p99:.0f} ms)")


if __name__ == "__main__":
    main()
