"""The term statistics of the PostgreSQL backend (``articles.search.backends.postgres``):
how many documents hold each term in their full text, and their number and total lengths
(tables ``search_term`` and ``search_total``, migration 0007), which BM25 ranks by and a
broad search's total is read from. Here: reading them for one search (``TermStatistics``,
once per term), counting them afresh from the search table (``_recount``), and the terms a
prefix ranks by (``_expand_prefixes``). The writer keeps them in step with the table.
Relies on ``postgres_tables`` and ``articles.search.analysis``."""

# SQL here is assembled from the tables' names and takes every value as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field as default

from articles.search.analysis import index_words, stem
from articles.search.backends.postgres_tables import TERMS, TOTALS

MAX_PREFIX_TERMS = 32  # terms a prefix ranks by (``_expand_prefixes``)


@dataclass
class _Counted:
    terms: Counter = default(default_factory=Counter)
    documents: int = 0
    length: int = 0
    title_length: int = 0


def _recount(cursor, table: str) -> None:
    """The term statistics afresh from ``table`` (after a rebuild or a partial clear)."""
    cursor.execute(f"DELETE FROM {TERMS}")
    cursor.execute(
        f"INSERT INTO {TERMS} (term, documents) SELECT term, count(*) FROM {table}, "
        "unnest(tsvector_to_array(ts_filter(document, '{d}'))) term GROUP BY term"
    )
    cursor.execute(
        f"UPDATE {TOTALS} SET (documents, length, title_length) = "
        f"(SELECT count(*), coalesce(sum(length), 0), coalesce(sum(title_length), 0) "
        f"FROM {table})"
    )


class TermStatistics:
    """The term statistics as one search reads them: the totals and each term's documents,
    each looked up once, in one statement with whatever else is not yet known. A search
    asked for them up to nine times, a round trip each (about 4 ms of a search at a million
    articles, docs/performance.md). Made for one search's cursor (``_SearchCursor``) and
    dropped with it, never kept by the process: every index write changes them."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.held: dict[str, int] = {}  # term → documents holding it (0: none)
        self.totals: tuple[int, int, int] | None = None  # documents, length, title_length

    def frequency(self, terms) -> dict[str, int]:
        """How many indexed documents hold each of ``terms`` in their full text (0: none)."""
        terms = list(dict.fromkeys(terms))
        self._read(terms)
        return {term: self.held[term] for term in terms}

    def documents(self) -> tuple[int, int, int]:
        """(documents, their total length, their titles' total length)."""
        self._read([])
        return self.totals  # type: ignore[return-value]

    def average_length(self) -> float | None:
        """The indexed documents' average length (None: none indexed), as PostgreSQL's
        float8 division gives it: what a row's salient terms are judged against."""
        documents, length, _ = self.documents()
        return length / documents if documents else None

    def _read(self, terms: list[str]) -> None:
        missing = [term for term in terms if term not in self.held]
        if not missing and self.totals is not None:
            return
        sql = f"SELECT term, documents, 0, 0 FROM {TERMS} WHERE term = ANY(%s)"
        if self.totals is None:
            sql = f"SELECT NULL, documents, length, title_length FROM {TOTALS} UNION ALL {sql}"
        self.cursor.execute(sql, [missing])
        if self.totals is None:
            self.totals = (0, 0, 0)
        self.held.update(dict.fromkeys(missing, 0))
        for term, documents, length, title_length in self.cursor.fetchall():
            if term is None:
                self.totals = (documents, length, title_length)
            else:
                self.held[term] = documents


class _SearchCursor:
    """A cursor for one search's statements, carrying the term statistics they have read
    (``statistics``): every reader of them given this cursor shares one lookup per term."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.statistics = TermStatistics(cursor)

    def __getattr__(self, name):
        return getattr(self.cursor, name)


def _known(cursor) -> TermStatistics:
    """The statistics a search's cursor has read; for any other cursor, read afresh."""
    return cursor.statistics if isinstance(cursor, _SearchCursor) else TermStatistics(cursor)


def _frequency(cursor, terms) -> dict[str, int]:
    """How many indexed documents hold each of ``terms`` in their full text (0: none)."""
    return _known(cursor).frequency(terms)


def _expand_prefixes(cursor, prefixes: list[str]) -> list[str]:
    """The terms a query's prefixes (``milit*``) rank by, as Whoosh scores a prefix: the
    index terms starting with it, each scored by BM25 like a word typed (at most
    ``MAX_PREFIX_TERMS`` per prefix, those held by the most documents: a two-letter prefix
    would otherwise score thousands of terms per row). The whole words before the last
    ('new yor*') rank as words."""
    terms = []
    for text in prefixes:
        words = index_words(text)
        if not words:
            continue
        *whole, last = words
        terms += [stem(word) for word in whole]
        cursor.execute(
            f"SELECT term FROM {TERMS} WHERE term LIKE %s ORDER BY documents DESC, term LIMIT %s",
            [last.replace("%", r"\%").replace("_", r"\_") + "%", MAX_PREFIX_TERMS],
        )
        terms += [term for (term,) in cursor.fetchall()]
    return terms
