"""The PostgreSQL path at national-archive scale: build a large archive through the
project's own import and measure it as it grows (issue 18).

    .venv/bin/python bench/scale.py [--sizes 100000,300000,1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/newsarchive_scale]
        [--wrk-seconds 10] [--connections 2] [--repeat 3] [--skip-pages] [--rebuild]
        [--backend postgres|whoosh] [--index-ahead] [--var-dir DIR] [--measure-only]

The archive is built in a throw-away PostgreSQL database (dropped and created afresh) with
``SEARCH_BACKEND=postgres`` (``--backend whoosh``: a Whoosh index in a temporary directory
beside the same PostgreSQL database, to see where the embedded engine stops), from every
shared corpus read again and again: copy ``k`` of an article is the article re-dated ``4 k``
years on (wrapping within 1970–2026, so that the archive spans decades), with about one
sentence in ten dropped and one title word replaced by a word of its own body (so that each
copy is a document of its own, with the corpus's own vocabulary and word statistics), a
source name of its own, and the same authors, publication, section and source entities (so
that facet and author cardinalities stay those of real archives rather than growing with
each copy). A second process reads and cleans the copies (``read_ahead``, a bounded queue
between the two) while this one imports them through
``articles.ingest.pipeline.import_records`` in runs of ``RUN`` records (each stores and
indexes a batch at a time, as ``manage.py import_articles`` does), without entity extraction
and story grouping (``--skip-entities --skip-stories``: extraction is measured on its own by
bench/entities.py).

At each size it prints: the import rate of the last stretch (read + store + index,
articles/s, wall) with the CPU seconds per 1,000 articles of the importer, the reader and
the PostgreSQL backend, and the peak memory of this process and the reader; ``check_index``
time; the search mix of bench/search.py and the 20 Persian dev queries, each as the search
page runs it (facets, highlights and the page's articles included), wall and CPU p50 / p95
over ``--repeat`` runs after a warm-up; then, unless ``--skip-pages``, the pages under
gunicorn (2 sync workers, DEBUG off) with wrk as bench/load.py runs them (each page warmed
first, ``--connections`` connections for ``--wrk-seconds``): home, 20 articles spread over
the archive, search, an entity, an author, a year of the date archive, the sitemap index
and one sitemap — requests/s, p50, p95, p99, errors, CPU ms a request of the workers and
of their PostgreSQL backends — and the peak memory of each gunicorn process.
Searches, in this process and under gunicorn, are the engine's: the results cache
(articles/search/cache.py) is off unless ``SEARCH_CACHE_SECONDS`` is set in the environment.
``--rebuild`` also times a whole rebuild of the search index by the project's own
``rebuild_index`` (articles/s; CPU of this process, of the Whoosh writer's processes and
of the PostgreSQL backend; peak memory).

``--measure-only`` imports nothing: it measures the archive already in ``--database-url``
(one made by an earlier run, ``bench/multiply.py`` or an import), with ``--backend whoosh``
the index under ``--var-dir``'s ``whoosh/`` (``--rebuild`` builds it there first, timed).
``--var-dir`` is kept when given (a temporary directory is removed at the end), so that an
index built once can be measured again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import CORPUS_ROOT, corpus_records, recreate_database, setup_django  # noqa: E402
from bench.load import free_port, server_env, wait_for  # noqa: E402
from bench.search import MIX, percentile, project_search  # noqa: E402

RUN = 20_000  # records per import run
YEARS = (1970, 2026)
DEV_QUERIES = ROOT.parent / "shared" / "eval" / "search-dev" / "queries.tsv"


# --- the archive ------------------------------------------------------------------------
def _redate(day: dt.date | None, copy: int) -> dt.date | None:
    if day is None or copy == 0:
        return day
    first, last = YEARS
    year = first + (day.year - first + 4 * copy) % (last - first + 1)
    return day.replace(year=year, day=min(day.day, 28) if day.month == 2 else day.day)


def perturb(record, copy: int, rng: random.Random):
    """Copy ``copy`` of ``record`` (copy 0 is the record itself)."""
    if copy == 0:
        return record
    sentences = re.split(r"(?<=[.!?؟])\s+", record.body)
    if len(sentences) > 3:
        sentences = [s for s in sentences if rng.random() >= 0.1] or sentences
    body = " ".join(sentences)
    words = record.title.split()
    body_words = body.split()
    if words and body_words:
        words[rng.randrange(len(words))] = rng.choice(body_words)
    return replace(
        record,
        title=" ".join(words),
        body=body,
        raw_text="",
        published=_redate(record.published, copy),
        source_name=f"{record.source_name or record.title[:60]}~{copy}",
        source_url=f"{record.source_url}#copy-{copy}" if record.source_url else "",
        original_path=None,
    )


def copies(limit: int, start: int = 0):
    """Records ``start`` .. ``limit`` of the endless stream of copies."""
    rng = random.Random(1987)
    given = 0
    copy = 0
    while True:
        for _, record in corpus_records(CORPUS_ROOT):
            if given >= start:
                yield perturb(record, copy, rng)
            given += 1
            if given >= limit:
                return
        copy += 1


def read_ahead(start: int, size: int, spent: dict, ahead: bool = False):
    """Records ``start`` .. ``size``, read and cleaned in a second process while this one
    stores (``articles.ingest.reader_process``, as ``manage.py import_articles`` reads); with
    ``ahead``, each batch's search vectors made there too (``bulk.index_ahead``). ``spent``
    is given the reader's CPU seconds and peak memory at the end."""
    from django.db import connections

    from articles.ingest import reader_process
    from articles.ingest.bulk import index_ahead

    connections.close_all()  # the reader makes vectors: it must not share a connection
    return reader_process.read_ahead(
        copies(size, start), prepare=index_ahead if ahead else None, spent=spent
    )


