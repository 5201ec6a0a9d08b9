"""Which matches a broad search ranks (issue 18): the bounded top 10 and 20 against the exact.

    .venv/bin/python bench/candidates.py --database-url postgres://…/archive
        [--words 8] [--pairs 4] [--repeat 5] [--candidates 500,1000,2000]
        [--count-limit 1000] [--only TEXT] [--exact-cache FILE] [--json FILE]

Past ``COUNT_LIMIT`` matches the PostgreSQL backend ranks ``CANDIDATES`` of them, not every
one (articles/search/backends/postgres.py). For each search past that limit, this compares the
page's ranking with the exact one:

- **the searches**: those of bench/search.py's mix ordered by relevance that pass the limit
  on this archive, and more computed from the term statistics (``search_term``): ``--words``
  single words spread evenly (by the log of their frequency) over the terms held by more than
  ``COUNT_LIMIT`` and at most a fifth of the documents (letters only, four or more, no English
  stop word, written as the term itself or a common form of it the archive holds), then ``--pairs``
  two-word searches of neighbours in that list, typed plainly (``a b``: the rarer selects,
  both rank, ``ranking.narrow``) and as ``a AND b`` when both together pass the limit;
- **exact**: every match of the search's own condition (the ``Where`` the backend built for
  it) scored with the backend's BM25 (``score_columns``), no limit: seconds for the broadest
  (kept in ``--exact-cache`` between runs: it depends on the archive, not on the code);
- **bounded**: the backend's ranking as the search page asks for it (``run_search``'s
  queryset, facets and all), with pseudo-relevance feedback left out, so that both sides are
  the same BM25: the first 200 results (no more than ``CANDIDATES``);
- **overlap@10, @20**: the share of the exact top k in the bounded top k, both taken as
  *distinct articles*: results holding the same text (same score, length and title) count
  once. bench/multiply.py's fixture holds ten copies of each article, of equal score; without
  this the exact top 10 would be one article ten times. (Also printed: the overlap of rows,
  copies apart, "raw".) A fixture caveat: its copies lie after all the originals in table
  order, so the first matches in table order are distinct articles and cover more of the
  distinct matches than they would in an archive of a million different articles;
- **time**: the search as the page runs it (feedback included), ``--repeat`` times after a
  warm-up: wall ms p50, and CPU ms a search of this process and of its PostgreSQL server
  process (``/proc``, 10 ms ticks: the mean over the repeats).

``--candidates`` runs the whole comparison for each value of ``CANDIDATES`` in turn;
``--count-limit`` sets ``COUNT_LIMIT`` (a tenth, with a tenth of the candidates, makes an
archive of 108k articles as broad as one of a million, without the fixture's copies).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import setup_django  # noqa: E402
from bench.search import MIX, query_dict  # noqa: E402

DEEP = 200  # bounded results read, to find k distinct ones among copies
MAX_SHARE = 0.2  # broadest words taken: held by at most this share of the documents


def server_cpu(path: Path) -> float:
    if not path.exists():
        return 0.0
    fields = path.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def frequent_words(cursor, count: int) -> list[tuple[str, int]]:
    """``count`` words (as the archive writes them) of terms held by more than COUNT_LIMIT
    and at most ``MAX_SHARE`` of the documents, spread evenly over the log of that number."""
    from articles.search.analysis import stem
    from articles.search.backends import postgres
    from articles.search.backends.postgres_tables import TERMS, TOTALS, WORDS

    cursor.execute(f"SELECT documents FROM {TOTALS}")
    documents = cursor.fetchone()[0]
    cursor.execute(
        f"SELECT term, documents FROM {TERMS} WHERE documents > %s AND documents <= %s "
        "AND term ~ '^[a-z]{4,}$' AND numnode(plainto_tsquery('english', term)) > 0 "
        "ORDER BY documents, term",
        [postgres.COUNT_LIMIT, int(documents * MAX_SHARE)],
    )
    terms = cursor.fetchall()
    if not terms:
        return []
    low, high = math.log(terms[0][1]), math.log(terms[-1][1])
    chosen: list[tuple[str, int]] = []
    for n in range(count):
        target = low + (high - low) * (n + 0.5) / count
        for term, held in sorted(terms, key=lambda t: abs(math.log(t[1]) - target)):
            if term in {t for t, _ in chosen}:
                continue
            # The word a reader would type: the term itself or its commonest forms (a
            # plural, 'y' for a final 'i') when the archive holds one, else the shortest.
            forms = [term, term[:-1] + "y", term + "s", term + "e", term + "es", term + "ed"]
            cursor.execute(
                f"SELECT word FROM {WORDS} WHERE word = ANY(%s) OR word LIKE %s "
                "ORDER BY array_position(%s, word), length(word), word LIMIT 50",
                [forms, term + "%", forms],
            )
            word = next((w for (w,) in cursor.fetchall() if stem(w) == term), None)
            if word:
                chosen.append((word, held))
                break
    return sorted(chosen, key=lambda item: -item[1])


def together(cursor, a: str, b: str) -> int:
    """Documents holding both words' terms, counted up to COUNT_LIMIT + 1."""
    from articles.search.analysis import stem
    from articles.search.backends import postgres
    from articles.search.backends.postgres_tables import TABLE

    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE document @@ %s::tsquery LIMIT %s) AS m",
        [f"'{stem(a)}' & '{stem(b)}'", postgres.COUNT_LIMIT + 1],
    )
    return cursor.fetchone()[0]


