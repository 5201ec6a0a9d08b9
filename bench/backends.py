"""Whoosh and PostgreSQL side by side: the same corpus, the same query mix, each backend
against its raw engine, then the pages under load.

    .venv/bin/python bench/backends.py [--limit N] [--repeat R] [--workdir DIR]
                                       [--database-url URL] [--load-seconds S]

In one run:

1. **Whoosh**: ``bench/search.py`` in a process of its own (the whole corpus, about 110,000
   articles, into SQLite; the project's ``rebuild_index`` and raw Whoosh; the query mix,
   project and raw). Its numbers come back as JSON.
2. **PostgreSQL**: this script again, in a process of its own (``--side postgres``): the same
   corpus into a throw-away PostgreSQL database (``--database-url``, default
   ``postgres://postgres@127.0.0.1:5432/newsarchive_bench``, dropped and created afresh), the
   project's ``rebuild_index`` on the PostgreSQL search backend, and raw PostgreSQL fed the
   same rows, made beforehand (the same INSERT with ``to_tsvector``, the same indexes). Then
   the same queries (the Whoosh run's mix, rare words included), as the search page runs them
   (``run_search``) and as raw SQL on a psycopg connection of its own: the same tsquery (the
   backend's ``translate`` / ``to_sql``), one count-and-facets aggregation, the ranked page,
   and the same highlighter on the title and body. Both sides must agree on totals, facet
   counts and scores.
3. One table: build rate, p50 / p95 and each against its raw engine, for both backends.
4. With ``--load-seconds`` (default 30; 0 skips): ``bench/load.py`` against gunicorn with two
   workers on each backend's archive: the search page and an article page, wrk on loopback.

Targets (issue 6): PostgreSQL search p95 at most 2× raw SQL; PostgreSQL rebuild at least
1,500 articles/s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsarchive_bench"
PAGE = 20


# --- the PostgreSQL side (its own process) ----------------------------------------------
class RawSQLSearch:
    """The search page's work in plain SQL on a psycopg connection of its own."""

    def __init__(self, dsn: str, bodies: dict[str, str], titles: dict[str, str]):
        import psycopg
        from haystack import connections

        from articles.search import ranking

        self.ranking = ranking
        self.backend = connections["default"].get_backend()
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.bodies, self.titles = bodies, titles
        self.facets = []
        from articles.search.facets import FACETS

        for name, _ in FACETS:
            self.facets.append((f"{name}_exact", name in {"authors", "entities"}))

    def run(self, params) -> tuple[int, list[tuple[str, float]], dict]:
        from articles.search import syntax
        from articles.search.backends.postgres_queries import rank_terms, to_sql, translate
        from articles.search.backends.postgres_statistics import _frequency
        from articles.search.backends.postgres_tables import TABLE
        from articles.search.highlight import highlight_words, snippet

        clauses, values, rank = [], [], []
        cur = self.conn.cursor()
        if params.q:
            node, rank_only = self.ranking.narrow(
                syntax.parse(params.q), lambda terms: _frequency(cur, terms)
            )
            expr = translate(node)
            if expr is None:
                return 0, [], {}
            sql, args = to_sql(expr)
            clauses.append(sql)
            values += args
            rank = list(dict.fromkeys(rank_terms(expr) + rank_only))
        for name, value in params.facets:
            multi = name in {"authors", "entities"}
            clauses.append("facets @> %s::jsonb")
            values.append(json.dumps({f"{name}_exact": [value] if multi else value}))
        if params.date_from:
            clauses.append("published_on >= %s")
            values.append(params.date_from)
        if params.date_to:
            clauses.append("published_on <= %s")
            values.append(params.date_to)
        where = " AND ".join(clauses) or "TRUE"
        sort = {"relevance": None, "newest": ["-published_on"], "oldest": ["published_on"]}
        with cur:
            # The backend's own ranking SQL (BM25, feedback in the first window), on this
            # connection: what differs from the project is Django and haystack around it.
            offset = (params.page - 1) * PAGE
            rows = self.backend._ranked(
                cur,
                where,
                values,
                rank,
                sort[params.sort],
                offset,
                offset + PAGE,
                {"archive_query": params.q},
            )
            page = [(pk, float(s)) for _, pk, s in rows]
            selects, extra = ["SELECT NULL::text, NULL::text, count(*) FROM m"], []
            for name, multi in self.facets:
                if multi:
                    selects.append(
                        "(SELECT %s, v, count(*) FROM m, jsonb_array_elements_text(m.facets -> %s)"
                        " v GROUP BY v ORDER BY count(*) DESC, v LIMIT 1000)"
                    )
                    extra += [name, name]
                else:
                    selects.append(
                        "(SELECT %s, m.facets ->> %s, count(*) FROM m WHERE m.facets ->> %s <> ''"
                        " GROUP BY 2 ORDER BY count(*) DESC, 2 LIMIT 1000)"
                    )
                    extra += [name, name, name]
            cur.execute(
                f"WITH m AS MATERIALIZED (SELECT facets FROM {TABLE} WHERE {where}) "  # noqa: S608
                + " UNION ALL ".join(selects),
                [*values, *extra],
            )
            total, facets = 0, {name: [] for name, _ in self.facets}
            for name, value, count in cur.fetchall():
                if name is None:
                    total = count
                else:
                    facets[name].append((value, count))
        for pk, _ in page:
            highlight_words(self.titles[pk], params.q)
            snippet(self.bodies[pk], params.q)
        return total, page, {k: sorted(v, key=lambda i: (-i[1], i[0])) for k, v in facets.items()}


