"""A profiling fixture: an imported PostgreSQL archive multiplied ``k`` times, in SQL (issue 18).

    .venv/bin/python bench/multiply.py --source postgres://postgres@127.0.0.1:5432/newsarchive_a \
        --target postgres://postgres@127.0.0.1:5432/newsarchive_a_1m --times 10

**Not an honest build.** ``bench/scale.py`` builds a large archive through the import path
and measures that path; this copies rows so that the *query side* can be profiled at a
million articles in minutes rather than hours. ``--target`` is dropped and made afresh from
``--source`` (``CREATE DATABASE … TEMPLATE``: nothing may be connected to the source), then,
in one transaction:

- every article is copied ``k - 1`` times (copy ``c`` gets the id ``id + c * M``, ``M`` the
  largest id; a slug, checksum, source URL and source name of its own) and re-dated by whole
  years, ``4 c`` years on, wrapping within 1970–2026 (29 February becomes the 28th where the
  year has none), so that the archive spans decades as a national one does;
- its bylines and mentions are copied with it: the same authors and entities, so that facet
  and author cardinalities stay those of the real corpus rather than growing with each copy;
- its search row (``search_document``) is copied with the new id, date, ``year`` facet
  and ``revision`` (``check_index`` stays clean) and the *same* vectors: each copy holds
  exactly the words of its original, which makes the copies' term statistics exactly ``k``
  times the original's; ``search_term`` and ``search_total`` are scaled by ``k`` to match.
  Words the copies of ``bench/scale.py`` drop or swap are not dropped here: every common
  word's match set is exactly ``k`` times as large, the worst case for counting and ranking.

The search table's secondary indexes are dropped before the copy and built again after it
(much faster than growing a GIN index row by row), then the database is vacuumed and
analysed. Other tables (stories, fingerprints, scanned pages, …) are not copied.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEARS = (1970, 2026)
SEARCH_TABLE = "search_document"


def connect(url: str, dbname: str | None = None, **kwargs) -> psycopg.Connection:
    parts = urlsplit(url)
    options = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
        "dbname": dbname or parts.path.lstrip("/"),
    }
    return psycopg.connect(**{k: v for k, v in options.items() if v}, **kwargs)


def copy_database(source: str, target: str) -> None:
    name, template = urlsplit(target).path.lstrip("/"), urlsplit(source).path.lstrip("/")
    with connect(target, "postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return [name for (name,) in cursor.fetchall()]


def _copy(cursor, table: str, replaced: dict[str, str], joins: str = "") -> int:
    """INSERT … SELECT of ``table``'s rows once per copy ``c`` (``copies``), the columns of
    ``replaced`` computed by its SQL expressions (``t`` is the row, ``c`` the copy), a column
    mapped to None left to its default."""
    columns = [c for c in _columns(cursor, table) if replaced.get(c, "") is not None]
    values = ", ".join(replaced.get(c) or f't."{c}"' for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    cursor.execute(
        f"INSERT INTO {table} ({names}) "  # noqa: S608 (names from the catalogue)
        f"SELECT {values} FROM {table} t {joins} CROSS JOIN copies"
    )
    return cursor.rowcount


def shifted(column: str) -> str:
    """``column`` (a date) ``4 c`` years on, wrapping within ``YEARS``."""
    first, last = YEARS
    span = last - first + 1
    year = f"extract(year FROM {column})::int"
    target = f"({first} + ((({year} - {first} + 4 * c) % {span}) + {span}) % {span})"
    return f"({column} + make_interval(years => {target} - {year}))::date"


def multiply(cursor, times: int) -> dict[str, int]:
    cursor.execute("SELECT coalesce(max(id), 0) FROM articles_article")
    (step,) = cursor.fetchone()
    cursor.execute(
        "CREATE TEMPORARY TABLE copies ON COMMIT DROP AS SELECT generate_series(1, %s) AS c",
        [times - 1],
    )
    made: dict[str, int] = {}
    new_id = f"t.id + c * {int(step)}"
    made["articles"] = _copy(
        cursor,
        "articles_article",
        {
            "id": new_id,
            "slug": "left(t.slug, 200) || '--' || c",  # slugify never writes '--'
            "checksum": "CASE WHEN t.checksum IS NULL THEN NULL ELSE md5(t.checksum || c) END",
            "source_url": "CASE WHEN t.source_url = '' THEN '' "
            "ELSE left(t.source_url, 980) || '#copy-' || c END",
            "source_name": "left(t.source_name, 480) || '~' || c",
            "published_on": shifted("t.published_on"),
        },
    )
    moved = f"t.article_id + c * {int(step)}"
    made["bylines"] = _copy(cursor, "articles_byline", {"id": None, "article_id": moved})
    made["mentions"] = _copy(cursor, "articles_mention", {"id": None, "article_id": moved})
    pk = f"(t.django_id::bigint + c * {int(step)})"
    date = shifted("t.published_on")
    year = f"to_jsonb(coalesce(extract(year FROM {date})::int::text, ''))"
    revision = f"to_jsonb({pk}::text || '@' || split_part(t.facets ->> 'revision', '@', 2))"
    facets = (
        f"CASE WHEN t.facets ? 'revision' THEN jsonb_set(t.facets, '{{revision}}', {revision}) "
        f"ELSE t.facets END || jsonb_build_object('year_exact', {year})"
    )
    made["search rows"] = _copy(
        cursor,
        SEARCH_TABLE,
        {
            "id": f"'articles.article.' || {pk}",
            "django_id": f"{pk}::text",
            "published_on": date,
            "facets": facets,
        },
    )
    cursor.execute("UPDATE search_term SET documents = documents * %s", [times])
    cursor.execute(
        "UPDATE search_total SET documents = documents * %s, length = length * %s, "
        "title_length = title_length * %s",
        [times, times, times],
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), "
        "(SELECT max(id) FROM articles_article))"
    )
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help="an imported archive (left as it is)")
    parser.add_argument("--target", required=True, help="dropped and made afresh")
    parser.add_argument("--times", type=int, required=True, help="k: the archive k times over")
    args = parser.parse_args()
    if args.times < 1:
        raise SystemExit("--times must be 1 or more")
    began = time.perf_counter()
    copy_database(args.source, args.target)
    print(f"copied the database: {time.perf_counter() - began:.0f} s", flush=True)
    with connect(args.target) as conn, conn.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = %s AND indexname <> %s",
            [SEARCH_TABLE, f"{SEARCH_TABLE}_pkey"],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        made = multiply(cursor, args.times)
        print(f"copied rows: {made}, {time.perf_counter() - began:.0f} s", flush=True)
        for _, definition in indexes:
            cursor.execute(definition)
        print(f"indexes built again: {time.perf_counter() - began:.0f} s", flush=True)
    with connect(args.target, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        (articles,) = conn.execute("SELECT count(*) FROM articles_article").fetchone()
    print(f"{articles:,} articles; {time.perf_counter() - began:.0f} s in all")


if __name__ == "__main__":
    main()
