"""The whole shared corpus with its entities in a throw-away PostgreSQL database, then the
archive report of ``bench/entities.py --archive`` (junk names, separated surnames, in all
and per corpus).

    nice -n 5 .venv/bin/python bench/entities_corpus.py [--database-url URL] [--minutes N]
                                                        [--clean] [--report-only]

1. ``bench/corpus.py`` loads every corpus (108,841 articles) with the sources' own entity
   tags, as they come (as an import before issue 16's rules stored them), unless the
   database holds that load already (``var/bench-entities-corpus`` keeps the note).
2. Entities are found in the articles not yet looked at, as ``extract_entities --not-yet``
   does, in buckets of ``id % 20`` (each a 5 % systematic sample of every corpus), one bucket
   after the other, for at most ``--minutes`` (all of them without it: hours on a shared
   2-core machine); then names are resolved across the archive.
3. The archive report; with ``--clean``, ``clean_entities`` (today's rules on what is
   stored, its record under the var dir) and the report again.

The corpora are research-use material, read from ../shared/corpus and never stored in git.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import describe, prepare_archive, setup_django  # noqa: E402

VAR_DIR = ROOT / "var" / "bench-entities-corpus"
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsarchive_entities_corpus"
BUCKETS = 20


def extract(minutes: float | None) -> None:
    from django.db.models import F

    from articles.entities.tagging import extract_articles
    from articles.models import Article

    deadline = time.time() + minutes * 60 if minutes else None
    articles = (
        Article.objects.exclude(body="")
        .filter(entities_found_at__isnull=True)
        .annotate(bucket=F("id") % BUCKETS)
        .order_by("bucket", "id")
        .prefetch_related("mentions")
    )

    def until_deadline(items):
        for n, article in enumerate(items):
            if deadline and time.time() > deadline:
                print(f"  time is up after {n:,} articles, in bucket {article.bucket}")
                return
            if n % 5000 == 0:
                print(f"  {time.strftime('%H:%M:%S')} {n:,} articles, bucket {article.bucket}")
            yield article

    cpu, wall = time.process_time(), time.perf_counter()
    done = extract_articles(until_deadline(articles.iterator(chunk_size=500)))
    print(
        f"Entities found in {done:,} articles and resolved across the archive: "
        f"{time.perf_counter() - wall:,.0f} s wall, {time.process_time() - cpu:,.0f} s CPU"
    )


def coverage() -> None:
    from django.db.models import Count, Q

    from articles.models import Article

    rows = (
        Article.objects.values("source_format")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(entities_found_at__isnull=False)))
        .order_by("source_format")
    )
    print("Articles whose entities were looked for, per corpus:")
    for row in rows:
        share = row["done"] / row["n"] if row["n"] else 0
        print(f"  {row['source_format']:<18} {row['done']:>7,} of {row['n']:>7,} ({share:.0%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--minutes", type=float, help="Stop finding entities after N minutes.")
    parser.add_argument("--clean", action="store_true", help="Run clean_entities, report again.")
    parser.add_argument(
        "--report-only", action="store_true", help="Load and extract nothing: report."
    )
    args = parser.parse_args()
    if args.report_only:
        setup_django(VAR_DIR, args.database_url)
    else:
        print(describe(prepare_archive(VAR_DIR, None, database_url=args.database_url)))
        extract(args.minutes)
    # Django is set up: bench/entities.py's own set-up leaves it as it is.
    from bench.entities import archive_report

    coverage()
    archive_report()
    if args.clean:
        from django.core.management import call_command

        out = io.StringIO()
        call_command("clean_entities", no_progress=True, stdout=out)
        lines = out.getvalue().splitlines()
        print(f"\nclean_entities ({len(lines) - 1:,} lines; the first 30 and the summary):")
        print("\n".join(["  " + line for line in lines[:30]] + [lines[-1]]))
        archive_report()


if __name__ == "__main__":
    main()
