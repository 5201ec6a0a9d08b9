"""Searches sorted by date against an archive in PostgreSQL: which shapes are slow (issue 18).

    SEARCH_BACKEND=postgres .venv/bin/python bench/sorted.py --database-url postgres://…/archive \
        [--repeat 3] [--only REGEX] [--pages 1] [--answers FILE]

A grid of searches, each as the search page runs it (``run_search(SearchParams.from_query(
QueryDict))``: six facet counts, highlighted titles and snippets, the page's articles
loaded), every one sorted oldest and newest first:

- the words: one common word, two words, a phrase, and none (browsing by a filter alone);
- the filters: none, each facet (publication, section, language: a broad and a small one,
  year: an old and a recent one, author and entity: the commonest of each in the archive,
  read from its search table at the start), a date range (a month, and decades), and facets beside a
  date range.

Per shape, after a warm-up pass: the total, and the p50 and max over ``--repeat`` passes of
the wall time and of the CPU of the database's server process (``/proc/<pid>/stat`` of the
connection's backend, in 10 ms ticks; the server's share is what a slow plan costs). The
slowest shapes are listed last, with the load average.

``--answers FILE`` writes every shape's answer (the page's ids and scores, the total,
whether it is exact, the facets and among how many they were counted) as JSON, one line a
shape: two runs' files compared byte for byte say whether a change altered what a reader
sees. ``--pages 1,3`` runs each shape at those page numbers.

The search's own time limit is lifted (``SEARCH_TIME_LIMIT=120``) so that a slow shape is
timed to its end; those past the site's 1 s are marked.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import setup_django  # noqa: E402
from bench.search import percentile  # noqa: E402

WORDS = [
    ("browse", ""),
    ("word", "q=oil"),
    ("words", "q=interest rates"),
    ("phrase", 'q="prime minister"'),
]
SORTS = ["oldest", "newest"]
# (name, the filter's parameters); {author} and {entity} are read from the archive.
FILTERS = [
    ("none", ""),
    ("publication", "f=publication:Reuters"),
    ("section", "f=section:Business"),
    ("language-broad", "f=language:en"),
    ("language-small", "f=language:fa"),
    ("year-old", "f=year:1987"),
    ("year-recent", "f=year:2025"),
    ("author", "f=authors:{author}"),
    ("entity", "f=entities:{entity}"),
    ("month", "from=1987-03&to=1987-04"),
    ("decades", "from=2000&to=2019"),
    ("publication+month", "f=publication:Reuters&from=1987-03&to=1987-04"),
    ("publication+decades", "f=publication:Reuters&from=1990&to=2009"),
    ("section+decades", "f=section:Business&from=2000&to=2019"),
    ("entity+decades", "f=entities:{entity}&from=1990&to=2009"),
]
TIME_LIMIT_MS = 1000  # the site's SEARCH_TIME_LIMIT


def commonest(column: str) -> str:
    """The commonest value of the search table's facet ``column`` (an array: authors or
    entities), read from the table itself: the search page's own facet counts past 10,000
    matches count a sample."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v FROM search_document, unnest({column}) AS v GROUP BY v "
            "ORDER BY count(*) DESC, v LIMIT 1"
        )
        found = cursor.fetchone()
    if found is None:
        raise SystemExit(f"No {column} in this archive.")
    return found[0]


def grid(pages: list[int], values: dict[str, str]) -> list[tuple[str, str]]:
    """(label, the search page's parameters, unencoded) of every shape."""
    shapes = []
    for words_name, words in WORDS:
        for filter_name, filters in FILTERS:
            if not words and not filters:
                continue  # nothing asked: the search page shows no results
            for sort in SORTS:
                for page in pages:
                    parts = [words, filters.format(**values), f"sort={sort}"]
                    if page > 1:
                        parts.append(f"page={page}")
                    label = f"{words_name} {filter_name} {sort}" + (f" p{page}" if page > 1 else "")
                    shapes.append((label, "&".join(part for part in parts if part)))
    return shapes


