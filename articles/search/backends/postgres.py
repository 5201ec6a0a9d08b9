"""Haystack backend over PostgreSQL full-text search, for when the archive runs on PostgreSQL.

Behaves like ``articles.search.backends.whoosh`` for everything the site asks of search.
How text becomes words (see docs/deployment.md):

- Python does the tokenising, with the Whoosh backend's rules: Persian/Arabic folding
  (``normalise_persian_arabic``), lower case, 'S-400' is 's' then '400', "Erdogan's" is
  'erdogan', 'U.S.' is 'us'. PostgreSQL then only sees clean words separated by spaces.
- PostgreSQL stems: the ``newsarchive`` text search configuration maps ASCII words to the
  Snowball English stemmer *without* a stop-word list ('missiles' finds 'missile'; 'US',
  'The Hague' and 'who' stay searchable) and every other word (Persian, Arabic, numbers)
  to the 'simple' dictionary (lower case only).

One table, ``search_document``, made by migration 0009_search_document (the backend never
creates it: without it every call raises ``IndexMissing``, naming ``manage.py migrate``):
per document its stored facet values (JSONB, keyed by haystack's ``*_exact`` names), its
date, and two weighted tsvectors: ``document`` (title A, entity names B, author names C,
full text D: searched by default and by entity:/author:/body:) and ``labels`` (section A,
publication B: section:/publication:). Migration 0014 adds columns PostgreSQL generates from
those: each facet of the article index on its own (``publication_exact``, ``authors_exact``
as text[], ...: facet filters read these, from exact indexes) and ``title``, the title's
terms alone (title:). ``search_word`` holds the archive's words as written, for "did you
mean" (pg_trgm).

Every value from a reader travels as a query parameter; the tsquery text built here only
contains words made of letters and digits (see ``index_words``).

This module holds the backend class (writing: rows, the term statistics kept in step, the
rebuild; searching: counting, ranking by BM25, facets, suggestions, "more like this"), the
query class, the engine (``PostgresEngine``, the name settings give) and the limits a
search reads (``COUNT_LIMIT``, ``CANDIDATES``). Beside it, each relying only on those
listed before it:

- ``postgres_tables``: the tables' names and which tsvector column each field is written to;
- ``postgres_vectors``: a document's fields as tsvector literals (``_vector``);
- ``postgres_statistics``: the term statistics, read once per term for a search
  (``TermStatistics``) and counted afresh (``_recount``);
- ``postgres_queries``: a reader's query as tsquery SQL (``translate``, ``to_sql``), and
  what a search matches (``Condition``, ``Where``);
- ``postgres_candidates``: which matches a broad search ranks past ``COUNT_LIMIT``
  (``_candidates``).
"""

# SQL here is assembled from constants (table, configuration and column names: those of
# ``postgres_tables`` and this module's) and from fragments that take every value as a
# parameter: never from a reader's text.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import chain

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, router, transaction
from django.db import connections as db_connections
from django.utils.encoding import force_str
from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery, log_query
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.fields import FacetField
from haystack.models import SearchResult
from haystack.utils import get_identifier, get_model_ct

from articles.search import ranking, syntax
from articles.search.analysis import WORD_PATTERN, index_words, stem
from articles.search.backends.base import (
    SUGGEST_SHARE,
    ArchiveQueryMixin,
    IndexMissing,
    SearchOverBudget,
    edit_distance,
    no_results,
    suggest_query,
    time_limit,
)
from articles.search.backends.postgres_candidates import (
    _candidate_rows,
    _candidates,
    batch_average,
    salient_literal,
)
from articles.search.backends.postgres_queries import (
    Condition,
    Where,
    _bound,
    _lexeme,
    _Match,
    _shape_terms,
    rank_terms,
    to_salient_sql,
    to_sql,
    to_title_sql,
    translate,
)
from articles.search.backends.postgres_statistics import (
    TermStatistics,
    _Counted,
    _expand_prefixes,
    _frequency,
    _known,
    _recount,
    _SearchCursor,
)
from articles.search.backends.postgres_tables import (
    CONFIG,
    DOCUMENT_FIELDS,
    LABEL_FIELDS,
    SALIENT,
    TABLE,
    TERMS,
    TITLE,
    TOTALS,
    VECTORS,
    WORDS,
)
from articles.search.backends.postgres_vectors import _counted_vector, _field_vector
from articles.search.backends.rebuild_workers import made_apart
from articles.search.facets import parse_facet_filter

# What a row held of the term statistics, read as its row goes (``_forget``).
_COUNTED = "tsvector_to_array(ts_filter(document, '{d}')), length, title_length"

# ts_rank_cd's weights, {D, C, B, A}: a title match counts most, as in the Whoosh backend.
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
# BM25's term frequency (``score_sql``): 1 a time in the text (D), TITLE_WEIGHT in the title.
_TF_WEIGHTS = f"{{1,0,0,{ranking.TITLE_WEIGHT}}}"
MAX_FACET_VALUES = 1000  # per facet and search; the page shows far fewer
# Matches a search counts one by one (issue 18). Past it the total is "more than" this (a
# search for one term alone: exact, from the term statistics), and a relevance-ordered page
# ranks ``CANDIDATES`` of them (``_candidates``: those holding its words in their title
# first) rather than every match: at a million articles a common word holds a hundred
# thousand, and reading each one's stored vector to rank it took seconds. The facets then
# count the same ``CANDIDATES`` matches, the ones a relevance-ordered page ranks, and the
# page says among how many: counting them among 10,000 was a third of the server's time
# for a broad search (docs/performance.md, "The uncached search page (session 10)").
# The search page shows no deeper than 500 pages of 20 (``service.MAX_PAGE``): ten thousand.
COUNT_LIMIT = 10_000
CANDIDATES = 2_000  # (or as many as the page asked for reaches)


def _facet_sample() -> int:
    """How many matches the facets count past ``COUNT_LIMIT``: the ``CANDIDATES``."""
    return min(CANDIDATES, COUNT_LIMIT)


# Ranking by this many terms or fewer reads each row's stored vector once per term; by
# more, once, copied out (``_ranked``). Measured at a million articles (docs/performance.md,
# "Search at 1M (session 6, continued)"): one term ranks in 0.8 of the time in place, two
# in 1.1 and three in 1.3 (half the candidates' vectors are out of line, read again per term).
RANK_IN_PLACE_TERMS = 1
# A row's stored vector, read (detoasted, decompressed) once: deleting a lexeme no vector
# holds (terms hold no space) hands back the vector as read, and every later use of it in
# the row (a phrase's check, each term's score) costs no second read. Half the time of
# ``ts_filter``, which builds a new vector (docs/performance.md, "Counting and ranking in
# one pass (session 8)").
READ_ONCE = "ts_delete(document, ' '::text)"
MLT_TERMS = 12  # words "more like this" looks for
MLT_MAX_SHARE = 0.05  # words in more of the documents than this tell nothing of a subject
MLT_CANDIDATES = 500  # documents holding them that it ranks
SUGGEST_MAX_DISTANCE = 2
BATCH = 500

_WORD = re.compile(WORD_PATTERN)


@contextlib.contextmanager
def _time_limited(alias: str):
    """A cursor whose statements PostgreSQL cancels after ``SEARCH_TIME_LIMIT`` (a
    transaction's ``statement_timeout``); a cancelled one raises ``SearchOverBudget``. It
    carries the term statistics its statements read (``_SearchCursor``)."""
    limit = f"{max(1, int(time_limit() * 1000))}ms"
    # Local to the transaction: one of its own ends with the search. Inside an outer one (a
    # test, ATOMIC_REQUESTS) the previous value is put back, and a failure rolls the setting
    # back with it; alone, the search's transaction ending puts it back, one statement less.
    nested = db_connections[alias].in_atomic_block
    try:
        with transaction.atomic(using=alias), db_connections[alias].cursor() as cursor:
            if not nested:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [limit])
                yield _SearchCursor(cursor)
                return
            cursor.execute(
                "SELECT current_setting('statement_timeout'), "
                "set_config('statement_timeout', %s, true)",
                [limit],
            )
            previous = cursor.fetchone()[0]
            yield _SearchCursor(cursor)
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as exc:
        if isinstance(exc.__cause__, psycopg.errors.QueryCanceled):
            raise SearchOverBudget("PostgreSQL ran out of time for this query.") from exc
        raise


# A list of terms, words or ids sent as one string and split by PostgreSQL: psycopg dumps
# a list parameter element by element in Python (9% of an import's CPU, session 7), and
# none of these holds a space (``_vector``'s terms and words; haystack's identifiers).
_SPLIT = "string_to_array(%s, ' ')"


def _joined(values) -> str:
    return " ".join(values)


# A batch of search rows in one string (``_insert_sql``): rows apart by ASCII's record
# separator, values by its unit separator. No value holds either: ids, dates and numbers;
# JSON, which escapes every control character; vector literals of terms made of letters
# and digits (tested with both in an article's text and names).
_ROWS, _FIELDS = "\x1e", "\x1f"


def _packed(rows: list) -> str:
    return _ROWS.join(
        _FIELDS.join("" if value is None else str(value) for value in row) for row in rows
    )


def _bound_apart(cursor) -> psycopg.Cursor:
    """A cursor on ``cursor``'s connection (and transaction) that sends the values apart
    from the statement. Django's cursors quote them into the SQL text: for the search rows'
    ``executemany`` PostgreSQL then parsed and planned a statement of six tsvector literals
    per row, most of its CPU of an import (docs/performance.md, "session 8"); bound apart,
    each row sends its values beside one statement text. (Not prepared: Django leaves
    prepared statements off, for connection poolers, and so does this cursor.)"""
    return psycopg.Cursor(cursor.cursor.connection)


class _Row(list):
    """One document's INSERT parameters, with its words (``words``, as written, for "did you
    mean") and terms (``terms``, for the term statistics) beside them, and its text's terms
    with how many positions each holds (``counted``) until its salient terms are chosen
    (``_salient``: they depend on the archive's average length, known per batch)."""

    words: set[str]
    terms: set[str]
    counted: tuple[list[str], list[int]]


# Where a _Row holds its salient terms (filled by ``_salient``), its length and title's.
_SALIENT_AT, _LENGTH_AT, _TITLE_LENGTH_AT = 11, 12, 13


_ready: set[tuple] = set()  # databases whose table this process has checked
_ready_lock = threading.Lock()
_table_columns: dict[tuple, frozenset[str]] = {}  # and the columns of their TABLE
# TABLE's own columns: any other is a facet's (named as the facet field, migration 0014).
_ROW_COLUMNS = frozenset(
    {"id", "django_ct", "django_id", "published_on", "facets", "document", "labels", "length"}
    | {"title_length", TITLE[0], SALIENT}
)


