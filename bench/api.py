"""Latency of the JSON API, request by request, through Django's test client.

    .venv/bin/python bench/api.py [--limit N] [--repeat R] [--workdir DIR] [--json FILE]

Loads the first N records of the shared corpus (``bench/corpus.py``; 3,000 by default) into
a throw-away SQLite database and Whoosh index under a temp var dir (kept with
``--workdir``, and reused by a second run with the same limit), then sends a fixed mix of
API requests R times each after a warm-up, in this process: lists of articles (plain,
filtered, a later page, a big page), an article, authors, entities, and searches (a common
word, two words, a phrase, a Persian word, a facet filter). Prints p50 / p95 wall-clock and
the p50 CPU time (steadier on a shared machine) per request in milliseconds, and the load
average. The test client leaves out the network and the server,
so the numbers are the application's own work: database, search engine, serialisation.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import describe, prepare_archive  # noqa: E402

WARMUP = 3


def requests() -> list[tuple[str, str]]:
    """(label, path) of each request in the mix, with slugs taken from the archive."""
    from articles import public

    article = public.articles().newest_first().first()
    author = public.authors().order_by("-article_count", "name").first()
    entity = public.listed_entities("").order_by("-article_count", "name").first()
    mix = [
        ("articles", "/api/articles/"),
        ("articles, page 5", "/api/articles/?page=5"),
        ("articles, 100 a page", "/api/articles/?page_size=100"),
        ("articles, oldest, from 2000", "/api/articles/?ordering=oldest&from=2000"),
        ("authors", "/api/authors/"),
        ("entities", "/api/entities/"),
        ("search: the", "/api/search/?q=the"),
        ("search: oil prices", "/api/search/?q=oil+prices"),
        ("search: phrase", "/api/search/?q=%22prime+minister%22"),
        ("search: تهران", "/api/search/?q=%D8%AA%D9%87%D8%B1%D8%A7%D9%86"),
        ("search: facet", "/api/search/?q=government&f=language:en&page_size=50"),
    ]
    if article:
        mix.insert(4, ("article", f"/api/articles/{article.slug}/"))
    if author:
        mix.append(("author", f"/api/authors/{author.slug}/"))
        mix.append(("articles by author", f"/api/articles/?author={author.slug}"))
    if entity:
        mix.append(("entity", f"/api/entities/{entity.slug}/"))
        mix.append(("articles mentioning", f"/api/articles/?entity={entity.slug}"))
    return mix


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=3000, help="records to load (3000)")
    parser.add_argument("--repeat", type=int, default=30, help="times each request (30)")
    parser.add_argument("--workdir", type=Path, default=None, help="kept between runs")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsarchive-api-bench-"))
    os.environ["SEARCH_BACKEND"] = "whoosh"
    stats = prepare_archive(workdir / "var", args.limit)
    print(describe(stats), flush=True)

    from django.conf import settings
    from django.test import Client
    from haystack import connections

    from articles.search.indexing import rebuild_index

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain http
    backend = connections["default"].get_backend()
    if not stats.reused or not Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"]).exists():
        backend.setup(create=True)
        print(f"indexed {rebuild_index(procs=2):,} articles", flush=True)

    client = Client()
    results = {}
    print(f"\n{'request':32} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8}  status  bytes", flush=True)
    for label, path in requests():
        times, cpu = [], []
        for i in range(WARMUP + args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            if i >= WARMUP:
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        results[label] = {
            "path": path,
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 95), 2),
            "cpu_p50_ms": round(statistics.median(cpu), 2),
            "status": response.status_code,
            "bytes": len(response.content),
        }
        r = results[label]
        print(
            f"{label:32} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f} {r['cpu_p50_ms']:8.2f}  "
            f"{r['status']:6}  {r['bytes']}",
            flush=True,
        )
    print(f"\nload average {os.getloadavg()[0]:.2f}; {args.repeat} runs each after {WARMUP}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