def answer(outcome) -> dict:
    """What a reader sees of a search's outcome, in plain values."""
    return {
        "ids": [[hit.article.pk, hit.score] for hit in outcome.hits],
        "total": outcome.total,
        "exact": outcome.total_exact,
        "page": outcome.page,
        "facets": {name: [list(pair) for pair in pairs] for name, pairs in outcome.facets.items()},
        "facets_among": outcome.facets_among,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="run the shapes whose label or parameters match")
    parser.add_argument("--pages", default="1", help="page numbers, comma-separated")
    parser.add_argument("--answers", type=Path, help="write each shape's answer here (JSON)")
    args = parser.parse_args()

    os.environ["SEARCH_BACKEND"] = "postgres"
    os.environ["SEARCH_TIME_LIMIT"] = "120"
    var_dir = Path(tempfile.mkdtemp(prefix="newsarchive-sorted-"))
    setup_django(var_dir, args.database_url)
    from django.db import connection

    from articles.models import Article
    from bench.search import project_search

    values = {"author": commonest("authors_exact"), "entity": commonest("entities_exact")}
    pages = [int(page) for page in args.pages.split(",")]
    shapes = [
        shape
        for shape in grid(pages, values)
        if args.only is None or re.search(args.only, shape[0]) or re.search(args.only, shape[1])
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        server = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    if not server.exists():
        raise SystemExit("The database's server process is not on this machine: no CPU to read.")

    def server_cpu() -> float:
        fields = server.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    load = [os.getloadavg()[0]]
    answers = {label: answer(project_search(query)) for label, query in shapes}  # warm-up
    times: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in shapes}
    for _ in range(args.repeat):
        for label, query in shapes:
            wall, cpu = time.perf_counter(), server_cpu()
            project_search(query)
            times[label].append(((time.perf_counter() - wall) * 1000, (server_cpu() - cpu) * 1000))
    load.append(os.getloadavg()[0])

    articles = Article.objects.published().count()
    print(f"{articles:,} published articles, PostgreSQL, {len(shapes)} shapes × {args.repeat}")
    header = f"{'shape':34} {'total':>9} {'wall p50':>8} {'max':>7} {'db CPU p50':>10} {'max':>7}"
    print(header)
    rows = []
    for label, query in shapes:
        walls = [wall for wall, _ in times[label]]
        cpus = [cpu for _, cpu in times[label]]
        total = answers[label]["total"]
        mark = "" if answers[label]["exact"] else "+"
        row = (label, f"{total:,}{mark}", *(percentile(v, 50) for v in (walls, cpus)))
        rows.append((row, max(walls), max(cpus), query))
        over = " *" if max(walls) > TIME_LIMIT_MS else ""
        print(
            f"{label:34} {row[1]:>9} {row[2]:8.1f} {max(walls):7.1f} {row[3]:10.1f} "
            f"{max(cpus):7.1f}{over}"
        )
    print(f"load average {load[0]:.1f} → {load[1]:.1f} on {os.cpu_count()} CPUs")
    print("slowest by the database's CPU (p50):")
    for row, _, _, query in sorted(rows, key=lambda r: -r[0][3])[:12]:
        print(f"  {row[0]:34} {row[3]:7.1f} ms  {query}")
    walls = [wall for ts in times.values() for wall, _ in ts]
    cpus = [cpu for ts in times.values() for _, cpu in ts]
    print(
        f"grid: wall p50 {percentile(walls, 50):.1f}, p95 {percentile(walls, 95):.1f}, max "
        f"{max(walls):.1f} ms; database CPU p50 {percentile(cpus, 50):.1f}, p95 "
        f"{percentile(cpus, 95):.1f}, max {max(cpus):.1f} ms"
    )
    if args.answers:
        with args.answers.open("w") as out:
            for label, _ in shapes:
                out.write(json.dumps({label: answers[label]}, ensure_ascii=False) + "\n")
    shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