class PostgresSearchBackend(BaseSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.database = connection_options.get("DATABASE") or None
        self.setup_complete = False
        self.facet_fields: dict[str, bool] = {}  # *_exact name → multi-valued
        # Those with a column of their own (migration 0014): filtered and counted there,
        # any other from the ``facets`` JSONB (the ``revision``, a facet of another index).
        self.facet_columns: dict[str, bool] = {}
        self.vector_fields: dict[str, tuple[str, str]] = {}
        self.table_columns: frozenset[str] = frozenset()

    # --- which database -------------------------------------------------------
    def _models(self):
        return self.connections[self.connection_alias].get_unified_index().get_indexed_models()

    def _write_alias(self) -> str:
        if self.database:
            return self.database
        models = self._models()
        return router.db_for_write(models[0]) if models else "default"

    def _read_alias(self) -> str:
        """Where searches read: the database the indexed models are read from (a replica
        behind ``newsarchive.db_router``), so results and their objects agree."""
        if self.database:
            return self.database
        models = self._models()
        return router.db_for_read(models[0]) if models else "default"

    @property
    def connections(self):
        from haystack import connections

        return connections

    # --- the table --------------------------------------------------------------
    def setup(self):
        fields = self.connections[self.connection_alias].get_unified_index().all_searchfields()
        for field in fields.values():
            if isinstance(field, FacetField):
                self.facet_fields[field.index_fieldname] = field.is_multivalued
        alias = self._write_alias()
        settings_dict = db_connections[alias].settings_dict
        if db_connections[alias].vendor != "postgresql":
            raise ImproperlyConfigured(
                f"SEARCH_BACKEND=postgres needs a PostgreSQL database; {alias!r} is "
                f"{db_connections[alias].vendor}."
            )
        key = (settings_dict.get("HOST"), settings_dict.get("PORT"), settings_dict["NAME"])
        with _ready_lock:
            if key not in _ready:
                _table_columns[key] = self._check_tables(alias)
                _ready.add(key)
        self.table_columns = _table_columns[key]
        columns = _table_columns[key] - _ROW_COLUMNS
        self.facet_columns = {
            name: multi for name, multi in self.facet_fields.items() if name in columns
        }
        self.setup_complete = True

    @staticmethod
    def _check_tables(alias: str) -> frozenset[str]:
        """TABLE's columns; ``IndexMissing`` unless the tables, the text-search configuration
        and the title and salient columns that migrations 0009_search_document, 0014 and 0016
        make are there:
        this backend never makes them."""
        with db_connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL"
                " AND to_regclass(%s) IS NOT NULL"
                " AND EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = %s),"
                " ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s)"
                " AND attnum > 0 AND NOT attisdropped)",
                [TABLE, WORDS, TERMS, CONFIG, TABLE],
            )
            found, columns = cursor.fetchone()
            if not found or TITLE[0] not in columns or SALIENT not in columns:
                raise IndexMissing(
                    f"The PostgreSQL search tables ({TABLE}, {WORDS}, {TERMS}), their "
                    f"columns or the {CONFIG!r} text search configuration are missing from "
                    f"database {alias!r}: run `python manage.py migrate`, then `python manage.py "
                    "reindex`."
                )
        return frozenset(columns)

    def create_index(self) -> None:
        self.setup()

    # --- writing ------------------------------------------------------------------
    @staticmethod
    def vectors_ahead(doc: dict) -> dict[str, tuple]:
        """The vectors of a document's searched fields, each beside the text it was made
        from: the costliest part of a row (``_vector``), made ahead where the text is known
        before the article is stored (``indexing.index_ahead``, in an import's reading
        process). ``_row`` takes one only when the stored article gives the same text."""
        made = {}
        for name in DOCUMENT_FIELDS + LABEL_FIELDS:
            text = force_str(doc.get(name) or "")
            literal, length, words, terms, counts = _counted_vector(text)
            # Words and terms in one string each (they hold no space): a process that
            # receives them unpickles two strings rather than thousands (``_row`` splits);
            # the terms' counts as they are (small ints: pickled and read back in C).
            made[name] = (text, literal, length, " ".join(words), " ".join(terms), counts)
        return made

    def _row(self, index, obj, ahead: dict[str, tuple] | None = None) -> _Row | None:
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        facets = {}
        for name, multi in self.facet_fields.items():
            value = doc.get(name)
            if multi:
                facets[name] = [force_str(v) for v in (value or []) if v not in (None, "")]
            elif value not in (None, ""):
                facets[name] = force_str(value)
        published = doc.get("published_on")
        if isinstance(published, dt.datetime):
            published = published.date()
        vectors = {}
        for name in DOCUMENT_FIELDS + LABEL_FIELDS:
            text = doc.get(name)
            made = ahead.get(name) if ahead else None
            # Made ahead from the record: right only if the stored article reads the same
            # (an author or entity stored before under another spelling, say).
            if made is not None and made[0] == force_str(text or ""):
                vectors[name] = (made[1], made[2], made[3].split(), made[4].split(), made[5])
            else:
                vectors[name] = _field_vector(name, text)
        row = _Row(
            [
                doc[ID],
                doc[DJANGO_CT],
                force_str(doc[DJANGO_ID]),
                published,
                json.dumps(facets, ensure_ascii=False),
                *(vectors[name][0] for name in DOCUMENT_FIELDS + LABEL_FIELDS),
                "",  # the salient terms (``_salient``)
                vectors["text"][1],
                vectors["title"][1],
            ]
        )
        row.words = set(vectors["text"][2])
        row.terms = set(vectors["text"][3])
        row.counted = (vectors["text"][3], vectors["text"][4])
        return row

    @staticmethod
    def _salient(rows: list[_Row], average: float | None) -> None:
        """Each row's salient terms (``postgres_candidates.salient_literal``) against the
        archive's ``average`` length, or else (None: an empty archive) the rows' own, a
        batch of them: what PostgreSQL's ``search_salient`` gave once from each row's text
        vector (migration 0016), now made where the vector is."""
        if average is None:
            average = batch_average([row[_LENGTH_AT] for row in rows])
        for row in rows:
            row[_SALIENT_AT] = salient_literal(*row.counted, row[_LENGTH_AT], average)

    def _insert_sql(self, table: str, upsert: bool) -> str:
        """One statement for a batch of rows: its one parameter is ``_packed(rows)``. Row by
        row (``executemany``), PostgreSQL ran the statement once per row, and each run set up
        the generated columns' expressions again (``search_facet_values``, a SQL function,
        planned anew per call): half the server's cost of a search row (docs/performance.md,
        "session 8")."""
        fields = [f"r[{n}]" for n in range(1, 15)]  # a _Row's 14 values, in its order
        vectors = iter(fields[5:11])
        weighted = {
            column: [
                f"setweight({next(vectors)}::tsvector, '{VECTORS[name][1]}')" for name in names
            ]
            for column, names in (("document", DOCUMENT_FIELDS), ("labels", LABEL_FIELDS))
        }
        sql = (
            f"INSERT INTO {table} (id, django_ct, django_id, published_on, facets, document, "
            f"labels, length, title_length, {SALIENT}) SELECT {fields[0]}, {fields[1]}, "
            f"{fields[2]}, nullif({fields[3]}, '')::date, {fields[4]}::jsonb, "
            f"{' || '.join(weighted['document'])}, {' || '.join(weighted['labels'])}, "
            f"{fields[_LENGTH_AT]}::integer, {fields[_TITLE_LENGTH_AT]}::integer, "
            f"{fields[_SALIENT_AT]}::tsvector "
            f"FROM (SELECT string_to_array(packed, chr({ord(_FIELDS)})) r "
            f"FROM unnest(string_to_array(%s, chr({ord(_ROWS)}))) packed) given"
        )
        if upsert:
            sql += (
                " ON CONFLICT (id) DO UPDATE SET django_ct = EXCLUDED.django_ct, "
                "django_id = EXCLUDED.django_id, published_on = EXCLUDED.published_on, "
                "facets = EXCLUDED.facets, document = EXCLUDED.document, "
                "labels = EXCLUDED.labels, length = EXCLUDED.length, "
                f"title_length = EXCLUDED.title_length, {SALIENT} = EXCLUDED.{SALIENT}"
            )
        return sql

    @staticmethod
    def _words_of(row: _Row) -> set[str]:
        """The document's words as written (for "did you mean"): its full text's."""
        return row.words

    def update(self, index, iterable, commit=True, *, ahead: dict | None = None):
        """Index ``iterable``; ``ahead`` maps an object's pk to its ``vectors_ahead``."""
        if not self.setup_complete:
            self.setup()
        ahead = ahead or {}
        # One row per document, the last given (as writing them in turn would leave): one
        # statement may not write a row twice.
        made = (self._row(index, obj, ahead.get(obj.pk)) for obj in iterable)
        rows = list({row[0]: row for row in made if row}.values())
        if not rows:
            return
        words = set().union(*(self._words_of(row) for row in rows))
        alias = self._write_alias()
        with transaction.atomic(using=alias), db_connections[alias].cursor() as cursor:
            # The term statistics move with the documents: what the old versions held out,
            # what the new ones hold in (ranking needs how many documents hold each term).
            gone = self._forget(cursor, "SELECT", [row[0] for row in rows])
            self._salient(rows, TermStatistics(cursor).average_length())
            with _bound_apart(cursor) as bound:
                bound.execute(self._insert_sql(TABLE, upsert=True), [_packed(rows)])
            # Counted through chain, in C: a third cheaper than a generator of every term.
            held = Counter(chain.from_iterable(row.terms for row in rows))
            held.subtract(gone.terms)
            self._count(
                cursor,
                held,
                len(rows) - gone.documents,
                sum(row[_LENGTH_AT] for row in rows) - gone.length,
                sum(row[_TITLE_LENGTH_AT] for row in rows) - gone.title_length,
            )
            cursor.execute(
                f"INSERT INTO {WORDS} (word) SELECT unnest({_SPLIT}) ON CONFLICT DO NOTHING",
                [_joined(sorted(words))],
            )

    @staticmethod
    def _forget(cursor, verb: str, identifiers: list[str]) -> _Counted:
        """The terms, number and lengths of the documents ``identifiers`` (those indexed),
        read (``verb`` SELECT, rows locked) or deleted (DELETE)."""
        if verb == "SELECT":
            sql = f"SELECT {_COUNTED} FROM {TABLE} WHERE id = ANY({_SPLIT}) ORDER BY id FOR UPDATE"
        else:
            sql = f"DELETE FROM {TABLE} WHERE id = ANY({_SPLIT}) RETURNING {_COUNTED}"
        cursor.execute(sql, [_joined(identifiers)])
        counted = _Counted()
        for terms, length, title_length in cursor.fetchall():
            counted.terms.update(terms)
            counted.documents += 1
            counted.length += length
            counted.title_length += title_length
        return counted

    @staticmethod
    def _count(cursor, terms: Counter, documents: int, length: int, title_length: int):
        """Add to the term statistics (negative numbers take away)."""
        changed = {term: n for term, n in terms.items() if n}
        if changed:
            # In term order (``ORDER BY 1``), so that two writers lock the rows they share in
            # the same order; sorted by PostgreSQL, not here: sorting a batch's 7,000 pairs
            # in Python cost the importer 0.03 ms an article.
            cursor.execute(
                f"INSERT INTO {TERMS} AS t (term, documents) "
                f"SELECT * FROM unnest({_SPLIT}, {_SPLIT}::integer[]) ORDER BY 1 "
                "ON CONFLICT (term) DO UPDATE SET documents = t.documents + EXCLUDED.documents",
                [_joined(changed), _joined(map(str, changed.values()))],
            )
            gone = [term for term, n in changed.items() if n < 0]
            if gone:
                cursor.execute(
                    f"DELETE FROM {TERMS} WHERE term = ANY({_SPLIT}) AND documents <= 0",
                    [_joined(gone)],
                )
        if documents or length or title_length:
            cursor.execute(
                f"UPDATE {TOTALS} SET documents = documents + %s, length = length + %s, "
                "title_length = title_length + %s",
                [documents, length, title_length],
            )

    def remove(self, obj_or_string, commit=True):
        if not self.setup_complete:
            self.setup()
        identifier = (
            obj_or_string if isinstance(obj_or_string, str) else get_identifier(obj_or_string)
        )
        alias = self._write_alias()
        with transaction.atomic(using=alias), db_connections[alias].cursor() as cursor:
            gone = self._forget(cursor, "DELETE", [identifier])
            self._count(
                cursor,
                Counter({term: -n for term, n in gone.terms.items()}),
                -gone.documents,
                -gone.length,
                -gone.title_length,
            )

    def clear(self, models=None, commit=True):
        if not self.setup_complete:
            self.setup()
        alias = self._write_alias()
        with transaction.atomic(using=alias), db_connections[alias].cursor() as cursor:
            if models:
                cursor.execute(
                    f"DELETE FROM {TABLE} WHERE django_ct = ANY(%s)",
                    [[get_model_ct(model) for model in models]],
                )
                _recount(cursor, TABLE)
            else:
                cursor.execute(f"DELETE FROM {TABLE}")
                cursor.execute(f"DELETE FROM {WORDS}")
                _recount(cursor, TABLE)

    def rebuild(self, index, iterable, *, procs: int = 2, **kwargs) -> int:
        """Build new tables of ``iterable`` beside the current ones and swap them in, in one
        transaction: searches go on answering from the old tables until it commits. Outside
        a transaction the new tables are committed full, their indexes built, then swapped
        in; a rebuild stopped before the swap leaves them behind, unused, until the next
        one drops them.

        With ``procs`` > 1, the articles read outside a transaction and an ``iterable`` that
        reads them a chunk at a time (``indexing.IndexedArticles``), ``procs`` worker
        processes make the rows (``rebuild_workers``) and this one writes them. Returns the
        number of documents."""
        if not self.setup_complete:
            self.setup()
        alias = self._write_alias()
        building, words_building = f"{TABLE}_building", f"{WORDS}_building"
        count, words = 0, set()
        # A worker has a connection of its own, which sees only committed articles: inside a
        # caller's transaction (a test, an atomic block) the rows are made in this process.
        outside = not any(
            conn.in_atomic_block for conn in db_connections.all(initialized_only=True)
        )
        apart = procs > 1 and hasattr(iterable, "chunks") and outside
        # The term statistics are counted as the rows are made (in each worker, sent once
        # at its end), not read back from the full table: that was a scan of every vector,
        # 13 % of PostgreSQL's CPU of a rebuild at a million articles, on one core
        # (docs/performance.md, "The rebuild at a million (session 12)").
        tally, tallies = _Counted(), list[_Counted]()
        # Every row's salient terms against the archive's average length as the statistics
        # give it until the swap (read once: the SQL that made them read it every batch).
        with db_connections[alias].cursor() as cursor:
            average = TermStatistics(cursor).average_length()
        making: contextlib.AbstractContextManager[Iterator[tuple[int, str, str]]]
        if apart:
            making = made_apart(
                iterable.chunks(),
                functools.partial(self._made, index, iterable, tally=tally, average=average),
                procs,
                finish=lambda: tally,  # in a worker: its own copy, its rows' statistics
                ends=tallies,
            )
        else:
            tallies.append(tally)
            making = contextlib.nullcontext(
                (n, packed, " ".join(new))
                for n, packed, new in self._made(index, iterable, tally=tally, average=average)
            )
        with making as made:
            with transaction.atomic(using=alias), db_connections[alias].cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {building}, {words_building}")
                # The tables' shape is migration 0009's: copied, not restated here.
                indexes = {
                    table: empty_copy(cursor, table, f"{table}_building")
                    for table in (TABLE, WORDS)
                }
                insert = self._insert_sql(building, upsert=False)
                with _bound_apart(cursor) as bound:
                    for rows, packed, new in made:
                        words.update(new.split())
                        bound.execute(insert, [packed])
                        count += rows
                cursor.execute(
                    f"INSERT INTO {words_building} (word) SELECT DISTINCT unnest({_SPLIT})",
                    [_joined(sorted(words))],
                )
            if not outside:
                # Inside a caller's transaction: all in it, the indexes built after the swap.
                self._swap(alias, indexes, tallies, built=False)
                return count
        # Committed (searches still read the old tables), the indexes are built on the full
        # new tables by ``procs`` connections at once: one CREATE INDEX runs on one core
        # (a GIN index is never built in parallel by PostgreSQL 15): at a million articles
        # they took 213 s one after the other, the other core idle.
        try:
            self._build_indexes(alias, indexes, max(procs, 1))
            self._swap(alias, indexes, tallies, built=True)
        except BaseException:
            # Tidied if the server still answers; the next rebuild drops them otherwise.
            with contextlib.suppress(Exception), db_connections[alias].cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {building}, {words_building}")
            raise
        return count

    @staticmethod
    def _building(statement: str, table: str) -> str:
        """``statement``, a CREATE INDEX of ``table`` as ``pg_indexes`` gives it, for
        ``{table}_building`` instead, its index named ``{name}_building``."""
        match = _CREATE_INDEX.fullmatch(statement)
        if match is None or match["table"].rsplit(".", 1)[-1] != table:
            raise ValueError(f"Not an index of {table}: {statement}")
        return (
            f"{match['create']}{match['name']}_building{match['on']}"
            f"{match['table']}_building{match['rest']}"
        )

    def _build_indexes(self, alias: str, indexes: dict[str, list[str]], connections: int):
        """Build ``indexes`` (per table, as ``empty_copy`` gave them) on the committed
        ``{table}_building`` tables, on ``connections`` new connections at once: the full
        text's index (longer than all the others together) first."""
        pending: queue.SimpleQueue[str] = queue.SimpleQueue()
        for table, statements in indexes.items():
            for statement in sorted(statements, key=lambda it: "(document)" not in it):
                pending.put(self._building(statement, table))
        params = db_connections[alias].get_connection_params()

        def build() -> None:
            with psycopg.connect(**params, autocommit=True) as connection:
                while True:
                    try:
                        statement = pending.get_nowait()
                    except queue.Empty:
                        return
                    connection.execute(statement)

        with ThreadPoolExecutor(connections, thread_name_prefix="search-index") as pool:
            for built in [pool.submit(build) for _ in range(connections)]:
                built.result()

    def _swap(self, alias: str, indexes: dict[str, list[str]], tallies, *, built: bool):
        """The new tables in, the old ones dropped, and the term statistics as ``tallies``
        count them, in one transaction; ``indexes`` renamed from ``_build_indexes``'s names
        (``built``) or built here."""
        with transaction.atomic(using=alias), db_connections[alias].cursor() as cursor:
            self._restate(cursor, tallies)
            for table, statements in indexes.items():
                cursor.execute(f"DROP TABLE {table}")
                cursor.execute(f"ALTER TABLE {table}_building RENAME TO {table}")
                cursor.execute(f"ALTER INDEX {table}_building_pkey RENAME TO {table}_pkey")
                for statement in statements:
                    if built:
                        name = _CREATE_INDEX.fullmatch(statement)["name"]  # type: ignore[index]
                        cursor.execute(f"ALTER INDEX {name}_building RENAME TO {name}")
                    else:  # the indexes, built once on full tables
                        cursor.execute(statement)

    def _made(
        self,
        index,
        objects,
        ids: list[int] | None = None,
        *,
        tally: _Counted | None = None,
        average: float | None = None,
    ):
        """``(rows, packed rows, words)`` of ``objects`` a batch of up to ``BATCH`` at a
        time; with ``ids``, of ``objects.read(ids)`` (in a rebuild's worker). Each batch's
        terms, documents and lengths are added to ``tally``; its rows' salient terms are
        judged against ``average`` (None: each batch's own)."""
        if ids is not None:
            objects = objects.read(ids)
        batch: list[_Row] = []
        words: set[str] = set()
        for obj in objects:
            row = self._row(index, obj)
            if row is None:
                continue
            batch.append(row)
            words |= self._words_of(row)
            if len(batch) >= BATCH:
                self._tallied(tally, batch)
                self._salient(batch, average)
                yield len(batch), _packed(batch), words
                batch, words = [], set()
        if batch:
            self._tallied(tally, batch)
            self._salient(batch, average)
            yield len(batch), _packed(batch), words

    @staticmethod
    def _tallied(tally: _Counted | None, rows: list[_Row]) -> None:
        if tally is not None:
            # From an iterable (not a mapping), ``Counter.update`` counts in C.
            tally.terms.update(chain.from_iterable(row.terms for row in rows))
            tally.documents += len(rows)
            tally.length += sum(row[_LENGTH_AT] for row in rows)
            tally.title_length += sum(row[_TITLE_LENGTH_AT] for row in rows)

    def _restate(self, cursor, tallies: list[_Counted]) -> None:
        """The term statistics replaced by the sum of ``tallies`` (a rebuild's, whose rows
        are all its table holds): what ``_recount`` would read back from the table."""
        terms: Counter = Counter()
        for tally in tallies:
            terms.update(tally.terms)
        # Emptied by TRUNCATE, not DELETE: the terms are then written to an empty table and
        # index, not beside as many dead ones (locked for searches until the swap commits,
        # as the dropped search table is).
        cursor.execute(f"TRUNCATE {TERMS}")
        cursor.execute(f"UPDATE {TOTALS} SET documents = 0, length = 0, title_length = 0")
        self._count(
            cursor,
            terms,
            sum(tally.documents for tally in tallies),
            sum(tally.length for tally in tallies),
            sum(tally.title_length for tally in tallies),
        )

    def indexed_ids(self, model) -> set[int]:
        """Primary keys of ``model``'s documents in the index."""
        if not self.setup_complete:
            self.setup()
        with db_connections[self._read_alias()].cursor() as cursor:
            cursor.execute(
                f"SELECT django_id FROM {TABLE} WHERE django_ct = %s", [get_model_ct(model)]
            )
            return {int(pk) for (pk,) in cursor.fetchall()}

    # --- reading ------------------------------------------------------------------
    def _where(
        self, condition, archive_query, narrow_queries, models, date_range=None, cursor=None
    ) -> Where | None:
        """What a search matches (``Where``); None when it can match nothing. With a
        ``cursor``, a plain query's common words rank without selecting (``ranking.narrow``)."""
        clauses, params, loose, loose_params = [], [], [], []
        start, end = date_range or (None, None)
        if start:
            clauses.append("published_on >= %s")
            params.append(start)
        if end:
            clauses.append("published_on <= %s")
            params.append(end)
        filtered = bool(clauses)  # narrowed by more than words
        loose += clauses
        loose_params += params
        # The same with the words looked for in the title (``Where.titled``); None: unknown.
        # Its other conditions as ``IS TRUE`` (the same rows): checked on the titled rows
        # read rather than from their own index, whose bitmap (177,740 rows for Reuters at
        # a million articles) cost more than the titled rows it spared.
        titled: list[str] | None = [f"({clause}) IS TRUE" for clause in clauses]
        titled_params, in_title, every = list(params), None, None
        in_salient: tuple[str, list] | None = None
        rarest: list[str] = []
        rank = list(getattr(condition, "rank", []))
        matches: list[tuple[tuple | None, str | None]] = []  # (shape, term) of each words part
        if isinstance(condition, Condition):
            if str(condition) != "TRUE":
                clauses.append(str(condition))
                params += condition.params
                loose.append(condition.loose[0])
                loose_params += condition.loose[1]
                matches.append((condition.shape, condition.term))
                titled = None  # haystack's own filters: their parts are not kept
        elif force_str(condition).strip() not in {"", "*", "*:*", "(*)"}:
            raise ValueError(f"Unsupported raw query for the PostgreSQL backend: {condition!r}")
        if archive_query:
            node, rank_only = syntax.parse(archive_query), list[str]()
            if cursor is not None:
                node, rank_only = ranking.narrow(node, lambda terms: _frequency(cursor, terms))
            expr = translate(node)
            if expr is None:
                return None
            sql, values = to_sql(expr)
            clauses.append(sql)
            params += values
            sql, values = to_sql(expr, loose=True)
            loose.append(sql)
            loose_params += values
            in_title = to_title_sql(expr)
            if in_title is None or titled is None:
                titled = None
            else:
                # Where the title's words go, the salient ones (``Where.salient``).
                at = (len(titled), len(titled_params), len(in_title[1]))
                titled.append(in_title[0])
                titled_params += in_title[1]
                in_salient = to_salient_sql(expr)
            if isinstance(expr, _Match) and expr.column == "document":
                matches.append((expr.shape, expr.term))
            else:
                matches.append((None, None))
            typed = list(dict.fromkeys(rank_terms(expr) + rank_only))
            every = " & ".join(map(_lexeme, typed)) if len(typed) > 1 else None
            if cursor is not None and len(typed) > 1:
                held = _frequency(cursor, typed)
                rarest = [_lexeme(t) for t in sorted(typed, key=lambda t: held.get(t, 0))]
            rank += typed
            if cursor is not None:
                rank += _expand_prefixes(cursor, syntax.positive_prefixes(node))
        extra = []
        for narrow in narrow_queries or ():
            facet = parse_facet_filter(force_str(narrow))
            if facet is None:
                raise ValueError(f"Unsupported narrow query for PostgreSQL: {narrow!r}")
            sql, values = self._facet_holds(*facet)
            extra.append(sql)
            params += values
            loose_params += values
            titled_params += values
            filtered = True
        if models:
            types = sorted(get_model_ct(model) for model in models)
            extra.append("django_ct = ANY(%s)")
            params.append(types)
            loose_params.append(types)
            titled_params.append(types)
            # The statistics count every document of the table: all its models asked for.
            if not {get_model_ct(model) for model in self._models()} <= set(types):
                filtered = True
        clauses += extra
        loose += extra
        if titled is not None and in_title is not None:
            titled += [f"({clause}) IS TRUE" for clause in extra]
        else:
            titled = None  # no words to look for in the title
        salient, salient_params = None, []
        if titled is not None and in_salient is not None:
            place, start, width = at
            salient = " AND ".join([*titled[:place], in_salient[0], *titled[place + 1 :]])
            salient_params = [
                *titled_params[:start],
                *in_salient[1],
                *titled_params[start + width :],
            ]
        # Several words parts (a haystack filter and a reader's query) or a filter: the
        # statistics say nothing of their matches.
        shape, term = matches[0] if len(matches) == 1 else (None, None)
        return Where(
            sql=" AND ".join(clauses) or "TRUE",
            params=params,
            rank=list(dict.fromkeys(rank)),
            loose=" AND ".join(loose) or "TRUE",
            loose_params=loose_params,
            term=None if filtered else term,
            shape=shape,
            titled=" AND ".join(titled) if titled else None,
            titled_params=titled_params if titled else [],
            every=every if titled else None,
            salient=salient,
            salient_params=salient_params,
            rarest=rarest if salient else [],
        )

    def _facet_holds(self, name: str, value: str, *others: str) -> tuple[str, list]:
        """(SQL, params): the facet ``name`` holds ``value`` (or any of ``others``). On a
        facet's own column an exact index answers it (``=``, or ``@>`` / ``&&`` on an array's
        GIN); JSONB containment, for a facet without one, has GIN recheck every candidate
        row, and every condition beside it with the row (words: its whole vector)."""
        values = [force_str(v) for v in (value, *others)]
        multi = self.facet_fields.get(name, False)
        if name in self.facet_columns:
            if multi:
                return f"{name} {'&&' if others else '@>'} %s::text[]", [values]
            return (f"{name} = ANY(%s)", [values]) if others else (f"{name} = %s", values)
        if multi and others:
            return "(facets -> %s) ?| %s", [name, values]
        if others:
            return "(facets ->> %s) = ANY(%s)", [name, values]
        return "facets @> %s::jsonb", [
            json.dumps({name: [value] if multi else value}, ensure_ascii=False)
        ]

    def _facet_value(self, name: str) -> tuple[str, list]:
        """(SQL, params): a single-valued facet's value in a row of TABLE (NULL: none)."""
        return (name, []) if name in self.facet_columns else ("(facets ->> %s)", [name])

    def _order(self, sort_by) -> str:
        if not sort_by:
            return "score DESC, published_on DESC NULLS LAST, id"
        parts = []
        for key in sort_by:
            name, direction = key.lstrip("-"), "DESC" if key.startswith("-") else "ASC"
            if name == "published_on":
                parts.append(f"published_on {direction} NULLS LAST")
            elif name in {"score", "id", "django_id"}:
                parts.append(f"{name} {direction}")
            else:
                raise ValueError(f"Cannot sort by {name!r} in the PostgreSQL backend.")
        return ", ".join([*parts, "id"])

    @staticmethod
    def _reads_page(where: Where, sort_by) -> bool:
        """Whether a sorted search takes its page from the matches it counts
        (``_counts_and_page``): a search for words sorted by date, whose walk along a date
        index would read the vector of every row it passes. Browsing walks: a facet's date
        index (migrations 0014, 0015) holds its rows in page order, and reads no vector."""
        keys = {key.lstrip("-") for key in sort_by or ()}
        return bool(where.rank) and bool(keys) and keys <= {"published_on", "id"}

    @log_query
    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        facets=None,
        narrow_queries=None,
        models=None,
        result_class=None,
        **kwargs,
    ):
        empty = no_results()
        if not self.setup_complete:
            self.setup()
        with _time_limited(self._read_alias()) as cursor:
            where = self._where(
                query_string,
                kwargs.get("archive_query"),
                narrow_queries,
                models,
                kwargs.get("date_range"),
                cursor,
            )
            if where is None:
                return empty
            rows, page_ids = None, None
            # One pass ranks among the matches it counts: as many as a page may reach.
            reach = end_offset is not None and max(CANDIDATES, end_offset) <= COUNT_LIMIT
            ranks = where.rank and not sort_by and reach and end_offset > start_offset
            if ranks and self._one_pass_pays(cursor, where):
                hits, exact, facet_counts, rows = self._one_pass(
                    cursor, where, facets, start_offset, end_offset, kwargs
                )
            elif ranks and self._exact_total(cursor, where) is not None:
                # More than COUNT_LIMIT matches, their number known: nothing to count. The
                # matches it ranks are read once, as one pass reads them.
                hits, exact, facet_counts, rows = self._one_pass(
                    cursor, where, facets, start_offset, end_offset, kwargs, counted=False
                )
            elif ranks:
                hits, exact, facet_counts, rows = self._count_and_rank(
                    cursor, where, facets, start_offset, end_offset, kwargs
                )
            elif self._exact_total(cursor, where) is not None:
                # Sorted or unranked, more than COUNT_LIMIT matches, their number known:
                # nothing to count; the facets count the candidates alone.
                hits, exact, facet_counts = self._sampled_counts(cursor, where, facets)
            else:
                # Sorted by date, words: the page from the matches counted, if all of them.
                page = None
                if self._reads_page(where, sort_by) and end_offset is not None:
                    limit = max(end_offset - start_offset, 0)
                    page = (self._order(sort_by), limit, start_offset)
                hits, exact, facet_counts, page_ids = self._counts_and_page(
                    cursor, where, facets, page
                )
            # Past COUNT_LIMIT the facets count the CANDIDATES of ``_candidates``; the total
            # may still be exact (``_exact_total``).
            facets_among = None if exact else _facet_sample()
            if not exact:
                total = self._exact_total(cursor, where)
                if total is not None:
                    hits, exact = total, True
            if rows is None:
                rows = self._ranked(
                    cursor,
                    where.sql,
                    where.params,
                    where.rank,
                    sort_by,
                    start_offset,
                    end_offset,
                    kwargs,
                    bounded=where if facets_among is not None else None,
                    page_ids=page_ids,
                )
        results = []
        cls = result_class or SearchResult
        for ct, pk, value in rows:
            app_label, model_name = ct.split(".")
            results.append(cls(app_label, model_name, pk, float(value)))
        return {
            "results": results,
            "hits": hits,
            "hits_exact": exact,
            "facets_among": facets_among,
            "facets": {"fields": facet_counts} if facets else {},
            "spelling_suggestion": None,
        }

    @staticmethod
    def _statistics(cursor, terms: list[str]) -> tuple[int, float, float, dict[str, int]]:
        """(documents, average length, average title length, {term: documents holding it})."""
        known = _known(cursor)
        frequency = known.frequency(terms)
        documents, length, title_length = known.documents()
        documents = max(documents, 1)
        return documents, length / documents, title_length / documents, frequency

    @staticmethod
    def _one_pass_pays(cursor, where: Where) -> bool:
        """Whether a relevance-ordered search counts and ranks in one pass (``_one_pass``):
        when counting reads every candidate's vector anyway (a phrase, a weight), or when
        the term statistics say it matches no more than ``COUNT_LIMIT`` (every match is
        then both counted and ranked). A broad search whose count reads no vector (a common
        word) counts from the index and ranks ``CANDIDATES`` of its matches: scoring every
        match counted would read five times the vectors."""
        if where.needs_vectors:
            return True
        terms = _shape_terms(where.shape)
        bound = _bound(where.shape, _frequency(cursor, terms) if terms else {})
        return bound is not None and bound <= COUNT_LIMIT

    def _one_pass(
        self, cursor, where: Where, facets, start_offset, end_offset, kwargs, counted=True
    ):
        """``(matches, exact, facet counts, the page's rows)`` as ``_counts`` and ``_ranked``
        give them, from one statement that reads each match's stored vector once
        (``READ_ONCE``): the index finds the rows of ``where.loose``; each row's vector,
        read, is checked against the search's own condition (a phrase's word order) and
        scored; the matches are counted, their facets counted and the best kept. Past
        ``COUNT_LIMIT`` matches, the ``CANDIDATES`` of ``_candidates`` are read and ranked
        instead, as ``_ranked`` ranks them.

        Not ``counted`` (a search whose total the term statistics give, ``_exact_total``,
        past ``COUNT_LIMIT``): only the candidates are read, and the number of matches is
        left to the caller."""
        limit = None if end_offset is None else max(end_offset - start_offset, 0)
        weighted = [(term, 1.0) for term in where.rank]
        frequencies, frequency_params, score, score_params = self.score_columns(cursor, weighted)
        feedback = self._feedback_applies(kwargs, where.rank, start_offset)
        end = end_offset
        if feedback and end_offset is not None:
            end = max(end_offset, ranking.FEEDBACK_WINDOW)
        # Every column the search's condition may name, the vector as read once.
        columns = ", ".join(
            ["ctid AS at", *sorted(self.table_columns - {"document"}), f"{READ_ONCE} AS document"]
        )
        check = f"WHERE {where.sql}" if where.needs_vectors else ""
        check_params = where.params if where.needs_vectors else []
        facet_columns, facet_selects, facet_params = self._facet_selects(facets)
        reach = max(CANDIDATES, end_offset or 0)

        def scored(rows: str, rows_params: list) -> tuple[str, list]:
            """The rows of TABLE meeting ``rows``, checked and scored."""
            return (
                f"SELECT at, id, django_ct, django_id, published_on, {facet_columns}, "
                f"{score} AS score FROM (SELECT c.*, {frequencies} FROM (SELECT {columns} "
                f"FROM {TABLE} WHERE {rows} OFFSET 0) AS c {check} OFFSET 0) AS s",
                [*score_params, *frequency_params, *rows_params, *check_params],
            )

        if counted:
            near, near_params = scored(where.loose, where.loose_params)
            # Every match up to COUNT_LIMIT; past it, the candidates, the titled read (and
            # scored) again. ``far`` is read only when ``picked`` reads it, and ``picked`` is
            # inlined where it is read: materialized, it copied up to 10,000 rows.
            far, far_params = _candidate_rows(where, reach, lambda rows: scored(rows, []))
            statement = (
                f"WITH matched AS MATERIALIZED ({near} LIMIT %s), far AS MATERIALIZED ({far}), "
                "picked AS NOT MATERIALIZED (SELECT * FROM matched WHERE (SELECT count(*) FROM "
                "matched) <= %s UNION ALL SELECT * FROM far WHERE (SELECT count(*) FROM "
                "matched) > %s), "
            )
            params = [*near_params, COUNT_LIMIT + 1, *far_params, COUNT_LIMIT, COUNT_LIMIT]
        else:
            places, places_params = _candidates(where, reach)
            far, far_params = scored(f"ctid = ANY({places})", places_params)
            # ``picked`` and ``m`` are the matched rows again, read where they are named:
            # materialized (PostgreSQL's choice for a CTE named twice), each copied the
            # candidates' rows once more, a twentieth of the search's time at a million.
            statement = (
                f"WITH matched AS MATERIALIZED ({far}), "
                "picked AS NOT MATERIALIZED (SELECT * FROM matched), "
            )
            params = far_params
        # The facets count the CANDIDATES of ``_candidates``, unless a page past them ranks
        # more: then those of the candidates ranked.
        if reach > _facet_sample():
            sample, sample_params = _candidates(where, _facet_sample(), matched=counted)
            within = "(SELECT count(*) FROM matched) <= %s OR " if counted else ""
            statement += f"m AS (SELECT * FROM picked WHERE {within}at = ANY({sample})) "
            params += [COUNT_LIMIT, *sample_params] if counted else sample_params
        else:
            statement += f"m AS {'' if counted else 'NOT MATERIALIZED '}(SELECT * FROM picked) "
        cursor.execute(
            statement
            + "SELECT 0, NULL::text, NULL::text, count(*), NULL::float8, NULL::text FROM matched "
            + "".join(
                f"UNION ALL SELECT 1, f.*, NULL::float8, NULL::text FROM ({select}) AS f "
                for select in facet_selects
            )
            + "UNION ALL SELECT 2, django_ct, django_id, row_number() OVER (ORDER BY score "
            "DESC, published_on DESC NULLS LAST, id), score, id FROM (SELECT * FROM picked "
            "ORDER BY score DESC, published_on DESC NULLS LAST, id LIMIT %s) AS best",
            [*params, *facet_params, end],
        )
        hits, exact, counts, best = self._read_counts(cursor.fetchall(), facets)
        if not counted:
            hits, exact = COUNT_LIMIT, False
        if limit == 0:
            return hits, exact, counts, []
        rows = [[ct, pk, score, identifier] for _, ct, pk, _, score, identifier in best]
        if not feedback:
            return hits, exact, counts, [tuple(row[:3]) for row in rows[start_offset:end]]
        page = self._feedback_page(cursor, rows, weighted, start_offset, end_offset)
        return hits, exact, counts, page

    @staticmethod
    def _feedback_applies(kwargs, rank, start_offset) -> bool:
        """Whether a relevance-ordered page is re-ranked by feedback (``_feedback_page``):
        a plain-word query's, within the first ``FEEDBACK_WINDOW`` results."""
        node = syntax.parse(kwargs["archive_query"]) if kwargs.get("archive_query") else None
        words = syntax.plain_words(node) if rank else []
        return len(words) >= ranking.FEEDBACK_MIN_WORDS and start_offset < ranking.FEEDBACK_WINDOW

    def _feedback_page(self, cursor, rows, weighted, start_offset, end_offset):
        """The page ``start_offset:end_offset`` of ``rows`` (``[django_ct, django_id, score,
        id]``, best first, at least the first ``FEEDBACK_WINDOW`` of the search) with the
        window re-ranked by feedback (``ranking.expansion``): the words of the best few are
        scored on the window only, so feedback costs a hundred rows' scoring rather than a
        second pass over every match; the results after the window keep their order."""
        window = rows[: ranking.FEEDBACK_WINDOW]
        extra = self.feedback(cursor, [row[3] for row in window], window, weighted)
        if extra:
            frequencies, frequency_params, score, score_params = self.score_columns(cursor, extra)
            # Each added word's score reads the vector: read once a row (READ_ONCE).
            cursor.execute(
                f"SELECT id, {score} FROM (SELECT c.*, {frequencies} FROM (SELECT id, length, "
                f"{READ_ONCE} AS document FROM {TABLE} WHERE id = ANY(%s) OFFSET 0) AS c "
                "OFFSET 0) AS s",
                [*score_params, *frequency_params, [row[3] for row in window]],
            )
            more = dict(cursor.fetchall())
            for row in window:
                row[2] = float(row[2]) + float(more.get(row[3]) or 0)
            window.sort(key=lambda row: -row[2])  # stable: ties keep the published order
            rows[: len(window)] = window
        return [tuple(row[:3]) for row in rows[start_offset:end_offset]]

    def _ranked(
        self,
        cursor,
        where,
        params,
        rank,
        sort_by,
        start_offset,
        end_offset,
        kwargs,
        bounded: Where | None = None,
        page_ids: list[str] | None = None,
    ):
        """The page's rows ``(django_ct, django_id, score)``, best first (or as sorted).

        ``bounded`` (the ``Where`` of a search with more than ``COUNT_LIMIT`` matches): in
        relevance order, only the ``CANDIDATES`` of ``_candidates`` are ranked (or as many
        as the page reaches).

        ``page_ids`` (of a page sorted by date, from ``_counts_and_page``): that page is
        those rows, scored and in its order.

        Plain-word queries are re-ranked by feedback (``_feedback_page``)."""
        limit = None if end_offset is None else max(end_offset - start_offset, 0)
        if limit == 0:
            return []
        weighted = [(term, 1.0) for term in rank]
        source = TABLE
        if sort_by or not rank:
            score, score_params = self.score_sql(cursor, weighted)
            if page_ids is not None:
                if not page_ids:
                    return []
                cursor.execute(
                    f"SELECT django_ct, django_id, {score} AS score FROM {TABLE} "
                    f"WHERE id = ANY({_SPLIT}) ORDER BY {self._order(sort_by)}",
                    [*score_params, _joined(page_ids)],
                )
                return cursor.fetchall()
        else:
            # Each term's score reads the row's stored vector. Past ``RANK_IN_PLACE_TERMS``
            # terms it is read once per row here (READ_ONCE) rather than once per term (a
            # prefix ranks by up to 32 terms). OFFSET 0 keeps PostgreSQL from folding the
            # sub-select back into a read per term.
            chosen = f"{where} OFFSET 0"
            if bounded is not None:
                places, places_params = _candidates(bounded, max(CANDIDATES, end_offset or 0))
                chosen, params = f"ctid = ANY({places})", places_params
            vector = (
                "document" if len(weighted) <= RANK_IN_PLACE_TERMS else f"{READ_ONCE} AS document"
            )
            frequencies, frequency_params, score, score_params = self.score_columns(
                cursor, weighted
            )
            source = (
                f"(SELECT c.*, {frequencies} FROM (SELECT id, django_ct, django_id, "
                f"published_on, length, {vector} FROM {TABLE} WHERE {chosen}) AS c "
                "OFFSET 0) AS s"
            )
            params = [*frequency_params, *params]
            where = "TRUE"
        # Nothing to rank by (browsing by facet or date): newest first, which the
        # (published_on DESC NULLS LAST, id) index of migration 0013 answers without a sort.
        order = self._order(sort_by) if rank or sort_by else self._order(["-published_on"])
        select = (
            f"SELECT django_ct, django_id, {score} AS score, id FROM {source} WHERE {where} "
            f"ORDER BY {order}"
        )
        if sort_by or not self._feedback_applies(kwargs, rank, start_offset):
            cursor.execute(
                f"{select} LIMIT %s OFFSET %s", [*score_params, *params, limit, start_offset]
            )
            return [row[:3] for row in cursor.fetchall()]
        end = None if end_offset is None else max(end_offset, ranking.FEEDBACK_WINDOW)
        cursor.execute(f"{select} LIMIT %s", [*score_params, *params, end])
        rows = [list(row) for row in cursor.fetchall()]
        page_end = None if limit is None else start_offset + limit
        return self._feedback_page(cursor, rows, weighted, start_offset, page_end)

    def _bm25(self, cursor, weighted) -> tuple[str, list[tuple[float, str]]]:
        """(BM25's length normalisation over ``length``, [(idf × (k1 + 1), tsquery)] per
        term): see ``score_sql``."""
        documents, average, _, frequency = self._statistics(cursor, [term for term, _ in weighted])
        k1, b = ranking.K1, ranking.B
        norm = f"{k1} * (1 - {b} + {b} * length / {max(average, 1e-9)!r})"
        terms = [
            (ranking.idf(documents, frequency.get(term, 0)) * weight * (k1 + 1), _lexeme(term))
            for term, weight in weighted
        ]
        return norm, terms

    def score_sql(self, cursor, weighted: list[tuple[str, float]]) -> tuple[str, list]:
        """An SQL expression (and its parameters) for BM25 of the ``(term, weight)`` pairs,
        as ``articles.search.ranking`` says: over the full text (the D-weighted part of
        ``document``, its length in ``length``), a title occurrence (A) counting
        ``TITLE_WEIGHT`` of one in the text, each term's document frequency from the term
        statistics.

        A term's frequency in a document is ``ts_rank_cd`` of that one term, with weight 1
        for the text and ``TITLE_WEIGHT`` for the title: for a single term, cover density
        ranking sums the weights of its positions.

        Each term's frequency is a sub-plan run per row: for a sorted page, whose few rows
        PostgreSQL scores after sorting. Ranking every match: ``score_columns``."""
        if not weighted:
            return "0", []
        norm, terms = self._bm25(cursor, weighted)
        parts, params = [], []
        for factor, query in terms:
            # idf * tf * (k1 + 1) / (tf + norm), tf computed once (a sub-select).
            parts.append(
                f"(SELECT %s * tf / NULLIF(tf + {norm}, 0) FROM "
                f"(SELECT ts_rank_cd('{_TF_WEIGHTS}', document, %s::tsquery) AS tf) t)"
            )
            params += [factor, query]
        return "(" + " + ".join(f"coalesce({p}, 0)" for p in parts) + ")", params

    def score_columns(self, cursor, weighted) -> tuple[str, list, str, list]:
        """``score_sql`` as ``(frequencies, their params, score, its params)``: select-list
        items computing each term's frequency from ``document`` once a row, named ``tf0``,
        ``tf1``, ..., and the length normalisation (``norm``), and BM25 over them. A
        sub-select of those columns (``OFFSET 0``: not folded back into one computation per
        use) scores each row without ``score_sql``'s sub-plan per term, in three fifths of its time
        (docs/performance.md, "Counting and ranking in one pass (session 8)").

        Past ``RANK_IN_PLACE_TERMS`` terms (the callers then read the vector once a row), a
        term's frequency is computed only in rows holding it (``@@``, a lookup in the row's
        vector): most rows hold few of a prefix's 32 terms or of feedback's 20, and
        ``ts_rank_cd`` of an absent term, 0, cost three times the lookup (docs/performance.md,
        "Cheaper searches at a million (session 9)").

        The length normalisation is a column too (``norm``), computed once a row rather
        than once per term: it is ``numeric`` arithmetic (a division, then a conversion to
        ``float8`` through text), a tenth of the database's time for the search page's two
        words and most of feedback's twenty; cast to ``float8`` as each term's sum cast it,
        so the scores are the same to the last bit (docs/performance.md, "The search page's
        database (session 12)")."""
        if not weighted:
            return "0 AS tf0", [], "0", []
        norm, terms = self._bm25(cursor, weighted)
        frequency = f"ts_rank_cd('{_TF_WEIGHTS}', document, %s::tsquery)"
        queries = [query for _, query in terms]
        if len(terms) > RANK_IN_PLACE_TERMS:
            frequency = f"CASE WHEN document @@ %s::tsquery THEN {frequency} ELSE 0 END"
            queries = [query for query in queries for _ in range(2)]
        frequencies = ", ".join(
            [f"({norm})::float8 AS norm", *(f"{frequency} AS tf{n}" for n in range(len(terms)))]
        )
        score = " + ".join(
            f"coalesce(%s * tf{n} / NULLIF(tf{n} + norm, 0), 0)" for n in range(len(terms))
        )
        return frequencies, queries, f"({score})", [f for f, _ in terms]

    def feedback(self, cursor, identifiers, rows, weighted) -> list[tuple[str, float]]:
        """Terms to add to a plain-word query's ranking (``ranking.expansion``), from the
        full-text terms of its best ``FEEDBACK_DOCUMENTS`` matches (``rows``: id last)."""
        best = {row[3]: float(row[2] or 0) for row in rows[: ranking.FEEDBACK_DOCUMENTS]}
        if not best:
            return []
        cursor.execute(
            f"SELECT id, t.lexeme, array_length(t.positions, 1) FROM {TABLE}, "
            "unnest(ts_filter(document, '{d}')) t WHERE id = ANY(%s)",
            [list(best)],
        )
        top: dict[str, Counter] = {}
        for identifier, lexeme, count in cursor.fetchall():
            top.setdefault(identifier, Counter())[lexeme] = count or 1
        documents, _, _, _ = self._statistics(cursor, [])
        return ranking.expansion(
            [(top[i], best[i]) for i in best if i in top and best[i]],
            [term for term, _ in weighted],
            lambda terms: _frequency(cursor, terms),
            documents,
        )

    def _facet_selects(self, facets) -> tuple[str, list[str], list]:
        """(the columns of TABLE ``m`` must hold, SELECTs of ``(facet, value, count)`` over
        ``m`` (the matches): the ``MAX_FACET_VALUES`` commonest values of each facet, and
        their parameters). Facets with a column of their own (migration 0014) are counted
        from it: the single-valued ones in one pass over the matches (``GROUPING SETS``: one
        hash table each, filled together), each array unnested in the select list (a set
        function per row, not a join to a function scan per row), its rows without a value
        skipped first; any other from the JSONB the writer wrote, which ``m`` then holds. At
        a million articles, counting six facets among 10,001 matches took 13 rather than 27
        ms of the server's CPU (docs/performance.md, "Cheaper searches at a million (session
        9)")."""
        columns, selects, params = [], [], []
        single = []  # facets with a column of their own, one value a row
        for name in facets or ():
            multi, own = self.facet_fields.get(name), name in self.facet_columns
            if own:
                columns.append(name)
            elif "facets" not in columns:
                columns.append("facets")
            if multi and own:
                selects.append(
                    f"SELECT %s, v, count(*) FROM (SELECT unnest({name}) AS v FROM m "
                    f"WHERE cardinality({name}) > 0) AS m GROUP BY v "
                    "ORDER BY count(*) DESC, v LIMIT %s"
                )
                params += [name, MAX_FACET_VALUES]
            elif multi:
                selects.append(
                    "SELECT %s, v, count(*) FROM m, jsonb_array_elements_text(m.facets -> %s) v "
                    "GROUP BY v ORDER BY count(*) DESC, v LIMIT %s"
                )
                params += [name, name, MAX_FACET_VALUES]
            elif own:
                single.append(name)
            else:
                selects.append(
                    "SELECT %s, m.facets ->> %s, count(*) FROM m WHERE m.facets ->> %s <> '' "
                    "GROUP BY 2 ORDER BY count(*) DESC, 2 LIMIT %s"
                )
                params += [name, name, name, MAX_FACET_VALUES]
        if single:
            # Each row of the grouping is one facet's value (the others' NULL, ungrouped):
            # which facet, GROUPING says. A row without a value, NULL or '', counts in none.
            name = " ".join(f"WHEN GROUPING({f}) = 0 THEN %s" for f in single)
            value = " ".join(f"WHEN GROUPING({f}) = 0 THEN {f}" for f in single)
            sets = ", ".join(f"({f})" for f in single)
            selects.append(
                "SELECT name, value, n FROM (SELECT name, value, n, row_number() OVER "
                "(PARTITION BY name ORDER BY n DESC, value) AS r FROM (SELECT "
                f"CASE {name} END AS name, CASE {value} END AS value, count(*) AS n FROM m "
                f"GROUP BY GROUPING SETS ({sets})) AS g WHERE value <> '') AS t "
                "WHERE r <= %s ORDER BY name, r"
            )
            params += [*single, MAX_FACET_VALUES]
        return ", ".join(columns) or "NULL AS nothing", selects, params

    @staticmethod
    def _read_counts(rows, facets):
        """``(matches, exact, {facet: [(value, count)]}, other rows)`` from rows of ``(kind,
        facet, value, count, ...)``: kind 0 the number of matches read (at most
        ``COUNT_LIMIT`` + 1), 1 a facet's value, any other the caller's. Past
        ``COUNT_LIMIT``, ``exact`` is False and the number is ``COUNT_LIMIT``."""
        hits, counts, others = 0, {name: [] for name in facets or ()}, []
        for row in rows:
            kind, name, value, count = row[:4]
            if kind == 0:
                hits = count
            elif kind == 1:
                counts[name].append((value, count))
            else:
                others.append(row)
        if hits > COUNT_LIMIT:
            return COUNT_LIMIT, False, counts, others
        return hits, True, counts, others

    def _counts(self, cursor, where: Where, facets):
        """``(matches, exact, {facet: [(value, count)]})`` by one aggregation over the
        matching set, read no further than ``COUNT_LIMIT`` + 1 rows: past that, ``exact`` is
        False, the number is ``COUNT_LIMIT`` (a lower bound) and the facets count the
        ``CANDIDATES`` of ``_candidates`` only, the matches a relevance-ordered page ranks."""
        hits, exact, counts, _ = self._counts_and_page(cursor, where, facets)
        return hits, exact, counts

    def _counts_and_page(self, cursor, where: Where, facets, page=None):
        """``_counts``, and with ``page`` (``(ORDER BY, limit, offset)`` of a page sorted by
        date) the ids of that page's matches in its order, read from the matches counted
        when they are all of them (no more than ``COUNT_LIMIT``); else None. A walk of a date
        index until the page is full reads few rows when the matches are many and spread,
        but PostgreSQL cannot tell when they are few or gathered in a few years, and then
        walked a million rows reading each one's vector (docs/performance.md, "Sorted
        searches with a filter (session 12)")."""
        columns, selects, select_params = self._facet_selects(facets)
        read = f"{columns}, published_on, id" if page else columns
        # Past the limit, the candidates (the titled read again).
        far, far_params = _candidate_rows(
            where,
            _facet_sample(),
            lambda rows: (f"SELECT ctid AS at, {read} FROM {TABLE} WHERE {rows}", []),
        )
        paged, paged_params = "", []
        if page:
            order, limit, offset = page
            paged = (
                f"UNION ALL SELECT 2, (SELECT string_agg(id, ' ' ORDER BY {order}) FROM (SELECT "
                f"published_on, id FROM matched ORDER BY {order} LIMIT %s OFFSET %s) AS p), "
                "NULL::text, NULL::bigint WHERE (SELECT count(*) FROM matched) <= %s "
            )
            paged_params = [limit, offset, COUNT_LIMIT]
        cursor.execute(
            f"WITH matched AS MATERIALIZED (SELECT ctid AS at, {read} FROM {TABLE} WHERE "
            f"{where.sql} LIMIT %s), m AS (SELECT * FROM matched WHERE (SELECT count(*) FROM "
            f"matched) <= %s UNION ALL SELECT * FROM ({far}) AS far WHERE (SELECT count(*) "
            "FROM matched) > %s) "
            "SELECT 0, NULL::text, NULL::text, count(*) FROM matched "
            + "".join(f"UNION ALL SELECT 1, f.* FROM ({select}) AS f " for select in selects)
            + paged,
            [
                *where.params,
                COUNT_LIMIT + 1,
                COUNT_LIMIT,
                *far_params,
                COUNT_LIMIT,
                *select_params,
                *paged_params,
            ],
        )
        hits, exact, counts, others = self._read_counts(cursor.fetchall(), facets)
        ids = None
        if page and others:
            ids = (others[0][1] or "").split()
        return hits, exact, counts, ids

    def _sampled_counts(self, cursor, where: Where, facets):
        """``_counts`` of a search known to have more than ``COUNT_LIMIT`` matches (its total
        from the term statistics, ``_exact_total``): ``(COUNT_LIMIT, False, {facet: [(value,
        count)]})``, the facets counted among the ``CANDIDATES`` of ``_candidates`` read by
        their place, as ``_one_pass`` reads them when it need not count; the first
        ``COUNT_LIMIT`` + 1 matches are not read. A page sorted by date counted them, then
        read the candidates again (docs/performance.md, "The million after session 11")."""
        columns, selects, select_params = self._facet_selects(facets)
        if not selects:
            return COUNT_LIMIT, False, {}
        places, places_params = _candidates(where, _facet_sample())
        cursor.execute(
            f"WITH m AS (SELECT {columns} FROM {TABLE} WHERE ctid = ANY({places})) "
            + " UNION ALL ".join(f"SELECT 1, f.* FROM ({select}) AS f" for select in selects),
            [*places_params, *select_params],
        )
        _, _, counts, _ = self._read_counts(cursor.fetchall(), facets)
        return COUNT_LIMIT, False, counts

    def _count_and_rank(self, cursor, where: Where, facets, start_offset, end_offset, kwargs):
        """``(matches, exact, facet counts, the page's rows)`` as ``_counts`` and then
        ``_ranked`` give them for a relevance-ordered search that counts from the index alone
        (a common word: ``_one_pass_pays``), in one statement: the matches' places in the
        table (``ctid``) are read once, at most ``COUNT_LIMIT`` + 1 of them, and those it
        ranks are read by their place (a TID scan), with their facets: every match up to
        ``COUNT_LIMIT``, past it the ``CANDIDATES`` of ``_candidates``, which the facets
        count too. Apart, each statement built the index's bitmap of the matches again: for a word
        beside a facet, the facet's (177,740 rows for Reuters at a million articles) took
        25-30 ms each time (docs/performance.md, "Cheaper searches at a million (session
        9)")."""
        weighted = [(term, 1.0) for term in where.rank]
        # As ``_ranked``: the vector read once a row when several terms score it.
        vector = "document" if len(weighted) <= RANK_IN_PLACE_TERMS else f"{READ_ONCE} AS document"
        frequencies, frequency_params, score, score_params = self.score_columns(cursor, weighted)
        feedback = self._feedback_applies(kwargs, where.rank, start_offset)
        end = max(end_offset, ranking.FEEDBACK_WINDOW) if feedback else end_offset
        facet_columns, facet_selects, facet_params = self._facet_selects(facets)
        reach = max(CANDIDATES, end_offset)
        places, places_params = _candidates(where, reach, matched=True)
        # Which of the ranked rows the facets count: all (every match up to COUNT_LIMIT, or
        # the CANDIDATES of ``_candidates``), unless a page past them ranks more.
        sample, sample_params = "", []
        if reach > _facet_sample():
            chosen, chosen_params = _candidates(where, _facet_sample(), matched=True)
            sample = f"WHERE (SELECT count(*) FROM matched) <= %s OR at = ANY({chosen})"
            sample_params = [COUNT_LIMIT, *chosen_params]
        cursor.execute(
            f"WITH matched AS MATERIALIZED (SELECT ctid AS at FROM {TABLE} WHERE {where.sql} "
            "LIMIT %s), ranked AS MATERIALIZED (SELECT at, django_ct, django_id, id, "
            f"published_on, {facet_columns}, {score} AS score FROM (SELECT c.*, {frequencies} "
            f"FROM (SELECT ctid AS at, id, django_ct, django_id, published_on, length, "
            f"{facet_columns}, {vector} FROM {TABLE} WHERE ctid = ANY(CASE WHEN (SELECT "
            "count(*) FROM matched) > %s THEN "
            f"{places} ELSE ARRAY(SELECT at FROM matched) END) "
            f"OFFSET 0) AS c OFFSET 0) AS s), m AS (SELECT * FROM ranked {sample}) "
            "SELECT 0, NULL::text, NULL::text, count(*), NULL::float8, NULL::text FROM matched "
            + "".join(
                f"UNION ALL SELECT 1, f.*, NULL::float8, NULL::text FROM ({select}) AS f "
                for select in facet_selects
            )
            + "UNION ALL SELECT 2, django_ct, django_id, NULL::bigint, score, id FROM (SELECT "
            f"django_ct, django_id, score, id FROM ranked ORDER BY {self._order(None)} "
            "LIMIT %s) AS best",
            [
                *where.params,
                COUNT_LIMIT + 1,
                *score_params,
                *frequency_params,
                COUNT_LIMIT,
                *places_params,
                *sample_params,
                *facet_params,
                end,
            ],
        )
        hits, exact, counts, best = self._read_counts(cursor.fetchall(), facets)
        rows = [[ct, pk, score, identifier] for _, ct, pk, _, score, identifier in best]
        if not feedback:
            return hits, exact, counts, [tuple(row[:3]) for row in rows[start_offset:end]]
        page = self._feedback_page(cursor, rows, weighted, start_offset, end_offset)
        return hits, exact, counts, page

    def _exact_total(self, cursor, where: Where) -> int | None:
        """The number of matches of a search for one term and nothing else (``Where.term``),
        from the term statistics; None for any other search.

        ``search_term`` counts the documents holding a term in their full text, and the
        full text holds the title, author and entity names too (``ArticleIndex.text``): the
        documents whose ``document`` holds the term at any weight, the rows this search
        matches. Every write keeps it in step with the table (``update``, ``remove``,
        ``clear``, ``rebuild``), and the table holds public articles only. ``Where.term``
        is that of the condition searched, so words ``ranking.narrow`` left out of the
        matching are left out here too."""
        if where.term is None:
            return None
        documents = _frequency(cursor, [where.term]).get(where.term, 0)
        # Fewer than were just counted: the statistics are behind; the bound stands.
        return documents if documents > COUNT_LIMIT else None

    def suggest(self, text: str) -> str | None:
        """The query with its unknown words replaced by the closest words of the archive's
        own vocabulary (pg_trgm, then at most two edits), or None.

        ``search_word`` keeps every word ever indexed, a withdrawn article's too: a word is
        offered only if a document the index holds now has it."""
        if not self.setup_complete:
            self.setup()
        deadline = time.monotonic() + time_limit() * SUGGEST_SHARE
        with _time_limited(self._read_alias()) as cursor:

            def held(word: str) -> bool:
                cursor.execute(
                    f"SELECT EXISTS (SELECT 1 FROM {TABLE} WHERE document @@ %s::tsquery)",
                    [_lexeme(stem(word))],  # the term the index holds (search/analysis)
                )
                return cursor.fetchone()[0]

            def closest(word: str) -> str | None:
                plain = index_words(word)
                if time.monotonic() > deadline:
                    return None  # a suggestion is a nicety: never worth a long wait
                if len(plain) != 1 or held(plain[0]):
                    return None  # a compound the vocabulary cannot help with, or known
                cursor.execute(
                    f"SELECT word FROM {WORDS} WHERE word %% %s "
                    "ORDER BY similarity(word, %s) DESC, word LIMIT 10",
                    [plain[0], plain[0]],
                )
                # The fewest edits; among equals, the most similar (the order of the rows).
                close = sorted(
                    (distance, rank, candidate)
                    for rank, (candidate,) in enumerate(cursor.fetchall())
                    if (distance := edit_distance(candidate, plain[0])) <= SUGGEST_MAX_DISTANCE
                )
                return next((c for _, _, c in close if held(c)), None)

            return suggest_query(text, closest)

    def more_like_this(
        self,
        model_instance,
        additional_query_string=None,
        start_offset=0,
        end_offset=None,
        models=None,
        limit_to_registered_models=None,
        result_class=None,
        **kwargs,
    ):
        """Documents like this one: its ``MLT_TERMS`` most telling words (no English stop
        words, longer than two letters; by how often it uses each and how rare the word is
        in the archive, no word held by more than ``MLT_MAX_SHARE`` of the documents once
        there are thousands), and ``MLT_CANDIDATES`` of the documents holding two of them
        at least ranked by them all: at a
        million articles a dozen common words matched most of the archive, and ranking it
        took seconds on every article page (issue 18)."""
        empty = no_results()
        if not self.setup_complete:
            self.setup()
        identifier = get_identifier(model_instance)
        with _time_limited(self._read_alias()) as cursor:
            documents, _, _, _ = self._statistics(cursor, [])
            cursor.execute(
                f"SELECT t.lexeme FROM {TABLE} d CROSS JOIN unnest(d.document) t "
                f"LEFT JOIN {TERMS} s ON s.term = t.lexeme "
                "WHERE d.id = %s AND length(t.lexeme) > 2 "
                "AND numnode(plainto_tsquery('english', t.lexeme)) > 0 "
                "AND coalesce(s.documents, 0) <= %s "
                "ORDER BY array_length(t.positions, 1) "
                "* ln(%s::float / (coalesce(s.documents, 0) + 1)) DESC, t.lexeme "
                "LIMIT %s",
                [identifier, max(100, int(documents * MLT_MAX_SHARE)), documents, MLT_TERMS],
            )
            terms = [lexeme for (lexeme,) in cursor.fetchall() if _WORD.fullmatch(lexeme)]
            if not terms:
                return empty
            query = " | ".join(f"'{lexeme}'" for lexeme in terms)
            # Candidates hold two of the words at least: one word alone is no subject.
            pairs = [f"'{a}' & '{b}'" for i, a in enumerate(terms) for b in terms[i + 1 :]]
            clauses = ["document @@ %s::tsquery", "id <> %s"]
            params = [" | ".join(f"({pair})" for pair in pairs) or query, identifier]
            if models:
                clauses.append("django_ct = ANY(%s)")
                params.append(sorted(get_model_ct(model) for model in models))
            top = (end_offset or 10) - start_offset
            cursor.execute(
                f"SELECT django_ct, django_id, "
                f"ts_rank_cd('{RANK_WEIGHTS}', document, %s::tsquery, 1) AS score "
                f"FROM (SELECT id, django_ct, django_id, document FROM {TABLE} "
                f"WHERE {' AND '.join(clauses)} LIMIT %s) AS c "
                "ORDER BY score DESC, id LIMIT %s OFFSET %s",
                [query, *params, MLT_CANDIDATES, max(top, 0), start_offset],
            )
            rows = cursor.fetchall()
        cls = result_class or SearchResult
        results = [cls(*ct.split("."), pk, float(score)) for ct, pk, score in rows]
        return {"results": results, "hits": len(results), "facets": {}}


