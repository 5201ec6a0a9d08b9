"""Which matches a broad search ranks on PostgreSQL (issue 18): past ``COUNT_LIMIT`` matches
the backend (``articles.search.backends.postgres``) ranks, and counts the facets of, a few
thousand of them rather than every one, and ``_candidates`` says which: those where the
search's words are salient (held often for the row's length, migration 0016) first, then
those holding them in their title, each shortest first, then the first others the index
gives. How many is the caller's to say (``CANDIDATES``, ``COUNT_LIMIT``: the backend's, which
reads them). Relies on ``postgres_tables`` and on ``Where`` (``postgres_queries``) for what
a search matches; runs no statement, it writes SQL for the backend's. Here too is the rule
that makes a row's salient terms (``salient_literal``), which the writer applies."""

# SQL here is assembled from the tables' names and from a search's ``Where``, which takes
# every value as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from itertools import compress
from math import ceil

from articles.search import ranking
from articles.search.backends.postgres_queries import Where
from articles.search.backends.postgres_tables import SALIENT, TABLE, TITLE

# Of the matches holding a broad search's words in their title, ``_candidates`` takes the
# shortest among the first this many times as many as it takes: at a million articles a
# common word is in tens of thousands of titles, and reading 10,000 of them cost the search
# page a fifth more of the database's time; twice as many cost what the first matches in
# table order did, for nine tenths of the gain (docs/performance.md, "Which matches a broad
# search ranks (session 11)").
TITLED_READ = 2

# A row's salient terms (its ``salient`` column, migration 0016): those whose BM25 part in
# it, ``tf × (K1 + 1) / (tf + K1 × (1 - B + B × length / average))``, reaches this, of a
# maximum of K1 + 1 (2.2). The exact best of a broad word reach 1.95-2.0 at 108,841 articles;
# at 1.8 a broad word is salient in 0.1-2.6% of the rows holding it (a few hundred there),
# so that the candidates hold nearly all of its best (docs/performance.md, "Salient terms:
# the candidates of broad body words (session 12)"); at 1.7, five times as many rows, and
# the best among them again the few read first.
SALIENT_SCORE = 1.8
# Of a search's words, the rarest this many order its salient rows (``Where.rarest``).
RARER_ORDERED = 3


# A term is salient where it holds at least this factor × (1 - B + B × length / average)
# positions: where ``tf × (K1 + 1) / (tf + K1 × (…))`` reaches ``SALIENT_SCORE``.
_SALIENT_FACTOR = SALIENT_SCORE * ranking.K1 / (ranking.K1 + 1 - SALIENT_SCORE)


def salient_literal(terms: list[str], counts: list[int], length: int, average: float) -> str:
    """A row's ``salient`` vector as a tsvector literal (the terms alone, no position):
    those of its text's ``terms`` holding at least the number of positions (``counts``,
    as PostgreSQL counts them in the text's vector) that makes their BM25 part
    ``SALIENT_SCORE`` for a text of ``length`` words in an archive of ``average`` length.

    Made in Python by whoever makes the row (a rebuild's worker, the importer), where the
    text's vector is made: the same terms, to the last float, as PostgreSQL's
    ``search_salient(vector, least)`` (migration 0016), which read the text's vector again
    and cost about 75 µs of the server's CPU a row (docs/performance.md, "Salient terms
    made in Python (session 13)")."""
    b = ranking.B
    # The operations and their order of the SQL it replaces, in float8 as there.
    least = _SALIENT_FACTOR * (1 - b + b * float(length) / max(average, 1))
    # A count reaches ``least`` when it reaches its ceiling (an exact float): the counts as
    # bytes, mapped to 1 where they do by ``str.translate``'s C loop, and the few found
    # by ``find``: 5 µs a text where a comparison per term cost 18 (a rebuild's worker).
    fewest = ceil(least)
    table = _AT_LEAST.get(fewest)
    if table is None:
        table = _AT_LEAST[fewest] = bytes(n >= fewest for n in range(256))
    try:
        chosen = bytes(counts).translate(table)
    except ValueError:  # a term at 256 positions (MAX_POSITIONS): past a byte
        salient = list(compress(terms, map(least.__le__, counts)))
    else:
        salient, at = [], chosen.find(1)
        while at >= 0:
            salient.append(terms[at])
            at = chosen.find(1, at + 1)
    return "'" + "' '".join(salient) + "'" if salient else ""


# For each least number of positions, the table that maps a count to 1 if it reaches it.
_AT_LEAST: dict[int, bytes] = {}


def batch_average(lengths: list[int]) -> float:
    """The average length of a batch of rows (what a row's salient terms are judged
    against in an archive whose statistics hold none yet), as PostgreSQL's ``avg`` of
    float8 gives it."""
    return float(sum(lengths)) / len(lengths)