def _postgres_cpu() -> float:
    """CPU seconds of this process's PostgreSQL backend so far (the server is local)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def grow(start: int, size: int, ahead: bool = False) -> dict:
    """Import records ``start`` .. ``size`` through the project's import, without entity
    extraction and story grouping (``--skip-entities --skip-stories``); returns articles
    created, wall seconds, and CPU seconds of each process (importer, reader, PostgreSQL)."""
    from articles.ingest.pipeline import import_records

    spent: dict = {}
    stream = read_ahead(start, size, spent, ahead)
    created, began, cpu = 0, time.perf_counter(), time.process_time()
    server = _postgres_cpu()
    while True:
        run = [record for _, record in zip(range(RUN), stream, strict=False)]
        if not run:
            break
        report = import_records(run, find_entities=False, group_stories=False)
        created += len(report.created)
        done = start + created
        rate = created / (time.perf_counter() - began)
        print(
            f"  … {done:,} articles, {rate:,.0f}/s, failed {report.failed_count}, "
            f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB, "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    return {
        "created": created,
        "wall": time.perf_counter() - began,
        "importer cpu": time.process_time() - cpu,
        "postgres cpu": _postgres_cpu() - server,
        **spent,
    }


# --- measures ---------------------------------------------------------------------------
def timed(func, *args) -> float:
    began = time.perf_counter()
    func(*args)
    return (time.perf_counter() - began) * 1000


def measured_check() -> str:
    """``check_index`` as the command runs it: wall and CPU seconds, and what it found."""
    from articles.search.indexing import check_index

    began, cpu = time.perf_counter(), time.process_time()
    drift = check_index()
    return (
        f"{time.perf_counter() - began:.1f} s wall, {time.process_time() - cpu:.1f} s CPU; "
        f"missing {len(drift.missing)}, stale {len(drift.stale)}, extra {len(drift.extra)}"
    )


def measured_rebuild() -> dict:
    """The project's whole rebuild (``rebuild_index``, as ``manage.py reindex`` runs it):
    documents, wall seconds, CPU seconds of this process, of the writer's processes (Whoosh
    with ``procs`` > 1) and of this process's PostgreSQL backend, and peak memory (MiB) of
    this process and of the largest child process so far (the Whoosh writers; an earlier
    child, such as the import's reader, counts too: the kernel keeps one maximum)."""
    from articles.search.indexing import rebuild_index

    began, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = _postgres_cpu()
    indexed = rebuild_index()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "indexed": indexed,
        "wall": time.perf_counter() - began,
        "cpu": time.process_time() - cpu,
        "writers cpu": after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime,
        "postgres cpu": _postgres_cpu() - server,
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "writers peak": after.ru_maxrss / 1024,
    }


