"""Which matches a broad search ranks on PostgreSQL (issue 18): past ``COUNT_LIMIT`` matches
the backend (``articles.search.backends.postgres``) ranks, and counts the facets of, a few
thousand of them rather than every one, and ``_candidates`` says which: those holding the
search's words in their title first, shortest first, then the first others the index
gives. How many is the caller's to say (``CANDIDATES``, ``COUNT_LIMIT``: the backend's, which
reads them). Relies on ``postgres_tables`` and on ``Where`` (``postgres_queries``) for what
a search matches; runs no statement, it writes SQL for the backend's."""

# SQL here is assembled from the tables' names and from a search's ``Where``, which takes
# every value as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from articles.search.backends.postgres_queries import Where
from articles.search.backends.postgres_tables import TABLE, TITLE

# Of the matches holding a broad search's words in their title, ``_candidates`` takes the
# shortest among the first this many times as many as it takes: at a million articles a
# common word is in tens of thousands of titles, and reading 10,000 of them cost the search
# page a fifth more of the database's time; twice as many cost what the first matches in
# table order did, for nine tenths of the gain (docs/performance.md, "Which matches a broad
# search ranks (session 11)").
TITLED_READ = 2


def _candidates(where: Where, count: int, matched: bool = False) -> tuple[str, list]:
    """(SQL, params): an array of the places (``ctid``) of the ``count`` matches of ``where``
    that a search past ``COUNT_LIMIT`` ranks and counts the facets of: first those holding
    its words in their title (``Where.titled``, from the title's own index; those holding
    every word typed first, ``Where.every``), shortest first among the first
    ``TITLED_READ`` × ``count`` the index gives, then the first others the index gives.
    ``matched``: those are the rows of the statement's CTE ``matched`` (column ``at``, the
    matches in the index's order, more than ``count`` of them), not read again.

    BM25 counts a title occurrence and the text's, and favours a shorter text: the best of
    a broad search's matches are mostly titled ones, and the first matches in table order,
    the candidates before, held almost none of them (docs/performance.md, "Which matches a
    broad search ranks (session 11)"). ``_candidates(where, count)`` are the first
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
    """(SQL, params): a SELECT of the places (``at``) of the titled ones of
    ``_candidates(where, count)``."""
    every, order, every_params = "", "length", []
    if where.every is not None:
        every, order = f", {TITLE[0]} @@ %s::tsquery AS every", "every DESC, length"
        every_params = [where.every]
    return (
        f"SELECT at FROM (SELECT ctid AS at, length{every} FROM {TABLE} WHERE {where.titled} "
        f"LIMIT %s) AS t ORDER BY {order}, at LIMIT %s",
        [*every_params, *where.titled_params, TITLED_READ * count, count],
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