def searches(cursor, words: int, pairs: int) -> list[str]:
    """The searches' query strings (the search page's parameters)."""
    from articles.search.backends import postgres

    chosen = [
        readable
        for _, readable in MIX
        if readable.startswith("q=") and "sort=" not in readable and "page=" not in readable
    ]
    found = frequent_words(cursor, words)
    chosen += [f"q={word}" for word, _ in found]
    for (a, _), (b, _) in list(zip(found, found[1:], strict=False))[:pairs]:
        chosen.append(f"q={a} {b}")
        if together(cursor, a, b) > postgres.COUNT_LIMIT:
            chosen.append(f"q={a} AND {b}")
    return list(dict.fromkeys(chosen))


class Recorder:
    """Keeps the last ``Where`` the backend built (the search's own condition)."""

    def __init__(self, backend_class):
        self.last = None
        original = backend_class._where

        def _where(backend, *args, **kwargs):
            self.last = original(backend, *args, **kwargs)
            return self.last

        backend_class._where = _where


def exact(backend, where, deep: int) -> list[tuple[str, float, str]]:
    """``[(id, score, content key)]``: the best ``deep`` of every match of ``where`` by the
    backend's BM25, in the page's order (score, newest, id)."""
    from articles.search.backends import postgres
    from articles.search.backends.postgres_tables import TABLE

    with postgres._time_limited(backend._read_alias()) as cursor:
        weighted = [(term, 1.0) for term in where.rank]
        frequencies, frequency_params, score, score_params = backend.score_columns(cursor, weighted)
        vector = (
            "document"
            if len(weighted) <= postgres.RANK_IN_PLACE_TERMS
            else f"{postgres.READ_ONCE} AS document"
        )
        cursor.execute(
            f"SELECT id, {score} AS score, "
            "length || ':' || title_length || ':' || md5(title::text) "
            f"FROM (SELECT c.*, {frequencies} FROM (SELECT id, published_on, length, "
            f"title_length, title, {vector} FROM {TABLE} WHERE {where.sql}) AS c "
            f"OFFSET 0) AS s ORDER BY score DESC, published_on DESC NULLS LAST, id LIMIT %s",
            [*score_params, *frequency_params, *where.params, deep],
        )
        return [(i, float(s), k) for i, s, k in cursor.fetchall()]


def content_keys(backend, ids: list[str]) -> dict[str, str]:
    from articles.search.backends import postgres
    from articles.search.backends.postgres_tables import TABLE

    with postgres._time_limited(backend._read_alias()) as cursor:
        cursor.execute(
            f"SELECT id, length || ':' || title_length || ':' || md5(title::text) "
            f"FROM {TABLE} WHERE id = ANY(%s)",
            [ids],
        )
        return dict(cursor.fetchall())


def distinct(rows: list[tuple[str, float, str]], k: int) -> list[str]:
    """The first ``k`` results holding different texts (score rounded, content key)."""
    seen, kept = set(), []
    for _, score, key in rows:
        signature = (round(score, 6), key)
        if signature not in seen:
            seen.add(signature)
            kept.append(signature)
        if len(kept) == k:
            break
    return kept


def overlap(a: list, b: list, k: int) -> float:
    """The share of ``a``'s first ``k`` (the exact) found among ``b``'s first ``k``."""
    return len(set(a[:k]) & set(b[:k])) / max(len(a[:k]), 1)