def search_times(repeat: int) -> dict[str, tuple[float, float, float, float, int]]:
    """Wall p50 / p95 and CPU p50 / p95 (ms) of the bench/search.py mix and of the dev
    queries, and how many runs went over the search time limit (``SEARCH_TIME_LIMIT``;
    their time counts as spent)."""
    from articles.search.service import SearchOverBudget

    dev = []
    if DEV_QUERIES.exists():
        for line in DEV_QUERIES.read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                dev.append("q=" + line.split("\t", 1)[1].strip())
    mixes = {"search mix": [readable for _, readable in MIX], "Persian dev queries": dev}
    result = {}
    for name, readables in mixes.items():
        if not readables:
            continue
        over = 0

        def run(readable: str) -> tuple[float, float]:
            nonlocal over
            began, cpu = time.perf_counter(), time.process_time()
            try:
                project_search(readable)
            except SearchOverBudget:
                over += 1
            return (time.perf_counter() - began) * 1000, (time.process_time() - cpu) * 1000

        for readable in readables:  # warm-up
            run(readable)
        over = 0
        times = [run(r) for _ in range(repeat) for r in readables]
        walls, cpus = [w for w, _ in times], [c for _, c in times]
        result[name] = (
            percentile(walls, 50),
            percentile(walls, 95),
            percentile(cpus, 50),
            percentile(cpus, 95),
            over,
        )
    return result


def page_paths(articles: int) -> dict[str, list[str]]:
    """bench/load.py's choice of paths (``pick_paths``): ``articles`` public articles spread
    over the ids, the entity and author with the most public articles, the newest year;
    the entities' list where the archive has none (this bench's import extracts none)."""
    from django.db.models import Max, Min

    from articles import public
    from articles.models import Article

    ids = Article.objects.aggregate(low=Min("id"), high=Max("id"))
    found: dict[str, list[str]] = {"article": []}
    for i in range(articles):
        at = ids["low"] + (ids["high"] - ids["low"]) * i // articles
        article = public.articles().filter(id__gte=at).order_by("id").first()
        if article:
            found["article"].append(article.get_absolute_url())
    entity = public.entities().order_by("-article_count").first()
    author = public.authors().order_by("-article_count").first()
    found["entity"] = [entity.get_absolute_url() if entity else "/entities/"]
    found["author"] = [author.get_absolute_url() if author else "/authors/"]
    newest = (
        public.articles()
        .exclude(published_on=None)
        .order_by("-published_on")
        .values_list("published_on", flat=True)
        .first()
    )
    found["year"] = [f"/archive/{newest.year if newest else 1987}/"]
    return found


PAGES = ("home", "article", "search", "entity", "author", "year", "sitemap index", "a sitemap")


def pages(database_url: str, var_dir: Path, seconds: int, connections: int) -> tuple:
    """The pages under gunicorn (2 sync workers) with wrk, as bench/load.py measures them
    (its paths, warm-up, percentiles and CPU counters), on this run's archive and search
    backend; the rows and each gunicorn process's peak memory (load.MemorySampler's)."""
    from bench.load import (
        DatabaseCpu,
        MemorySampler,
        children,
        cpu_seconds,
        first_sitemap,
        warm,
        wrk,
    )

    env = server_env()  # setup_django's environment: this archive, index and backend
    paths = {
        "home": ["/"],
        "search": ["/search/?q=oil+prices"],
        "sitemap index": ["/sitemap.xml"],
        **page_paths(20),
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.time()
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsarchive.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "300",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(var_dir / "gunicorn.log").open("ab"),
    )
    memory = MemorySampler(server.pid)
    rows = []
    try:
        try:
            wait_for(base + "/", 120)
        except SystemExit:
            print((var_dir / "gunicorn.log").read_text()[-3000:])
            raise
        memory.start()
        paths["a sitemap"] = [first_sitemap(base)]
        for name in PAGES:
            warm(base, paths[name], 2, 3)
            workers = children(server.pid)
            database = DatabaseCpu(database_url, started)
            database.start()
            cpu = cpu_seconds(workers)
            result = wrk(base, paths[name], connections, seconds)
            result["cpu"] = cpu_seconds(workers) - cpu
            result["db_cpu"] = database.stop()
            rows.append((name, result))
    finally:
        peaks = memory.stop()
        workers = children(server.pid)
        server.terminate()
        server.wait(timeout=30)
    memory_rows = [
        ("master" if pid == server.pid else "worker", peak) for pid, peak in peaks.items()
    ]
    return rows, memory_rows