def _candidates(where: Where, count: int, matched: bool = False) -> tuple[str, list]:
    """(SQL, params): an array of the places (``ctid``) of the ``count`` matches of ``where``
    that a search past ``COUNT_LIMIT`` ranks and counts the facets of: first those where
    its words are salient (``Where.salient``, from the ``salient`` column's index), then
    those holding them in their title (``Where.titled``, from the title's own index), each
    shortest first among the first ``TITLED_READ`` × ``count`` its index gives (those
    holding every word typed first, ``Where.every``; ``_titled``), then the first others
    the index gives.
    ``matched``: those are the rows of the statement's CTE ``matched`` (column ``at``, the
    matches in the index's order, more than ``count`` of them), not read again.

    BM25 counts a title occurrence and the text's, and favours a shorter text: the best of
    a broad search's matches hold its words often for their length, which is what makes a
    term salient, and are mostly titled ones; the first matches in table order, the
    candidates before session 11, held almost none of them (docs/performance.md, "Which
    matches a broad search ranks (session 11)", "Salient terms: the candidates of broad
    body words (session 12)"). ``_candidates(where, count)`` are the first
    ``count`` of ``_candidates(where, more)``, as a set."""
    check = f" AND {where.sql}" if where.needs_vectors else ""
    check_params = where.params if where.needs_vectors else []
    if where.titled is None:
        if matched:
            return "ARRAY(SELECT at FROM matched LIMIT %s)", [count]
        return (
            f"ARRAY(SELECT ctid FROM {TABLE} WHERE {where.loose}{check} LIMIT %s)",
            [*where.loose_params, *check_params, count],
        )
    titled, titled_params = _titled(where, count)
    # The others: while the titled are fewer than ``count`` they are all of them.
    if matched:
        # NOT IN: a hashed subplan, whatever PostgreSQL guesses of the CTEs' sizes (an
        # anti join it planned as a nested loop, a million comparisons).
        others = "SELECT at FROM matched WHERE at NOT IN (SELECT at FROM titled)"
        others_params = []
    else:
        others = (
            f"SELECT ctid FROM {TABLE} WHERE {where.loose}{check} AND ({where.titled}) IS NOT TRUE"
        )
        others_params = [*where.loose_params, *check_params, *where.titled_params]
    return (
        f"ARRAY(WITH titled AS MATERIALIZED ({titled}) SELECT at FROM titled UNION ALL "
        f"({others} LIMIT greatest(%s - (SELECT count(*) FROM titled), 0)))",
        [*titled_params, *others_params, count],
    )


def _titled(where: Where, count: int) -> tuple[str, list]:
    """(SQL, params): a SELECT of the places (``at``) of the first ones of
    ``_candidates(where, count)``, no more than ``count``: of the first ``count`` the
    salient column's index gives (``Where.salient``) and as many the title's gives
    (``Where.titled``), those holding every word typed (``Where.every``: salient or in the
    title) first, then those where the rarer words are salient (``Where.rarest``),
    then the salient ones, each shortest first.

    A word salient in a row weighs near BM25's most for that word; several words held
    each a few times weigh more than one held often: at a million articles the best ten
    for ``Trump OR Biden`` hold both in their title, and eight of them neither salient."""
    read = TITLED_READ * count
    if where.salient is None:
        every, order, every_params = "", "length", []
        if where.every is not None:
            every, order = f", {TITLE[0]} @@ %s::tsquery AS every", "every DESC, length"
            every_params = [where.every]
        return (
            f"SELECT at FROM (SELECT ctid AS at, length{every} FROM {TABLE} WHERE "
            f"{where.titled} LIMIT %s) AS t ORDER BY {order}, at LIMIT %s",
            [*every_params, *where.titled_params, read, count],
        )
    holds, ordered, holds_params = "", [], []
    if where.every is not None:
        holds = f", ({SALIENT} @@ %s::tsquery OR {TITLE[0]} @@ %s::tsquery) AS every"
        ordered.append("every DESC")
        holds_params += [where.every, where.every]
    for n, word in enumerate(where.rarest[:-1][:RARER_ORDERED]):
        holds += f", {SALIENT} @@ %s::tsquery AS rarer{n}"
        ordered.append(f"rarer{n} DESC")
        holds_params.append(word)
    # ``count`` of each: twice as many cost the search page's statement a fifth more of
    # the database's time, for as good a pool (docs/performance.md, session 12).
    read = count
    order = ", ".join([*ordered, "salient DESC", "length", "at"])
    return (
        f"SELECT at FROM (SELECT DISTINCT ON (at) * FROM ((SELECT ctid AS at, length{holds}, "
        f"true AS salient FROM {TABLE} WHERE {where.salient} LIMIT %s) UNION ALL (SELECT "
        f"ctid AS at, length{holds}, false FROM {TABLE} WHERE {where.titled} LIMIT %s)) AS "
        f"read ORDER BY at, salient DESC) AS pool ORDER BY {order} LIMIT %s",
        [
            *holds_params,
            *where.salient_params,
            read,
            *holds_params,
            *where.titled_params,
            read,
            count,
        ],
    )


def _candidate_rows(where: Where, count: int, read) -> tuple[str, list]:
    """(SQL, params): the rows of ``_candidates(where, count, matched=True)`` in a statement
    whose CTE ``matched`` holds the matches' rows (their place ``at`` first): the titled
    ones read by ``read(condition)`` (SQL and params of the same columns), the others
    those of ``matched``, not read again."""
    if where.titled is None:
        return "SELECT * FROM matched LIMIT %s", [count]
    titled, titled_params = _titled(where, count)
    rows, rows_params = read("ctid = ANY(ARRAY(SELECT at FROM titled))")
    return (
        f"WITH titled AS MATERIALIZED ({titled}) SELECT * FROM ({rows}) AS titled_rows "
        "UNION ALL (SELECT * FROM matched WHERE at NOT IN (SELECT at FROM titled) "
        "LIMIT greatest(%s - (SELECT count(*) FROM titled), 0))",
        [*titled_params, *rows_params, count],
    )