def raw_rebuild(backend, rows: list[list]) -> tuple[float, float]:
    """(wall, CPU) seconds for raw PostgreSQL to build the backend's table and indexes from
    rows made beforehand (one connection, the same INSERT with to_tsvector)."""
    from django.db import connection

    from articles.search.backends import postgres as pg
    from articles.search.backends.postgres_tables import TABLE
    from bench.search import clock, since

    table = "bench_raw_document"
    insert = backend._insert_sql(table, upsert=False)
    started = clock()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        indexes = pg.empty_copy(cursor, TABLE, table)
        for start in range(0, len(rows), pg.BATCH):
            cursor.executemany(insert, rows[start : start + pg.BATCH])
        for statement in indexes:  # the search table's indexes, named for this one
            cursor.execute(statement.replace(TABLE, table))
    elapsed = since(started)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")
    return elapsed


def postgres_side(args) -> None:
    from bench.corpus import describe, prepare_archive
    from bench.search import (
        WARMUP,
        percentile,
        project_search,
        query_dict,
        rebuild_through_project,
    )

    os.environ["SEARCH_BACKEND"] = "postgres"
    stats = prepare_archive(args.workdir / "var", args.limit, database_url=args.database_url)
    print(describe(stats), flush=True)

    from haystack import connections

    from articles.models import Article
    from articles.search.indexing import _article_index
    from articles.search.service import SearchParams

    backend = connections["default"].get_backend()
    backend.setup()
    articles = Article.objects.published().count()
    load = {"indexing": os.getloadavg()[0]}
    print(f"PostgreSQL: indexing {articles:,} articles through rebuild_index(procs=2)…")
    indexed, project_index = rebuild_through_project()
    print(f"  {project_index[0]:.1f} s", flush=True)

    index = _article_index()
    made = (backend._row(index, obj) for obj in index.index_queryset().iterator(chunk_size=1000))
    rows = [row for row in made if row is not None]
    print("raw PostgreSQL: the same rows, made beforehand…", flush=True)
    raw_index = raw_rebuild(backend, rows)
    print(f"  {raw_index[0]:.1f} s", flush=True)
    del rows

    mix = [tuple(item) for item in json.loads(args.mix.read_text())["mix"]]
    published = Article.objects.published()
    bodies = {str(pk): body for pk, body in published.values_list("pk", "body")}
    titles = {str(pk): title for pk, title in published.values_list("pk", "title")}
    raw = RawSQLSearch(args.database_url, bodies, titles)
    params = [SearchParams.from_query(query_dict(qs)) for _, qs in mix]
    load["searching"] = os.getloadavg()[0]
    print(f"searching: {len(mix)} queries × {args.repeat} passes after a warm-up…", flush=True)
    mismatches, totals = [], []
    for _ in range(WARMUP):
        for (kind, qs), p in zip(mix, params, strict=True):
            outcome = project_search(qs)
            total, page, facets = raw.run(p)
            totals.append(outcome.total)
            mine = sorted(round(h.score, 4) for h in outcome.hits)
            differ = [n for n, c in outcome.facets.items() if c != facets.get(f"{n}_exact", c)]
            if outcome.total != total or mine != sorted(round(s, 4) for _, s in page) or differ:
                mismatches.append(f"{kind} {qs}: project {outcome.total}, raw {total}; {differ}")
    times = {"project": [], "raw": []}
    for _ in range(args.repeat):
        for i, (_, qs) in enumerate(mix):
            for side, run, arg in (("project", project_search, qs), ("raw", raw.run, params[i])):
                wall, cpu = time.perf_counter(), time.process_time()
                run(arg)
                times[side].append(
                    ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
                )
    load["end"] = os.getloadavg()[0]

    def summary(side):
        wall = [w for w, _ in times[side]]
        cpu = [c for _, c in times[side]]
        return [percentile(wall, 50), percentile(wall, 95), sum(wall) / len(wall)] + [
            percentile(cpu, 50),
            percentile(cpu, 95),
        ]

    args.json.write_text(
        json.dumps(
            {
                "backend": "postgres",
                "articles": articles,
                "rebuild": {
                    "documents": indexed,
                    "wall": project_index[0],
                    "cpu": project_index[1],
                },
                "raw_rebuild": {
                    "documents": articles,
                    "wall": raw_index[0],
                    "cpu": raw_index[1],
                    "label": "raw SQL, same INSERT, rows made beforehand",
                },
                "search": {side: summary(side) for side in ("project", "raw")},
                "mix": mix,
                "totals": totals,
                "mismatches": mismatches,
                "load": load,
            },
            indent=1,
        )
    )


