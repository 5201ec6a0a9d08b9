"""Trends speed on a large archive: five queries compared over 30 years, on Whoosh and on
PostgreSQL, counted in the engine (``articles.search.trends.compare``).

    .venv/bin/python bench/trends.py [--limit N] [--repeat R] [--workdir DIR]
                                     [--database-url URL] [--side both|whoosh|postgres]

Each backend in a process of its own (``--side``): the shared corpus (all of it, or its
first N records with the corpora taking turns: ``bench/corpus.py``) in a throw-away
database (SQLite for Whoosh; for PostgreSQL ``--database-url``, default
``postgres://postgres@127.0.0.1:5432/newsarchive_bench_trends``, dropped and created
afresh), indexed through the project (``rebuild_index``), then each comparison of
``COMPARISONS`` run once to warm up and ``--repeat`` times, as the page runs it (the
year-by-year numbers, the share's denominator, the range's extent). Printed: per
comparison, the buckets, p50 / p95 / max in milliseconds; and a check that each query's
counts add up to the search page's total (``run_search``) for the same range, and that
both backends give the same numbers.

Comparisons of queries with filters of their own (``q1``, ``f1``, ``from1``, ``to1`` …, as
the page's form sends them) are timed and checked the same way.

Target (issue 19): a five-query, 30-year comparison under a second on both backends.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BACKENDS = ("whoosh", "postgres")
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsarchive_bench_trends"
FIVE = ["oil", "government", '"prime minister"', "iran OR iraq", "market -stock"]
# The five with filters of their own: a language, a stretch of years, both, or none; the
# same word twice in two languages (two series of one query text).
OWN = {
    "q1": "oil",
    "f1": "language:en",
    "q2": "government",
    "from2": "2000",
    "to2": "2010",
    "q3": "government",
    "f3": "language:fa",
    "q4": "iran OR iraq",
    "f4": "language:en",
    "from4": "2003",
    "q5": "market -stock",
}
# (name, query string); 1995-2025 is the 30 years the shared corpus spans most of.
COMPARISONS = [
    ("5 queries, 30 years, by year", {"q": FIVE, "from": "1995", "to": "2025"}),
    (
        "5 queries, 30 years, by month",
        {"q": FIVE, "from": "1995", "to": "2025", "interval": "month"},
    ),
    ("5 queries, whole range (extent found)", {"q": FIVE}),
    (
        "5 queries, by year, split by publication",
        {"q": FIVE, "from": "1995", "to": "2025", "split": "publication"},
    ),
    (
        "1 common word, 30 years, by week → month",
        {"q": ["said"], "from": "1995", "to": "2025", "interval": "week"},
    ),
    ("5 queries, a language filter", {"q": FIVE, "from": "1995", "to": "2025", "f": "language:en"}),
    # Each query with filters of its own (the page's numbered form: q1, f1, from1, to1 …).
    (
        "5 queries, each with its own filters, 30 years",
        {"from": "1995", "to": "2025", **OWN},
    ),
    ("5 queries, each with its own filters, whole range", OWN),
    (
        "5 queries, own filters within a shared one, by month",
        {**OWN, "f": "language:en", "from": "1995", "to": "2025", "interval": "month"},
    ),
]


def query_dict(values: dict):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in values.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def side(backend: str, args) -> dict:
    """Load, index and time on one backend; returns the numbers."""
    from bench.corpus import describe, prepare_archive

    os.environ["SEARCH_BACKEND"] = backend
    database_url = args.database_url if backend == "postgres" else None
    var_dir = args.workdir / f"var-{backend}"
    stats = prepare_archive(var_dir, args.limit, database_url=database_url)
    print(describe(stats), flush=True)

    from haystack import connections

    from articles.models import Article
    from articles.search.indexing import rebuild_index
    from articles.search.service import run_search
    from articles.search.trends import TrendParams, compare

    search_backend = connections["default"].get_backend()
    marker = var_dir / "bench-trends-indexed"
    articles = Article.objects.published().count()
    if not marker.exists() or marker.read_text() != str(articles):
        if backend == "whoosh":
            search_backend.setup(create=True)
        started = time.perf_counter()
        indexed = rebuild_index(procs=2)
        print(
            f"{backend}: indexed {indexed:,} in {time.perf_counter() - started:.0f} s", flush=True
        )
        marker.write_text(str(articles))

    out = {"backend": backend, "articles": articles, "comparisons": []}
    for name, values in COMPARISONS:
        params = TrendParams.from_query(query_dict(values))
        result = compare(params)  # warm-up (and the numbers to check)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            compare(params)
            times.append((time.perf_counter() - started) * 1000)
        numbers = {series_key(s): s.counts for s in result.series}
        out["comparisons"].append(
            {
                "name": name,
                "interval": result.interval,
                "buckets": len(result.buckets),
                "series": len(result.series),
                "p50_ms": statistics.median(times),
                "p95_ms": percentile(times, 95),
                "max_ms": max(times),
                "numbers": numbers,
                "totals": result.totals,
            }
        )
        print(
            f"{backend}: {name}: {len(result.buckets)} {result.interval}s, "
            f"p50 {statistics.median(times):.0f} ms, max {max(times):.0f} ms",
            flush=True,
        )
    # Each query's counts add up to the search page's total for the same query, range and
    # filters (its own and the shared ones), where the range is given.
    differ = []
    for name, values in COMPARISONS:
        if "from" not in values or values.get("split"):
            continue
        for series in compare(TrendParams.from_query(query_dict(values))).series:
            total = run_search(replace(series.filters, q=series.query)).total
            if series.count != total:
                differ.append((name, series_key(series), series.count, total))
    out["differ_from_search"] = differ
    return out


def series_key(series) -> str:
    """A series by its query, the filters it counts in and its split value: one query text
    may be asked twice with filters of its own."""
    from urllib.parse import urlencode

    filters = urlencode(sorted(series.filters.as_query().items()), doseq=True)
    return f"{series.query}|{filters}|{series.value or ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="records to load (default all)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None, help="kept between runs")
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--side", choices=["both", "whoosh", "postgres"], default="both")
    parser.add_argument("--json", type=Path, default=None, help="write one side's numbers here")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="print the table of the sides' numbers kept in --workdir (each run with --side)",
    )
    args = parser.parse_args()
    args.workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsarchive-trends-bench-"))
    args.workdir.mkdir(parents=True, exist_ok=True)

    if args.side != "both" and not args.report_only:
        out = side(args.side, args)
        if args.json:
            args.json.write_text(json.dumps(out))
        return

    if args.report_only:
        report([json.loads((args.workdir / f"{b}.json").read_text()) for b in BACKENDS])
        return
    results = []
    for backend in BACKENDS:
        target = args.workdir / f"{backend}.json"
        command = [
            sys.executable,
            __file__,
            "--side",
            backend,
            "--repeat",
            str(args.repeat),
            "--workdir",
            str(args.workdir),
            "--database-url",
            args.database_url,
            "--json",
            str(target),
        ]
        if args.limit:
            command += ["--limit", str(args.limit)]
        subprocess.run(command, check=True)
        results.append(json.loads(target.read_text()))
    report(results)


def report(results: list[dict]) -> None:
    """One table of both sides' numbers."""
    print()
    whoosh, postgres = results
    print(
        f"articles: {whoosh['articles']:,} (Whoosh), {postgres['articles']:,} (PostgreSQL); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("| comparison | buckets | Whoosh p50 / max ms | PostgreSQL p50 / max ms | same numbers |")
    print("|---|--:|--:|--:|:-:|")
    for w, p in zip(results[0]["comparisons"], results[1]["comparisons"], strict=True):
        same = w["numbers"] == p["numbers"] and w["totals"] == p["totals"]
        print(
            f"| {w['name']} | {w['buckets']} {w['interval']}s × {w['series']} | "
            f"{w['p50_ms']:.0f} / {w['max_ms']:.0f} | {p['p50_ms']:.0f} / {p['max_ms']:.0f} | "
            f"{'yes' if same else 'NO'} |"
        )
    for r in results:
        differ = r["differ_from_search"] or "none"
        print(f"{r['backend']}: counts differing from the search page's totals: {differ}")


if __name__ == "__main__":
    main()
