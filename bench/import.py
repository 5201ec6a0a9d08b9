"""Import throughput and peak memory: a corpus end to end (parse, clean, store, index).

    .venv/bin/python bench/import.py [--corpus reuters] [--limit N]
    .venv/bin/python bench/import.py --copies 20000 [--database-url postgres://…/newsarchive_import_bench]

Runs in a throw-away SQLite database and Whoosh index under a temp folder (or the
database DATABASE_URL names, which it must be allowed to migrate), and prints, for the
whole run and for each stage on its own: articles, seconds, articles/s; then the peak
resident memory of the process.

With ``--copies N``: the PostgreSQL import's CPU per article, process by process (issue 18).
The database ``--database-url`` names is dropped and made afresh, migrated, and the first
N of ``bench/scale.py``'s copied records are imported into it with ``SEARCH_BACKEND=postgres``
as ``bench.scale.grow`` imports them (a reading process, no extraction, no stories); it
prints the wall rate, the load average before and after, the CPU milliseconds per
article of the importer, the reader and the importer's PostgreSQL backend, and the peak
resident memory of the importer and the reader.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="reuters")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--copies", type=int, default=None)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/newsarchive_import_bench"
    )
    args = parser.parse_args()
    if args.copies:
        cpu_per_article(args.copies, args.database_url)
        return

    workdir = Path(tempfile.mkdtemp(prefix="newsarchive-bench-"))
    # DEBUG off, as in production: with it on, Django keeps every query in memory.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["NEWSARCHIVE_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from articles.ingest.pipeline import import_records
    from articles.ingest.sources import corpus_records
    from articles.models import Article
    from articles.search.indexing import deferred_indexing, update_articles

    call_command("migrate", verbosity=0)
    # An import updates the index it finds; a new archive's index is made first, as
    # `make run` makes it (`sync_index`).
    call_command("sync_index", verbosity=0)
    corpus_root = settings.SHARED_DIR / "corpus"

    rows = []

    start = time.perf_counter()
    parsed = sum(1 for _ in corpus_records(args.corpus, corpus_root, limit=args.limit))
    rows.append(("read + clean (reader only)", parsed, time.perf_counter() - start))

    # Store without indexing, then index on its own, to see each stage's cost...
    start = time.perf_counter()
    with deferred_indexing() as pending:
        report = import_records(corpus_records(args.corpus, corpus_root, limit=args.limit))
        stored = sorted(pending)
        pending.clear()
    rows.append(("store (database)", len(report.created), time.perf_counter() - start))
    start = time.perf_counter()
    indexed, _ = update_articles(stored)
    rows.append(("index (Whoosh, batched)", indexed, time.perf_counter() - start))

    # ...and the whole import as a user runs it, into an empty archive.
    Article.objects.all().delete()
    from haystack import connections

    connections["default"].get_backend().clear()
    start = time.perf_counter()
    report = import_records(corpus_records(args.corpus, corpus_root, limit=args.limit))
    rows.append(
        ("end to end (read, clean, store, index)", len(report.created), time.perf_counter() - start)
    )

    print(
        f"Import benchmark: corpus {args.corpus}, limit {args.limit or 'none'}, "
        f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
    )
    print(f"{'stage':42} {'articles':>9} {'seconds':>9} {'articles/s':>11}")
    for name, n, seconds in rows:
        print(f"{name:42} {n:9d} {seconds:9.1f} {n / seconds:11.0f}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak_mib:.0f} MiB")
    print(f"failed: {report.failed_count}")


def cpu_per_article(copies: int, database_url: str) -> None:
    os.environ["SEARCH_BACKEND"] = "postgres"
    from bench.corpus import recreate_database, setup_django

    recreate_database(database_url)
    setup_django(Path(tempfile.mkdtemp(prefix="newsarchive-bench-")), database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench.scale import grow

    load = os.getloadavg()[0]
    grown = grow(0, copies)
    created = max(grown["created"], 1)
    spent = [grown.get(name, 0.0) * 1000 / created for name in ("importer cpu", "reader cpu")]
    spent.append(grown["postgres cpu"] * 1000 / created)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{grown['created']:,} articles of {copies:,} records: "
        f"{grown['created'] / grown['wall']:,.0f} articles/s wall, load {load:.1f} -> "
        f"{os.getloadavg()[0]:.1f}; CPU ms per article: importer {spent[0]:.3f}, reader "
        f"{spent[1]:.3f}, PostgreSQL {spent[2]:.3f}, all three {sum(spent):.3f}; "
        f"peak MiB: importer {peak:.0f}, reader {grown.get('reader peak', 0):.0f}"
    )


if __name__ == "__main__":
    main()