# A CREATE INDEX statement as ``pg_indexes`` (``pg_get_indexdef``) writes one.
_CREATE_INDEX = re.compile(
    r"(?P<create>CREATE (?:UNIQUE )?INDEX )(?P<name>\w+)(?P<on> ON (?:ONLY )?)"
    r"(?P<table>[\w.]+)(?P<rest> USING .*)",
    re.DOTALL,
)


def empty_copy(cursor, table: str, copy: str) -> list[str]:
    """Make ``copy``: an empty table with the columns, defaults and primary key of ``table``
    (made by migration 0009), without its other indexes, which are cheaper to build once the
    copy is full. Returns the statements that build them: ``table``'s own, as they are (for a
    copy renamed to ``table`` once ``table`` is dropped).

    The copy keeps how ``table`` stores its rows: its columns' storage and compression, and
    its storage parameters (``WITH``, which ``LIKE`` leaves behind): ``toast_tuple_target``
    of migration 0017, which keeps an article's vector in its row."""
    cursor.execute(
        "SELECT coalesce(string_agg(format('%%I = %%L', split_part(option, '=', 1), "
        "substr(option, strpos(option, '=') + 1)), ', '), '') "
        "FROM pg_class, unnest(reloptions) AS option WHERE oid = %s::regclass",
        [table],
    )
    (options,) = cursor.fetchone()
    # With its generated columns' expressions (migration 0014): written by PostgreSQL.
    cursor.execute(
        f"CREATE TABLE {copy} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        "INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION)"
        + (f" WITH ({options})" if options else "")
    )
    cursor.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'p'",
        [table],
    )
    for (definition,) in cursor.fetchall():
        cursor.execute(f"ALTER TABLE {copy} ADD CONSTRAINT {copy}_pkey {definition}")
    cursor.execute(
        "SELECT indexdef FROM pg_indexes i WHERE schemaname = current_schema() "
        "AND tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass) "
        "ORDER BY indexname",
        [table],
    )
    return [definition for (definition,) in cursor.fetchall()]


