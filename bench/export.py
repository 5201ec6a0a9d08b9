"""Export speed and memory: 100,000 rows of a search as CSV and as JSON Lines, streamed the
way ``/api/export/`` streams them (``articles.search.export``).

    .venv/bin/python bench/export.py [--limit N] [--rows R] [--workdir DIR] [--full-text]

The shared corpus (all of it by default, about 108,000 articles; ``bench/corpus.py``) in a
throw-away SQLite database with its Whoosh index (``rebuild_index``); with ``--workdir``
the archive is kept, and ``bench/trends.py``'s Whoosh archive in the same workdir
(``var-whoosh``) is reused. Then, per format: the search's ids in one engine call
(``matching_ids``: every published article, newest first), the first ``--rows`` of them
read and written out a chunk at a time (the pieces are counted, not kept, as a client
reading the stream would), timing the whole and sampling the process's resident memory
after each piece. Printed: rows, seconds, rows/s, MB written, resident memory at the
start, after 10% of the rows, at the end and its peak (``ru_maxrss``): flat memory
means the end is close to the 10% mark, not ten times it.

Then the resident memory after each step (Python started, Django set up, the engine's first
answer, the ids, the first rows, the end), split into the heap (``RssAnon``) and pages of
mapped files (``RssFile``: an index read through mmap); ``--trace`` adds the Python
allocations each step kept (tracemalloc) and where they were made. ``--database-url``: an
archive already in PostgreSQL with its PostgreSQL search index (``import_articles`` with
``SEARCH_BACKEND=postgres``), used as it is.

Target (issue 19): 100,000 rows in under 60 s with memory flat.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mib(kind: str = "VmRSS") -> float:
    """Resident memory of this process now, from /proc (MiB): all of it (``VmRSS``), or
    ``RssAnon`` (the heap: what the process allocated) or ``RssFile`` (pages of files it
    mapped, such as an index read through mmap: the kernel's page cache, shared and
    given back under pressure)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{kind}:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Steps:
    """Resident memory after each step of an export, split into heap and mapped files,
    and with ``trace`` the Python allocations each step kept (tracemalloc)."""

    def __init__(self, trace: bool):
        self.trace = trace
        self.rows: list[tuple[str, float, float, float, float, float]] = []
        self.last_rss = self.last_anon = 0.0
        self.top: list[tuple[str, list]] = []
        if trace:
            import tracemalloc

            tracemalloc.start(5)
            self.snapshot = tracemalloc.take_snapshot()

    def mark(self, step: str) -> None:
        rss, anon, file = rss_mib(), rss_mib("RssAnon"), rss_mib("RssFile")
        python = 0.0
        if self.trace:
            import tracemalloc

            snapshot = tracemalloc.take_snapshot()
            stats = snapshot.compare_to(self.snapshot, "lineno")
            python = sum(stat.size_diff for stat in stats) / 2**20
            self.top.append((step, stats[:5]))
            self.snapshot = snapshot
        self.rows.append((step, rss, rss - self.last_rss, anon, file, python))
        self.last_rss = rss

    def stop_tracing(self) -> None:
        """Before the rows stream: tracemalloc would make them many times slower."""
        if self.trace:
            import tracemalloc

            tracemalloc.stop()
            self.trace_steps, self.trace = len(self.rows), False

    def report(self) -> None:
        print(
            "| step | RSS MiB | change | of which heap (RssAnon) | mapped files (RssFile) |"
            + (" Python allocations kept, MiB |" if self.trace else "")
        )
        print("|---|--:|--:|--:|--:|" + ("--:|" if self.trace else ""))
        for step, rss, change, anon, file, python in self.rows:
            print(
                f"| {step} | {rss:.0f} | {change:+.0f} | {anon:.0f} | {file:.0f} |"
                + (f" {python:+.1f} |" if self.trace else "")
            )
        for step, stats in self.top:
            print(
                f"  {step}: "
                + "; ".join(
                    f"{stat.traceback[0].filename.rsplit('/', 2)[-1]}:{stat.traceback[0].lineno} "
                    f"{stat.size_diff / 2**20:+.1f} MiB"
                    for stat in stats[:3]
                )
            )


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="records to load (default all)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None, help="kept between runs")
    parser.add_argument("--full-text", action="store_true", help="with each article's body")
    parser.add_argument("--format", choices=["csv", "jsonl", "both"], default="both")
    parser.add_argument(
        "--database-url",
        help="an archive already loaded and indexed in PostgreSQL (SEARCH_BACKEND=postgres, "
        "e.g. by import_articles): nothing is loaded or indexed",
    )
    parser.add_argument(
        "--trace", action="store_true", help="the Python allocations of each step (slower)"
    )
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsarchive-export-bench-"))

    import os

    steps = Steps(args.trace)
    steps.mark("Python started")
    os.environ["SEARCH_BACKEND"] = "postgres" if args.database_url else "whoosh"
    if args.trace:  # a search traced runs several times slower than its time budget allows
        os.environ["SEARCH_TIME_LIMIT"] = "600"
    from bench.corpus import describe, prepare_archive, setup_django

    var_dir = workdir / ("var-postgres" if args.database_url else "var-whoosh")
    if args.database_url:
        setup_django(var_dir, args.database_url)
    else:
        print(describe(prepare_archive(var_dir, args.limit)), flush=True)

    from django.http import QueryDict
    from haystack import connections

    from articles.models import Article
    from articles.search import export
    from articles.search.indexing import rebuild_index
    from articles.search.service import SearchParams, run_search

    articles = Article.objects.published().count()
    marker = var_dir / "bench-trends-indexed"  # bench/trends.py's: the index is this archive's
    if args.database_url:
        pass
    elif not marker.exists() or marker.read_text() != str(articles):
        connections["default"].get_backend().setup(create=True)
        started = time.perf_counter()
        rebuild_index(procs=2)
        print(f"indexed {articles:,} in {time.perf_counter() - started:.0f} s", flush=True)
        marker.write_text(str(articles))

    query = QueryDict(mutable=True)
    query["sort"] = "newest"
    params = SearchParams.from_query(query)
    steps.mark("Django set up, archive counted")
    # The engine's first answer (an index opened, its caches filled) apart from the ids.
    first = run_search(replace(params, per_page=1))
    steps.mark(f"first search ({first.total:,} found, 1 shown)")
    ids = export.matching_ids(params, limit=None)[: args.rows]
    steps.mark(f"{len(ids):,} ids (matching_ids)")
    del ids
    steps.mark("ids dropped")
    steps.stop_tracing()
    print(f"{articles:,} published articles; load average {os.getloadavg()[0]:.1f}")
    print(
        "| format | rows | seconds | rows/s | MB written | RSS start MiB | RSS at 10% | "
        "RSS end | peak RSS |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for fmt in ("csv", "jsonl") if args.format == "both" else (args.format,):
        start_rss = rss_mib()
        started = time.perf_counter()
        ids = export.matching_ids(params, limit=None)[: args.rows]
        engine_s = time.perf_counter() - started
        records = export.rows(
            ids, lambda path: "https://archive.example.org" + path, full_text=args.full_text
        )
        pieces = (
            export.as_csv(records, full_text=args.full_text)
            if fmt == "csv"
            else export.as_jsonl(records)
        )
        # Each piece is CHUNK rows (the last one fewer): a tenth of the rows is a count.
        written, at_tenth, highest = 0, 0.0, 0.0
        for number, piece in enumerate(pieces, 1):
            written += len(piece.encode())
            if number == 1:
                steps.mark(f"{fmt}: ids again and the first {export.CHUNK} rows")
            now = rss_mib()
            highest = max(highest, now)
            if not at_tenth and number * export.CHUNK >= len(ids) / 10:
                at_tenth = now
        seconds = time.perf_counter() - started
        print(
            f"| {fmt}{' + text' if args.full_text else ''} | {len(ids):,} | {seconds:.1f} "
            f"(engine {engine_s:.2f}) | {len(ids) / seconds:,.0f} | {written / 1e6:.0f} | "
            f"{start_rss:.0f} | {at_tenth:.0f} | {rss_mib():.0f} (highest {highest:.0f}) | "
            f"{peak_mib():.0f} |",
            flush=True,
        )
        steps.mark(f"{fmt}: all rows written")
    print()
    steps.report()


if __name__ == "__main__":
    main()
