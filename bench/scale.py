"""The PostgreSQL path at national-archive scale: build a large archive through the
project's own import and measure it as it grows (issue 18).

    .venv/bin/python bench/scale.py [--sizes 100000,300000,1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/newsarchive_scale]
        [--wrk-seconds 10] [--repeat 3] [--skip-pages] [--rebuild] [--backend postgres|whoosh]
        [--index-ahead]

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
page runs it (facets, highlights and the page's articles included), p50 / p95 over
``--repeat`` runs after a warm-up; then, unless ``--skip-pages``, the pages under gunicorn
(2 workers, DEBUG off) with wrk, 4 connections for ``--wrk-seconds`` each: home, an article,
search, an entity, an author, a year of the date archive, the sitemap index and one sitemap
— requests/s, p50, p99, errors — and the peak memory of the gunicorn processes.
``--rebuild`` also times a whole rebuild of the search index (articles/s).
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
from bench.load import free_port, parse_wrk, server_env, wait_for  # noqa: E402
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


def search_times(repeat: int) -> dict[str, tuple[float, float, int]]:
    """p50 / p95 (ms) of the bench/search.py mix and of the dev queries, and how many runs
    went over the search time limit (``SEARCH_TIME_LIMIT``; their time counts as spent)."""
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

        def run(readable: str) -> None:
            nonlocal over
            try:
                project_search(readable)
            except SearchOverBudget:
                over += 1

        for readable in readables:  # warm-up
            run(readable)
        over = 0
        times = [timed(run, r) for _ in range(repeat) for r in readables]
        result[name] = (percentile(times, 50), percentile(times, 95), over)
    return result


def page_paths() -> dict[str, str]:
    from articles import public

    article = public.articles().order_by("-pk").first()
    author = public.authors(counts=False).first()
    entity = public.listed_entities(counts=False).first()
    year = article.published_on.year if article and article.published_on else 1987
    paths = {
        "home": "/",
        "article": article.get_absolute_url(),
        "search": "/search/?q=oil+prices",
        "entity": entity.get_absolute_url() if entity else "/entities/",
        "author": author.get_absolute_url() if author else "/authors/",
        "year": f"/archive/{year}/",
        "sitemap index": "/sitemap.xml",
    }
    return paths


def pages(paths: dict[str, str], database_url: str, var_dir: Path, seconds: int) -> list:
    """wrk against each page under gunicorn; the rows and gunicorn's peak memory (MiB)."""
    env = {
        **server_env(),
        "DATABASE_URL": database_url,
        "SEARCH_BACKEND": os.environ["SEARCH_BACKEND"],
        "NEWSARCHIVE_VAR_DIR": str(var_dir),
        "STATIC_ROOT": str(var_dir / "static"),
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
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
            "--threads",
            "2",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(var_dir / "gunicorn.log").open("ab"),
    )
    rows = []
    try:
        try:
            wait_for(base + "/", 60)
        except SystemExit:
            print((var_dir / "gunicorn.log").read_text()[-3000:])
            raise
        sitemap = _first_sitemap(base)
        if sitemap:
            paths = {**paths, "a sitemap": sitemap}
        for name, path in paths.items():
            out = subprocess.run(  # noqa: S603
                ["wrk", "-t2", "-c4", f"-d{seconds}s", "--latency", base + path],  # noqa: S607
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            rows.append((name, parse_wrk(out)))
        peak = _peak_mib([server.pid, *_children(server.pid)])
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows, peak


def _first_sitemap(base: str) -> str:
    import urllib.request

    with urllib.request.urlopen(base + "/sitemap.xml", timeout=60) as response:  # noqa: S310
        found = re.search(r"<loc>https?://[^/]+(/[^<]+)</loc>", response.read().decode())
    return found.group(1) if found else ""


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _peak_mib(pids: list[int]) -> float:
    peak = 0.0
    for pid in pids:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            found = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
            peak = max(peak, int(found.group(1)) / 1024 if found else 0)
    return peak


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
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if not args.skip_pages and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), or pass --skip-pages")

    os.environ["SEARCH_BACKEND"] = args.backend
    var_dir = Path(tempfile.mkdtemp(prefix="newsarchive-scale-"))
    if not args.resume_from:
        recreate_database(args.database_url)
    setup_django(var_dir, args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Article
    from articles.search.indexing import check_index, rebuild_index

    call_command("migrate", verbosity=0)
    if args.backend == "whoosh" and not args.resume_from:
        rebuild_index()  # an empty index to grow: imports update only an index they find
    have = args.resume_from
    for size in (s for s in sizes if s > have):
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
        print(f"  check_index: {timed(check_index) / 1000:.1f} s")
        if args.rebuild:
            began = time.perf_counter()
            indexed = rebuild_index()
            print(f"  rebuild: {indexed / (time.perf_counter() - began):,.0f} articles/s")
        for name, (p50, p95, over) in search_times(args.repeat).items():
            limit = f", {over} over the time limit" if over else ""
            print(f"  {name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms{limit}")
        if not args.skip_pages:
            rows, peak = pages(page_paths(), args.database_url, var_dir, args.wrk_seconds)
            print(f"  {'page':16} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
            for name, r in rows:
                print(
                    f"  {name:16} {r['rps']:7.1f} {r['p50']:8.0f} {r['p99']:8.0f} {r['errors']:7d}"
                )
            print(f"  gunicorn peak memory: {peak:.0f} MiB per process")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  this process's peak memory: {peak:.0f} MiB", flush=True)
    shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