class PostgresSearchQuery(ArchiveQueryMixin, BaseSearchQuery):
    """Haystack's filters (``sqs.filter(published_on__gte=...)``, ``auto_query``) as one
    parameterised SQL condition (``Condition``). ``hits_exact``: whether the last run's total
    is exact rather than a lower bound; ``facets_among``: how many of its matches the facets
    were counted among, None for all of them (``COUNT_LIMIT``)."""

    hits_exact = True
    facets_among: int | None = None

    def run(self, spelling_query=None, **kwargs):
        # haystack's own run(), keeping the answer's ``hits_exact`` beside the count.
        search_kwargs = self.build_params(spelling_query=spelling_query)
        search_kwargs.update(kwargs)
        results = self.backend.search(self.build_query(), **search_kwargs)
        self._results = results.get("results", [])
        self._hit_count = results.get("hits", 0)
        self.hits_exact = results.get("hits_exact", True)
        self.facets_among = results.get("facets_among")
        self._facet_counts = self.post_process_facets(results)
        self._spelling_suggestion = results.get("spelling_suggestion", None)

    def build_query(self):
        self._fragments: list[tuple[str, list, list | None, tuple[str, list], _Match | None]] = []
        text = self.query_filter.as_query_string(self.build_query_fragment)
        if not text:
            return Condition("TRUE")
        params, rank, loose_params = [], [], []

        def fill(match):
            sql, values, rank_query, _, _ = self._fragments[int(match[1])]
            params.extend(values)
            if rank_query:
                rank.extend(rank_query)
            return sql

        def fill_loose(match):
            sql, values = self._fragments[int(match[1])][3]
            loose_params.extend(values)
            return sql

        # haystack joins fragments with AND / OR / NOT (...): SQL already.
        sql = re.sub(r"\{#(\d+)\}", fill, text)
        loose = None  # a negation of a loosened fragment would narrow it: exact then
        if "NOT" not in re.sub(r"\{#\d+\}", "", text):
            loose = (re.sub(r"\{#(\d+)\}", fill_loose, text), loose_params)
        alone = re.fullmatch(r"\(*\{#(\d+)\}\)*", text)
        match = self._fragments[int(alone[1])][4] if alone else None
        return Condition(sql, params, rank, loose, match)

    def matching_all_fragment(self):
        return "TRUE"

    def build_query_fragment(self, field, filter_type, value):
        if hasattr(value, "input_type_name"):
            value = value.query_string
        name = self.backend.connections[self._using].get_unified_index().get_index_fieldname(field)
        rank_query, loose, match = None, None, None
        if filter_type in {"content", "contains"} and (name == "content" or name in VECTORS):
            target = TITLE if name == "title" else VECTORS.get(name, ("document", ""))
            expr = translate(syntax.parse(force_str(value)), target)
            if expr is None:
                sql, values = "FALSE", []
            else:
                sql, values = to_sql(expr)
                loose = to_sql(expr, loose=True)
                rank_query = rank_terms(expr)
                match = expr if isinstance(expr, _Match) and expr.column == "document" else None
        else:
            sql, values = self._column_fragment(name, filter_type, value)
        self._fragments.append((sql, values, rank_query, loose or (sql, values), match))
        return f"{{#{len(self._fragments) - 1}}}"

    def _column_fragment(self, name, filter_type, value):
        operators = {"exact": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
        if name == "published_on":
            column, cast = "published_on", "::date"
            if isinstance(value, dt.datetime):
                value = value.date()
        elif name in {ID, DJANGO_CT, DJANGO_ID}:
            column, cast = name, ""
            value = force_str(value) if not isinstance(value, (list, tuple)) else value
        elif name in self.backend.facet_fields or f"{name}_exact" in self.backend.facet_fields:
            key = name if name in self.backend.facet_fields else f"{name}_exact"
            if self.backend.facet_fields[key]:
                if filter_type == "in":
                    return self.backend._facet_holds(key, *value) if value else ("FALSE", [])
                if filter_type in {"exact", "content", "contains"}:
                    return self.backend._facet_holds(key, value)
                raise ValueError(f"Cannot filter {name} by {filter_type}.")
            column, column_params = self.backend._facet_value(key)
            return self._compare(column, column_params, "", filter_type, value, operators)
        else:
            raise ValueError(f"The PostgreSQL backend cannot filter on {name!r}.")
        return self._compare(column, [], cast, filter_type, value, operators)

    @staticmethod
    def _compare(column, column_params, cast, filter_type, value, operators):
        if filter_type in operators:
            return f"{column} {operators[filter_type]} %s{cast}", [*column_params, value]
        if filter_type in {"content", "contains"}:
            return f"{column} = %s{cast}", [*column_params, value]
        if filter_type == "in":
            return f"{column} = ANY(%s)", [*column_params, list(value)]
        if filter_type == "range":
            low, high = value
            return f"{column} BETWEEN %s{cast} AND %s{cast}", [*column_params, low, high]
        raise ValueError(f"Unsupported filter {filter_type!r} for the PostgreSQL backend.")


class PostgresEngine(BaseEngine):
    backend = PostgresSearchBackend
    query = PostgresSearchQuery


# --- Trends: matches per year, month or week (issue 19) -------------------------------------
# Appended to the backend as one block: one GROUP BY date_trunc over the matching rows of
# the search table, with the search's own WHERE (``_where``), so the counts are the search
# page's totals.
_TRUNCATE = {"year": "year", "month": "month", "week": "week"}  # date_trunc's units


def date_histogram(
    self,
    query_string,
    interval,
    split_field=None,
    archive_query=None,
    narrow_queries=None,
    date_range=None,
    models=None,
    **kwargs,
):
    """See ``articles.search.backends.base.date_histogram``."""
    unit = _TRUNCATE[interval]
    if not self.setup_complete:
        self.setup()
    with _time_limited(self._read_alias()) as cursor:
        built = self._where(query_string, archive_query, narrow_queries, models, date_range, cursor)
        if built is None:
            return {}
        where, params = built.sql, built.params
        if split_field:
            cursor.execute(
                f"SELECT date_trunc(%s, published_on)::date, coalesce(facets ->> %s, ''), "
                f"count(*) FROM {TABLE} WHERE published_on IS NOT NULL AND {where} "
                "GROUP BY 1, 2",
                [unit, split_field, *params],
            )
            return {(day, value): count for day, value, count in cursor.fetchall()}
        cursor.execute(
            f"SELECT date_trunc(%s, published_on)::date, count(*) FROM {TABLE} "
            f"WHERE published_on IS NOT NULL AND {where} GROUP BY 1",
            [unit, *params],
        )
        return dict(cursor.fetchall())


PostgresSearchBackend.date_histogram = date_histogram


def ordered_ids(
    self,
    query_string,
    sort_by=None,
    archive_query=None,
    narrow_queries=None,
    date_range=None,
    models=None,
    limit=None,
    **kwargs,
):
    """See ``articles.search.backends.base.ordered_ids``: the search's own ranking."""
    if not self.setup_complete:
        self.setup()
    with _time_limited(self._read_alias()) as cursor:
        built = self._where(query_string, archive_query, narrow_queries, models, date_range, cursor)
        if built is None:
            return []
        rows = self._ranked(cursor, built.sql, built.params, built.rank, sort_by, 0, limit, {})
    return [int(pk) for _, pk, _ in rows]


PostgresSearchBackend.ordered_ids = ordered_ids