def measure(args, var_dir: Path) -> None:
    """Everything measured at one size, printed."""
    print(f"  check_index: {measured_check()}", flush=True)
    for name, (p50, p95, cpu50, cpu95, over) in search_times(args.repeat).items():
        limit = f", {over} over the time limit" if over else ""
        print(
            f"  {name}: wall p50 {p50:.0f} ms, p95 {p95:.0f} ms; CPU p50 {cpu50:.0f} ms, "
            f"p95 {cpu95:.0f} ms{limit} (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    if not args.skip_pages:
        rows, peaks = pages(args.database_url, var_dir, args.wrk_seconds, args.connections)
        print(
            f"  {'page':14} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
            f"{'errors':>6} {'CPU ms/req':>10} {'DB CPU ms/req':>13}  ({args.connections} "
            f"connections, {args.wrk_seconds} s, load {os.getloadavg()[0]:.1f})"
        )
        for name, r in rows:
            per = max(r["requests"], 1)
            print(
                f"  {name:14} {r['rps']:7.1f} {r['p50']:7.0f} {r['p95']:7.0f} {r['p99']:7.0f} "
                f"{r['errors']:6d} {1000 * r['cpu'] / per:10.1f} "
                f"{1000 * r['db_cpu'] / per:13.1f}"
            )
        for role, peak in peaks:
            print(f"  gunicorn {role}: peak {peak['hwm']:.0f} MiB (PSS {peak['pss']:.0f})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  this process's peak memory: {peak:.0f} MiB", flush=True)


def print_rebuild(rebuilt: dict) -> None:
    per = 1000 / max(rebuilt["indexed"], 1)  # CPU ms per article from CPU seconds
    print(
        f"  rebuild: {rebuilt['indexed']:,} articles in {rebuilt['wall']:.0f} s, "
        f"{rebuilt['indexed'] / rebuilt['wall']:,.0f} articles/s (load "
        f"{os.getloadavg()[0]:.1f}); CPU ms per article: this process "
        f"{rebuilt['cpu'] * per:.2f}, writers {rebuilt['writers cpu'] * per:.2f}, "
        f"PostgreSQL {rebuilt['postgres cpu'] * per:.2f}; peak memory: this process "
        f"{rebuilt['peak']:.0f} MiB, largest child so far {rebuilt['writers peak']:.0f} MiB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/newsarchive_scale"
    )
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--backend",
        choices=("postgres", "whoosh"),
        default="postgres",
        help="The search engine measured (whoosh: its index under a temporary directory, "
        "the archive's database still PostgreSQL).",
    )
    parser.add_argument(
        "--index-ahead",
        action="store_true",
        help="The reading process also makes the search rows' vectors (bulk.index_ahead): "
        "less CPU for the importer, more for the reader and in all (docs/performance.md).",
    )
    parser.add_argument(
        "--resume-from",
        type=int,
        default=0,
        help="Keep the database of an earlier run that read this many records, and grow it.",
    )
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="Import nothing: measure the archive --database-url holds (and, with --backend "
        "whoosh, the index under --var-dir; --rebuild builds it first).",
    )
    parser.add_argument(
        "--var-dir",
        type=Path,
        default=None,
        help="The run's directory (the Whoosh index in its whoosh/), kept at the end "
        "(default: a temporary one, removed).",
    )
    parser.add_argument(
        "--connections", type=int, default=2, help="wrk's connections for the pages."
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if not args.skip_pages and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), or pass --skip-pages")

    os.environ["SEARCH_BACKEND"] = args.backend
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="newsarchive-scale-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    if not args.resume_from and not args.measure_only:
        recreate_database(args.database_url)
    setup_django(var_dir, args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Article
    from articles.search.indexing import rebuild_index

    if args.measure_only:
        print(f"== measuring {Article.objects.count():,} articles as they are", flush=True)
        if args.rebuild:
            print_rebuild(measured_rebuild())
        measure(args, var_dir)
    else:
        call_command("migrate", verbosity=0)
        if args.backend == "whoosh" and not args.resume_from:
            rebuild_index()  # an empty index to grow: imports update only an index they find
    have = args.resume_from
    for size in (s for s in sizes if s > have and not args.measure_only):
        print(f"== growing to {size:,} articles", flush=True)
        grown = grow(have, size, args.index_ahead)
        created = grown["created"]
        have = size  # records read so far (a few of them skipped or failed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"size {Article.objects.count():,}: import "
            f"{created / grown['wall']:,.0f} articles/s wall (read + store + index, "
            f"load {os.getloadavg()[0]:.1f}); CPU s per 1,000 "
            + ", ".join(
                f"{name} {grown[name] * 1000 / max(created, 1):.2f}"
                for name in ("importer cpu", "reader cpu", "postgres cpu")
                if name in grown
            )
            + f"; reader peak {grown.get('reader peak', 0):.0f} MiB"
        )
        if args.rebuild:
            print_rebuild(measured_rebuild())
        measure(args, var_dir)
    if not args.var_dir:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