def measure(readable: str, backend, recorder, repeat: int, exact_cache: dict, server: Path):
    from articles.search import service
    from articles.search.backends import postgres

    # No deeper than the candidates: a page deeper than them ranks as many as it reaches.
    deep = min(DEEP, postgres.CANDIDATES)
    params = service.SearchParams.from_query(query_dict(readable), per_page=deep)
    page = service.SearchParams.from_query(query_dict(readable))
    # The bounded ranking, BM25 alone (no feedback), as the page's queryset asks for it.
    applies = vars(postgres.PostgresSearchBackend)["_feedback_applies"]
    postgres.PostgresSearchBackend._feedback_applies = staticmethod(lambda *args: False)
    try:
        answer = service._ask_engine(params)
    finally:
        postgres.PostgresSearchBackend._feedback_applies = applies
    if answer.facets_among is None or not recorder.last.rank:
        return None  # within the limit (or nothing to rank): every match is ranked
    where = recorder.last
    key = json.dumps([readable, where.sql, where.params, where.rank], default=str)
    if key not in exact_cache:
        started = time.perf_counter()
        exact_cache[key] = {
            "rows": exact(backend, where, DEEP),
            "seconds": time.perf_counter() - started,
        }
    best = [tuple(row) for row in exact_cache[key]["rows"]]
    scores = {identifier: score for identifier, score, _ in best}
    bounded_ids = [f"articles.article.{pk}" for pk, _ in answer.ranked]
    keys = content_keys(backend, bounded_ids)
    bounded = [
        (i, score, keys.get(i, i)) for i, (_, score) in zip(bounded_ids, answer.ranked, strict=True)
    ]
    # The bounded scores are the exact ones (same expression) for the rows both hold.
    agree = all(abs(scores[i] - s) < 1e-6 for i, s, _ in bounded if i in scores)
    # The search as the page runs it (feedback included): warm-up, then timed.
    service._ask_engine(page)
    walls, started_cpu, started_server = [], time.process_time(), server_cpu(server)
    for _ in range(repeat):
        started = time.perf_counter()
        service._ask_engine(page)
        walls.append((time.perf_counter() - started) * 1000)
    own = (time.process_time() - started_cpu) * 1000 / repeat
    database = (server_cpu(server) - started_server) * 1000 / repeat
    result = {
        "query": readable,
        "total": answer.total,
        "exact_total": answer.matches_exact,
        "among": answer.facets_among,
        "exact_seconds": exact_cache[key]["seconds"],
        "scores_agree": agree,
        "wall_p50": statistics.median(walls),
        "cpu": own,
        "db_cpu": database,
    }
    for k in (10, 20):
        result[f"at{k}"] = overlap(distinct(best, k), distinct(bounded, k), k)
        result[f"raw{k}"] = overlap([i for i, _, _ in best], bounded_ids, k)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--words", type=int, default=8, help="frequent single words (8)")
    parser.add_argument("--pairs", type=int, default=4, help="two-word searches of them (4)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each search (5)")
    parser.add_argument("--candidates", default=None, help="CANDIDATES values, e.g. 500,2000")
    parser.add_argument(
        "--count-limit",
        type=int,
        default=None,
        help="COUNT_LIMIT for this run: a tenth of the usual (1000, with "
        "--candidates 200) makes an archive of 108k articles as broad as one of a million",
    )
    parser.add_argument("--only", default=None, help="only searches containing this text")
    parser.add_argument("--exact-cache", type=Path, default=None, help="exact rankings kept")
    parser.add_argument("--json", type=Path, default=None, help="results written here")
    args = parser.parse_args()

    os.environ["SEARCH_BACKEND"] = "postgres"
    os.environ.setdefault("SEARCH_TIME_LIMIT", "300")  # the exact rankings take seconds
    setup_django(Path(tempfile.mkdtemp(prefix="newsarchive-candidates-")), args.database_url)
    from django.db import connection
    from haystack import connections

    from articles.search.backends import postgres

    if args.count_limit:
        postgres.COUNT_LIMIT = args.count_limit
    backend = connections["default"].get_backend()
    recorder = Recorder(postgres.PostgresSearchBackend)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        server = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        queries = searches(cursor, args.words, args.pairs)
    if args.only:
        queries = [q for q in queries if args.only in q]
    cache = {}
    if args.exact_cache and args.exact_cache.exists():
        cache = json.loads(args.exact_cache.read_text())
    values = [int(v) for v in args.candidates.split(",")] if args.candidates else [None]
    everything = []
    for value in values:
        if value is not None:
            postgres.CANDIDATES = value
        load = os.getloadavg()[0]
        results = [
            r
            for q in queries
            if (r := measure(q, backend, recorder, args.repeat, cache, server)) is not None
        ]
        if args.exact_cache:
            args.exact_cache.write_text(json.dumps(cache))
        print(
            f"\nCANDIDATES {postgres.CANDIDATES}, COUNT_LIMIT {postgres.COUNT_LIMIT}: "
            f"{len(results)} of {len(queries)} searches past the limit; load average "
            f"{load:.1f} → {os.getloadavg()[0]:.1f}"
        )
        print(
            f"{'search':34} {'matches':>9} {'@10':>5} {'@20':>5} {'raw10':>5} {'raw20':>5} "
            f"{'ms p50':>7} {'CPU ms':>7} {'DB CPU':>7} {'exact s':>7}"
        )
        for r in results:
            more = "" if r["exact_total"] else ">"
            print(
                f"{r['query'][2:]:34.34} {more + format(r['total'], ','):>9} {r['at10']:5.2f} "
                f"{r['at20']:5.2f} {r['raw10']:5.2f} {r['raw20']:5.2f} {r['wall_p50']:7.1f} "
                f"{r['cpu']:7.1f} {r['db_cpu']:7.1f} {r['exact_seconds']:7.1f}"
                + ("" if r["scores_agree"] else "  (scores differ!)")
            )
        if results:
            mean = {
                k: statistics.mean(r[k] for r in results)
                for k in results[0]
                if k[:2] in {"at", "ra", "wa", "cp", "db"}
            }
            print(
                f"{'mean':34} {'':>9} {mean['at10']:5.2f} {mean['at20']:5.2f} "
                f"{mean['raw10']:5.2f} {mean['raw20']:5.2f} {mean['wall_p50']:7.1f} "
                f"{mean['cpu']:7.1f} {mean['db_cpu']:7.1f}"
            )
        everything.append({"candidates": postgres.CANDIDATES, "results": results})
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1))


if __name__ == "__main__":
    main()
