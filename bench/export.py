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

Target (issue 19): 100,000 rows in under 60 s with memory flat.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mib() -> float:
    """Resident memory of this process now, from /proc (MiB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="records to load (default all)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None, help="kept between runs")
    parser.add_argument("--full-text", action="store_true", help="with each article's body")
    parser.add_argument("--format", choices=["csv", "jsonl", "both"], default="both")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsarchive-export-bench-"))

    import os

    os.environ["SEARCH_BACKEND"] = "whoosh"
    from bench.corpus import describe, prepare_archive

    var_dir = workdir / "var-whoosh"
    print(describe(prepare_archive(var_dir, args.limit)), flush=True)

    from django.http import QueryDict
    from haystack import connections

    from articles.models import Article
    from articles.search import export
    from articles.search.indexing import rebuild_index
    from articles.search.service import SearchParams

    articles = Article.objects.published().count()
    marker = var_dir / "bench-trends-indexed"  # bench/trends.py's: the index is this archive's
    if not marker.exists() or marker.read_text() != str(articles):
        connections["default"].get_backend().setup(create=True)
        started = time.perf_counter()
        rebuild_index(procs=2)
        print(f"indexed {articles:,} in {time.perf_counter() - started:.0f} s", flush=True)
        marker.write_text(str(articles))

    query = QueryDict(mutable=True)
    query["sort"] = "newest"
    params = SearchParams.from_query(query)
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


if __name__ == "__main__":
    main()
