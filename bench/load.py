"""Load test: the public pages under gunicorn, with wrk.

    .venv/bin/python bench/load.py [--seconds 60] [--connections 2,8] [--workers 2]
        [--pages home,article,search,entity,author,year,sitemap,a-sitemap]
        [--articles 20] [--warm-seconds 3]
        [--database-url postgres://…/newsarchive_query_1m]

Uses the archive under var/ (run `make run` once, or `make sample index`, first), or with
``--database-url`` a PostgreSQL archive searched by the PostgreSQL backend (one made by
bench/scale.py or bench/multiply.py), starts gunicorn on a free loopback port with DEBUG
off, runs wrk against each page for the given time (loopback only, bounded) at each number
of connections, and stops gunicorn. Needs Debian's wrk (`apt-get install wrk`).

Per page and number of connections it prints requests/s, p50 / p90 / p95 / p99 latency
(wrk's own histogram, read by a Lua ``done`` hook: its ``--latency`` report has no p95),
errors (connect, read, write, timeouts, non-2xx) and the CPU milliseconds per request of
the gunicorn workers and, on PostgreSQL, of the database server processes they connect. With as many
connections as workers, each request has a worker to itself: the latency is the page's own
time. With more, requests queue for a worker and wait for the others ahead of them.
"article" goes round ``--articles`` different public articles spread over the archive (one
article read again and again answers from its cached related articles every time); each
page is first read once in every worker, then by wrk for ``--warm-seconds`` (each worker
keeps its own cache, as in production: the first reader after a start or an archive change
pays the cache's fill, which a running site's readers seldom wait for). At the end it prints
each gunicorn process's peak memory: its peak resident set (the kernel's VmHWM) and the
largest proportional set size (PSS: shared pages divided among the processes sharing them)
seen while sampling every quarter second.

"search-mix" is searches as readers make them: a Zipf-like draw (a search's share falls
as one over its rank) from bench/search.py's query mix, then each of those queries again
limited to one year (``MIX_YEARS``: a long tail of searches few repeat), a fresh draw of
``MIX_LENGTH`` for every run so that none replays another's. Every run of it starts with
the kept search answers ended (articles/search/cache.py: a new index generation), so a run
measures a cache filling from empty, never a warmer one; run with SEARCH_CACHE_SECONDS=0 in
the environment to measure it uncached. With ``--database-url`` it prints the hit rate:
1 - (pages rendered afresh during the run: results blocks kept) / requests.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Goes round the paths (each wrk thread starting at its own), and prints wrk's latency
# percentiles in microseconds when the run is done.
WRK_SCRIPT = """
local paths = {%(paths)s}
local threads = 0
setup = function(thread)
  thread:set("start", threads)
  threads = threads + 1