# --- the driver ---------------------------------------------------------------------------
def run(command: list[str], env: dict | None = None) -> None:
    """Run ``command`` from the project's root; ``env`` values of None unset a variable."""
    print("$ " + " ".join(command), flush=True)
    environment = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    subprocess.run(command, cwd=ROOT, env=environment, check=True)  # noqa: S603


def table(whoosh: dict, postgres: dict) -> str:
    lines = [
        f"NewsArchive backends benchmark: {whoosh['articles']:,} published articles "
        "(Whoosh on SQLite; PostgreSQL full-text search on PostgreSQL)",
        "",
        f"{'':34} {'Whoosh':>10} {'PostgreSQL':>10}",
    ]

    def row(label, value, fmt):
        lines.append(f"{label:34} " + " ".join(format(value(s), fmt).rjust(10) for s in sides))

    def rate(s, key):
        return s[key]["documents"] / s[key]["wall"]

    sides = (whoosh, postgres)
    row("rebuild, articles/s (wall)", lambda s: rate(s, "rebuild"), ",.0f")
    row("raw engine, articles/s (wall)", lambda s: rate(s, "raw_rebuild"), ",.0f")
    row("rebuild vs raw", lambda s: rate(s, "rebuild") / rate(s, "raw_rebuild"), ".0%")
    for i, label in ((0, "p50"), (1, "p95"), (2, "mean")):
        row(f"search {label} ms, project", lambda s, i=i: s["search"]["project"][i], ".1f")
        row(f"search {label} ms, raw engine", lambda s, i=i: s["search"]["raw"][i], ".1f")
        row(
            f"search {label}, project / raw",
            lambda s, i=i: s["search"]["project"][i] / s["search"]["raw"][i],
            ".2f",
        )
    row("queries whose results differ", lambda s: len(s["mismatches"]), "d")
    pg_rate = postgres["rebuild"]["documents"] / postgres["rebuild"]["wall"]
    pg_ratio = postgres["search"]["project"][1] / postgres["search"]["raw"][1]
    lines += [
        "",
        f"target PostgreSQL rebuild ≥ 1,500 articles/s: {pg_rate:,.0f}, "
        + ("met" if pg_rate >= 1500 else "MISSED"),
        f"target PostgreSQL p95 ≤ 2× raw SQL: {pg_ratio:.2f}×, "
        + ("met" if pg_ratio <= 2 else "MISSED"),
        "raw engines: " + "; ".join(s["raw_rebuild"]["label"] for s in (whoosh, postgres)),
        "load average at indexing / searching / end: "
        + "; ".join(
            f"{s['backend']} " + " / ".join(f"{v:.1f}" for v in s["load"].values())
            for s in (whoosh, postgres)
        ),
    ]
    for s in (whoosh, postgres):
        for line in s["mismatches"]:
            lines.append(f"  differs on {s['backend']}: {line}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsarchive-backends-bench"))
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--side", choices=["postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mix", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side == "postgres":
        postgres_side(args)
        return

    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    limit = ["--limit", str(args.limit)] if args.limit else []
    repeat = ["--repeat", str(args.repeat)]
    run(
        [python, "bench/search.py", "--workdir", str(work / "whoosh"), *repeat, *limit]
        + ["--json", str(work / "whoosh.json")]
    )
    run(
        [python, "bench/backends.py", "--side", "postgres", "--workdir", str(work / "postgres")]
        + [*repeat, *limit, "--database-url", args.database_url]
        + ["--mix", str(work / "whoosh.json"), "--json", str(work / "postgres.json")]
    )
    whoosh = json.loads((work / "whoosh.json").read_text())
    postgres = json.loads((work / "postgres.json").read_text())
    print()
    print(table(whoosh, postgres), flush=True)

    if args.load_seconds:
        environments = {
            "whoosh": {
                "SEARCH_BACKEND": "whoosh",
                "NEWSARCHIVE_VAR_DIR": str(work / "whoosh" / "var"),
                "DATABASE_URL": None,
            },
            "postgres": {
                "SEARCH_BACKEND": "postgres",
                "NEWSARCHIVE_VAR_DIR": str(work / "postgres" / "var"),
                "DATABASE_URL": args.database_url,
            },
        }
        for name, env in environments.items():
            print(f"\nload on {name}:", flush=True)
            seconds = str(args.load_seconds)
            run([python, "bench/load.py", "--seconds", seconds, "--pages", "search,article"], env)


if __name__ == "__main__":
    main()