end
local n = nil
request = function()
  if n == nil then n = (start or 0) * 7 end
  n = n + 1
  return wrk.format(nil, paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  for _, p in ipairs({50, 75, 90, 95, 99}) do
    io.write(string.format("percentile %%g %%d\\n", p, latency:percentile(p)))
  end
end
"""


# The search mix's long tail: each query of bench/search.py's mix limited to one of these.
MIX_YEARS = range(1987, 2026)
MIX_LENGTH = 20_000  # draws per run: more than a run of wrk sends at a thousand a second


def search_mix(seed: int) -> list[str]:
    """``MIX_LENGTH`` search page paths drawn Zipf-like (weight 1/rank): the mix's queries
    first, then each with ``from``/``to`` one year of ``MIX_YEARS``."""
    import random
    from urllib.parse import quote

    sys.path.insert(0, str(ROOT))
    from bench.search import MIX

    queries = [query for _, query in MIX]
    searches = queries + [
        f"{query}&from={year}&to={year}" for year in MIX_YEARS for query in queries
    ]
    paths = [
        "/search/?"
        + "&".join(
            f"{key}={quote(value, safe='')}"
            for key, _, value in (part.partition("=") for part in search.split("&"))
        )
        for search in searches
    ]
    weights = [1 / rank for rank in range(1, len(paths) + 1)]
    return random.Random(seed).choices(paths, weights, k=MIX_LENGTH)


def rendered_since(database_url: str | None, since: float) -> int | None:
    """How many search pages were rendered afresh (their results block kept) since
    ``since`` (a Unix time), as the shared cache's table tells (PostgreSQL only): a block
    kept then expires ``SEARCH_CACHE_SECONDS`` after it. Two workers rendering the same
    page at once keep one row: a few misses may go uncounted."""
    seconds = int(os.environ.get("SEARCH_CACHE_SECONDS", "300"))
    if not database_url or not database_url.startswith("postgres") or not seconds:
        return None
    out = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "psql",
            database_url,
            "-Atc",
            "select count(*) from newsarchive_shared_cache "
            "where cache_key like '0search:%:search:results:%' "
            f"and expires >= to_timestamp({since + seconds - 1})",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out)


def end_kept_answers(env: dict[str, str]) -> None:
    """A new index generation: every kept search answer is ended (as an index change)."""
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from articles.search.cache import new_generation; new_generation()",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback only)
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def parse_wrk(output: str) -> dict:
    """wrk's report (run with ``--latency``) as numbers, milliseconds; p95 where the run
    had ``WRK_SCRIPT``'s ``done`` hook (its percentiles then win over the report's)."""

    def ms(text: str) -> float:
        value, unit = float(re.match(r"[\d.]+", text).group()), re.sub(r"[\d.]", "", text)
        return value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    latency = {p: ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M)}
    for p, us in re.findall(r"^percentile (\d+) (\d+)$", output, re.M):
        latency[p] = int(us) / 1000
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency["50"],
        "p90": latency["90"],
        "p95": latency.get("95"),
        "p99": latency["99"],
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
    }


def wrk(base: str, paths: list[str], connections: int, seconds: int) -> dict:
    """wrk against ``paths`` in turn (2 threads, at most ``connections``), parsed."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        # The paths are percent-encoded: nothing in them needs escaping in a Lua string.
        script.write(WRK_SCRIPT % {"paths": ", ".join(f'"{p}"' for p in paths)})
        script.flush()
        out = subprocess.run(  # noqa: S603
            [  # noqa: S607
                "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                script.name,
                base + paths[0],
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        ).stdout
    return parse_wrk(out)


def server_env() -> dict[str, str]:
    """The environment a loopback gunicorn of this checkout runs with (DEBUG off, plain
    http), its static files collected for it."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain http on loopback
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of ``pids`` so far (those still running)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


class MemorySampler(threading.Thread):
    """Peak memory of a process and its children, MiB: the kernel's peak resident set
    (VmHWM, exact) and the largest PSS seen, sampled every quarter second."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peaks: dict[int, dict[str, float]] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.25):
            self.sample()

    def sample(self) -> None:
        for pid in [self.pid, *children(self.pid)]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            peak = self.peaks.setdefault(pid, {"hwm": 0.0, "pss": 0.0})
            for key, pattern, text in (
                ("hwm", r"VmHWM:\s+(\d+) kB", status),
                ("pss", r"^Pss:\s+(\d+) kB", rollup),
            ):
                found = re.search(pattern, text, re.M)
                if found:
                    peak[key] = max(peak[key], int(found.group(1)) / 1024)

    def stop(self) -> dict[int, dict[str, float]]:
        self.sample()
        self.stopping.set()
        self.join()
        return self.peaks


def database_pids(database_url: str | None, since: float = 0) -> list[int]:
    """The server processes connected to the archive's database (PostgreSQL only) since
    ``since`` (a Unix time: gunicorn's start, so that another client's are left out)."""
    if not database_url or not database_url.startswith("postgres"):
        return []
    name = database_url.rsplit("/", 1)[1].split("?")[0]
    out = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "psql",
            database_url.rsplit("/", 1)[0] + "/postgres",
            "-Atc",
            f"select pid from pg_stat_activity where datname = '{name}' "
            f"and backend_start >= to_timestamp({since}) and pid <> pg_backend_pid()",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return [int(p) for p in out.split()]


class DatabaseCpu(threading.Thread):
    """CPU seconds of the database's server processes while it runs: those connected at
    the start from their reading then, those connecting later from nothing, each up to its
    last reading (polled every second: a connection closed meanwhile loses its last
    second at most)."""

    def __init__(self, database_url: str | None, since: float):
        super().__init__(daemon=True)
        self.database_url = database_url
        self.since = since
        self.first = {pid: cpu_seconds([pid]) for pid in database_pids(database_url, since)}
        self.last = dict(self.first)
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(1):
            self.poll()

    def poll(self) -> None:
        for pid in {*self.last, *database_pids(self.database_url, self.since)}:
            if Path(f"/proc/{pid}/stat").exists():
                self.first.setdefault(pid, 0.0)
                self.last[pid] = cpu_seconds([pid])

    def stop(self) -> float:
        self.poll()
        self.stopping.set()
        self.join()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def pick_paths(env: dict[str, str], articles: int) -> dict[str, list[str]]:
    """The pages' paths, through the public selectors: ``articles`` public articles spread
    over the ids; the entity and author of the most public articles (the heaviest of their
    pages); the year with the most articles; the first sitemap the index lists."""
    code = f"""
from articles import public
from articles.models import Article
from django.db.models import Max, Min
ids = Article.objects.aggregate(low=Min("id"), high=Max("id"))
n = {articles}
for i in range(n):
    at = ids["low"] + (ids["high"] - ids["low"]) * i // n
    article = public.articles().filter(id__gte=at).order_by("id").first()
    if article:
        print("article", article.get_absolute_url())
print("entity", public.entities().order_by("-article_count").first().get_absolute_url())
print("author", public.authors().order_by("-article_count").first().get_absolute_url())
year = (public.articles().exclude(published_on=None).order_by("-published_on")
        .values_list("published_on", flat=True).first().year)
print("year", f"/archive/{{year}}/")
"""
    out = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found: dict[str, list[str]] = {}
    for line in out.splitlines():
        name, _, path = line.partition(" ")
        if name in ("article", "entity", "author", "year"):
            found.setdefault(name, []).append(path)  # reverse() has percent-encoded it
    return found


def first_sitemap(base: str) -> str:
    with urllib.request.urlopen(base + "/sitemap.xml", timeout=120) as response:  # noqa: S310
        found = re.search(r"<loc>https?://[^/]+(/[^<]+)</loc>", response.read().decode())
    return found.group(1) if found else "/sitemap.xml"


def read(url: str) -> None:
    urllib.request.urlopen(url, timeout=300).read()  # noqa: S310 (loopback only)


def warm(base: str, paths: list[str], workers: int, seconds: int) -> None:
    """Each path read by as many concurrent readers as there are workers (so that each
    worker's cache holds it, the first read being the slowest), then wrk for ``seconds``."""
    for path in paths:
        readers = [threading.Thread(target=read, args=(base + path,)) for _ in range(workers)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
    if seconds:
        wrk(base, paths, 2 * workers, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--connections",
        default=None,
        help="comma-separated numbers of connections (default: the workers, then 4 times)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", default="home,article,search", help="comma-separated")
    parser.add_argument("--articles", type=int, default=20, help="different articles read")
    parser.add_argument("--warm-seconds", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL archive instead")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    connections = [
        int(n) for n in (args.connections or f"{args.workers},{4 * args.workers}").split(",")
    ]
    known = [
        "home",
        "article",
        "search",
        "search-mix",
        "entity",
        "author",
        "year",
        "sitemap",
        "a-sitemap",
    ]
    wanted = args.pages.split(",")
    if unknown := set(wanted) - set(known):
        raise SystemExit(f"unknown pages: {', '.join(sorted(unknown))} (known: {', '.join(known)})")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ["SEARCH_BACKEND"] = "postgres"
    env = server_env()
    python = sys.executable
    pages = {
        "home": ["/"],
        "search": ["/search/?q=oil+prices"],
        "sitemap": ["/sitemap.xml"],
        **pick_paths(env, args.articles),
    }
    started = time.time()
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
            "--timeout",
            "300",  # a cold first read at a million articles (the sitemap's) takes seconds
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    memory = MemorySampler(server.pid)
    rows = []
    try:
        wait_for(base + "/")
        memory.start()
        for name in wanted:
            if name == "a-sitemap":
                pages[name] = [first_sitemap(base)]
            mixed = name == "search-mix"
            if mixed:  # the processes warmed by searches of their own, not the run's
                wrk(base, search_mix(seed=0), 2 * args.workers, args.warm_seconds)
            else:
                warm(base, pages[name], args.workers, args.warm_seconds)
            for run, n in enumerate(connections, start=1):
                paths = search_mix(seed=run) if mixed else pages[name]
                if mixed:
                    end_kept_answers(env)
                run_started = time.time()
                workers = children(server.pid)
                database = DatabaseCpu(args.database_url, started)
                database.start()
                cpu = cpu_seconds(workers)
                result = wrk(base, paths, n, args.seconds)
                result["cpu"] = cpu_seconds(workers) - cpu
                result["db_cpu"] = database.stop()
                misses = rendered_since(args.database_url, run_started) if mixed else None
                if misses is not None:
                    result["hits"] = 1 - misses / max(result["requests"], 1)
                rows.append((name, len(set(paths)), n, result))
    finally:
        peaks = memory.stop()
        workers = children(server.pid)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(
        f"Load: gunicorn {args.workers} sync workers, wrk up to 2 threads, {args.seconds} s "
        f"per page and number of connections, loopback; search answers kept "
        f"{os.environ.get('SEARCH_CACHE_SECONDS', 'as by default')} s (SEARCH_CACHE_SECONDS)"
    )
    print(
        f"{'page':10} {'paths':>5} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} "
        f"{'p95 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>6} {'CPU ms/req':>10} "
        f"{'DB CPU ms/req':>13}"
    )
    for name, n_paths, n, r in rows:
        per = max(r["requests"], 1)
        print(
            f"{name:10} {n_paths:5d} {n:5d} {r['rps']:8.1f} {r['p50']:8.1f} {r['p90']:8.1f} "
            f"{r['p95']:8.1f} {r['p99']:8.1f} {r['requests']:9d} {r['errors']:6d} "
            f"{1000 * r['cpu'] / per:10.1f} {1000 * r['db_cpu'] / per:13.1f}"
            + (f"  hit rate {r['hits']:.0%}" if "hits" in r else "")
        )
    print("Peak memory, MiB (VmHWM: peak resident; PSS: largest proportional set sampled)")
    for pid, peak in peaks.items():
        role = "master" if pid == server.pid else "worker" if pid in workers else "worker (gone)"
        print(f"  {role:13} pid {pid:7d}  VmHWM {peak['hwm']:7.0f}  PSS {peak['pss']:7.0f}")


if __name__ == "__main__":
    main()
