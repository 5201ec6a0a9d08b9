"""Haystack's Whoosh backend, with the paths the archive depends on owned here.

Haystack 3.4's backend as shipped (see ``shared/notes/haystack-whoosh.md``):
- maps facet fields to stemmed TEXT, so author facets come back as 'nanci', 'thoma';
  here ``*_exact`` fields are unanalysed: single values in sortable ID columns,
  multiple values in a list field split on an invisible separator (names may hold commas);
- reopens the index and a searcher on every search; here one searcher per backend
  (haystack keeps a backend per thread) is kept and refreshed only when the index changed;
- parses every narrow query into its own search; here facet filters become Term
  queries (see ``articles.search.facets``) combined into one filter;
- writes through AsyncWriter, which gives up silently when another writer holds the
  lock; here the writer waits for the lock;
- counts a multi-valued facet (authors, entities) by rebuilding every document's list of
  values from the postings on every search, most of a search's time; here the lists are
  built once per segment (see ``SegmentCache``);
- walks the terms of a date range for every search; here each segment's dates are kept in
  order, and a range is two bisections (``_published_between``);
- filters every search on ``django_ct`` even when the index holds one model only;
- creates an empty index wherever it finds none, so a lost index silently answers every
  search with nothing; here only ``create_index`` (reindex, clear, sync on an empty
  archive) creates one, and searching a missing index raises ``IndexMissing``;
- lets a search run as long as it takes; here each one stops at ``SEARCH_TIME_LIMIT``
  (``SearchOverBudget``);
- suggests words of deleted documents (the spelling graph keeps them until their segment
  is merged away); here a suggestion must occur in a document the index still holds.
"""

from __future__ import annotations

import bisect
import datetime as dt
import shutil
import threading
import time
from collections import Counter, OrderedDict
from pathlib import Path

import numpy as np
from django.utils.encoding import force_str
from haystack import connections
from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.fields import FacetField
from haystack.utils import get_identifier, get_model_ct
from whoosh import query as wq
from whoosh import scoring
from whoosh.analysis import STOP_WORDS, Filter, RegexTokenizer, Token, Tokenizer
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import KEYWORD, TEXT
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError
from whoosh.matching import NullMatcher
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.qparser import FuzzyTermPlugin, QueryParser
from whoosh.searching import ResultsPage
from whoosh.sorting import Count, FieldFacet, OverlappingCategorizer

from articles.search import ranking, syntax
from articles.search.analysis import analyze, compound_spans, normalise_persian_arabic, stem
from articles.search.backends.base import (
    DATE_FIELD,
    SUGGEST_SHARE,
    ArchiveQueryMixin,
    IndexMissing,
    SearchOverBudget,
    edit_distance,
    no_results,
    suggest_query,
    time_limit,
)
from articles.search.facets import LIST_SEPARATOR, parse_facet_filter

# Tokens of a multi-valued facet field: everything between separators, as written.
_list_tokenizer = RegexTokenizer(rf"[^{LIST_SEPARATOR}]+")


class ArchiveTokenizer(Tokenizer):
    """The archive's analyzer (``articles.search.analysis``) as a Whoosh tokenizer: the
    terms are ``term_spans``'s, with their positions and where each word was written.

    Asked for words without stemming (``no_morph``: the words Whoosh keeps for spelling
    suggestions), it gives the folded words instead of their terms."""

    is_morph = True  # Whoosh then keeps the unstemmed words for "did you mean"

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        no_morph=False,
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # Whoosh asks for the value as one token (prefixes, for one)
            token.original = token.text = value
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        for pos, start, end, word in compound_spans(value):
            token.text = word if no_morph else stem(word)
            token.boost, token.stopped = 1.0, False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class ArchiveWordFilter(Filter):
    """Kept so that indexes written before ``ArchiveTokenizer`` did all the work still
    unpickle; the terms come from the tokenizer now."""

    def __call__(self, tokens):
        return tokens


def archive_analyzer():
    # No stop words: 'US', 'The Hague' and 'who' are news; phrases keep every word.
    return ArchiveTokenizer()


# Where a reader's field names search, and how much a match there weighs (``ranking``).
DEFAULT_FIELDS = {"text": 1.0, "title": ranking.TITLE_WEIGHT}
NAMED_FIELDS = {
    "title": "title",
    "authors": "author_names",
    "entities": "entity_names",
    "section": "section",
    "publication": "publication",
    "body": "text",
}

WRITER_LOCK_TIMEOUT = 60.0  # seconds to wait for another writer to finish
SUGGEST_CANDIDATES = 10  # close words tried, nearest first, until one is in a held document
SUGGEST_MAX_DISTANCE = 2  # edits


def _live_postings(searcher, field: str, token: str) -> bool:
    """Whether a document the index holds now (not a deleted one) has ``token``: a
    segment's postings skip its deleted documents, its term list does not."""
    return any(
        (field, token) in reader and reader.postings(field, token).is_active()
        for reader, _ in searcher.reader().leaf_readers()
    )


class Deadline(wq.WrappingQuery):
    """A query that raises ``SearchOverBudget`` once the clock passes ``deadline``
    (``time.monotonic()``): checked as each segment's matcher is built, as prefix queries
    expand (``a*`` can be thousands of words), and at every step through the postings.

    Whoosh's own TimeLimitCollector cannot be used here: it needs SIGALRM, which works in
    the main thread only, and it bypasses a FilterCollector's filter when wrapped round it."""

    def __init__(self, child, deadline: float):
        super().__init__(child)
        self.deadline = deadline

    @classmethod
    def after(cls, query, seconds: float) -> Deadline:
        return cls(query, time.monotonic() + seconds)

    def _rewrap(self, child):
        return Deadline(child, self.deadline)

    def matcher(self, searcher, context=None):
        _check(self.deadline)
        timed = self.child.accept(self._timed_expansion)
        matcher = timed.matcher(searcher, context)
        _check(self.deadline)
        return _DeadlineMatcher(matcher, self.deadline)

    def _timed_expansion(self, query):
        """Parts of a query that can work for long before a first match is found, made to
        look at the clock as they go: a prefix's expansion, a phrase's or a proximity
        query's walk through documents holding all its words."""
        if type(query) is wq.Prefix:
            return _TimedPrefix(query, self.deadline)
        if type(query) is wq.Phrase:
            return _TimedPhrase(query, self.deadline)
        if type(query) is wq.SpanNear2:
            terms = [_TimedTerm(q, self.deadline) if type(q) is wq.Term else q for q in query.qs]
            return wq.SpanNear2(
                terms, slop=query.slop, ordered=query.ordered, mindist=query.mindist
            )
        return query


class _TimedPrefix(wq.Prefix):
    """A prefix query whose expansion into words stops at the deadline."""

    def __init__(self, prefix: wq.Prefix, deadline: float):
        super().__init__(
            prefix.fieldname, prefix.text, boost=prefix.boost, constantscore=prefix.constantscore
        )
        self.deadline = deadline

    def _btexts(self, ixreader):
        for count, btext in enumerate(super()._btexts(ixreader)):
            if count % 32 == 0:
                _check(self.deadline)
            yield btext


class _TimedTerm(wq.Term):
    def __init__(self, term: wq.Term, deadline: float):
        super().__init__(term.fieldname, term.text, boost=term.boost)
        self.deadline = deadline

    def matcher(self, searcher, context=None):
        return _DeadlineMatcher(super().matcher(searcher, context), self.deadline)


class _TimedPhrase(wq.Phrase):
    """Whoosh's Phrase (a SpanNear2 of its words, in order, next to each other), its words'
    postings stepped through with an eye on the clock."""

    def __init__(self, phrase: wq.Phrase, deadline: float):
        super().__init__(phrase.fieldname, phrase.words, slop=phrase.slop, boost=phrase.boost)
        self.deadline = deadline

    def matcher(self, searcher, context=None):
        field = searcher.schema[self.fieldname]
        reader = searcher.reader()
        terms = []
        for word in self.words:
            btext = field.to_bytes(word)
            if (self.fieldname, btext) not in reader:
                return NullMatcher()  # a word no document has: no phrase either
            terms.append(_TimedTerm(wq.Term(self.fieldname, btext), self.deadline))
        near = wq.SpanNear2(terms, slop=self.slop, ordered=True, mindist=1)
        matcher = near.matcher(searcher, context)
        return WrappingMatcher(matcher, boost=self.boost) if self.boost != 1.0 else matcher


def _check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise SearchOverBudget("The search engine ran out of time for this query.")


class _DeadlineMatcher(WrappingMatcher):
    """Looks at the clock at every step: a step of a phrase or proximity query over common
    words can take milliseconds, a look at the clock takes less than a microsecond."""

    def __init__(self, child, deadline: float, boost: float = 1.0):
        super().__init__(child, boost=boost)
        self.deadline = deadline

    def _replacement(self, newchild):
        return _DeadlineMatcher(newchild, self.deadline, boost=self.boost)

    def copy(self):
        return _DeadlineMatcher(self.child.copy(), self.deadline, boost=self.boost)

    def next(self):
        _check(self.deadline)
        return self.child.next()

    def skip_to(self, id):
        _check(self.deadline)
        return self.child.skip_to(id)

    def skip_to_quality(self, minquality):
        _check(self.deadline)
        return self.child.skip_to_quality(minquality / self.boost)


class FacetList(KEYWORD):
    """A stored list of names, each one term exactly as written."""

    def __init__(self):
        super().__init__(stored=True)
        self.analyzer = _list_tokenizer


class SegmentCache:
    """What the backend derives from a segment (each document's facet values, its dates in
    order), built once per segment.

    A segment's documents never change once written (a deletion only hides a document), so
    what is built from one can serve every later search, on every thread, until the segment
    is merged away. Keyed by index path, segment id and size, and what was built; the
    entries of segments an index no longer has are dropped when a new searcher opens
    (``prune``)."""

    MAX_ENTRIES = 64  # a bound against indexes opened and forgotten (tests, rebuilds)

    def __init__(self):
        self._built: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: str, reader, what: tuple, build):
        """``build(reader)`` for this segment reader, made once; None if ``reader`` is not
        a segment's (then nothing is kept)."""
        segment = reader.segment()
        if segment is None:
            return None
        key = (path, segment.segment_id(), reader.doc_count_all(), *what)
        with self._lock:
            built = self._built.get(key)
            if built is not None:
                self._built.move_to_end(key)
                return built
        built = build(reader)
        with self._lock:
            self._built[key] = built
            while len(self._built) > self.MAX_ENTRIES:
                self._built.popitem(last=False)
        return built

    def prune(self, path: str, searcher) -> None:
        """Forget the segments of ``path`` that ``searcher`` no longer reads."""
        current = {
            leaf.segment().segment_id()
            for leaf, _ in searcher.reader().leaf_readers()
            if leaf.segment() is not None
        }
        with self._lock:
            for key in [k for k in self._built if k[0] == path and k[1] not in current]:
                del self._built[key]


segment_cache = SegmentCache()


def _value_lists(reader, fieldname: str) -> list[list[str]]:
    """Each document's values of a multi-valued field (as Whoosh's OverlappingCategorizer
    builds them, on every search)."""
    field = reader.schema[fieldname]
    lists: list[list[str]] = [[] for _ in range(reader.doc_count_all())]
    for btext in field.sortable_terms(reader, fieldname):
        text = field.from_bytes(btext)
        for docnum in reader.postings(fieldname, btext).all_ids():
            lists[docnum].append(text)
    return lists


def _dates_in_order(reader) -> tuple[list[int], list[int]]:
    """(column values, document numbers) of the date field, in date order: a date range is
    then two bisections. Documents without a date hold the column's default, the largest
    number, beyond any date."""
    column = reader.column_reader(DATE_FIELD, translate=False)
    pairs = sorted((value, docnum) for docnum, value in enumerate(column))
    return [value for value, _ in pairs], [docnum for _, docnum in pairs]


class SegmentListFacet(FieldFacet):
    """Counts of a multi-valued facet field, from lists built once per segment."""

    def __init__(self, fieldname: str, path: str):
        super().__init__(fieldname, allow_overlap=True, maptype=Count)
        self.path = path

    def categorizer(self, global_searcher):
        return _SegmentListCategorizer(global_searcher, self.fieldname, self.path)


class _SegmentListCategorizer(OverlappingCategorizer):
    def __init__(self, global_searcher, fieldname, path):
        super().__init__(global_searcher, fieldname)
        self._path = path

    def set_searcher(self, segment_searcher, docoffset):
        self._segment_searcher = segment_searcher
        self._lists = segment_cache.get(
            self._path,
            segment_searcher.reader(),
            ("values", self._fieldname),
            lambda reader: _value_lists(reader, self._fieldname),
        )
        if self._lists is None:  # not a segment reader: Whoosh's own way
            super().set_searcher(segment_searcher, docoffset)


class ArchiveWhooshBackend(WhooshSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._searcher = None
        self._searcher_lock = threading.Lock()
        self._multivalued_facets: set[str] = set()

    def setup(self, create: bool = False):
        """Open the index at ``self.path``; create it only when asked (``create_index``).

        Haystack's own setup creates an empty index wherever it finds none: a web worker
        started while the index was away would then answer every search with nothing,
        for good. Here a missing index stays missing until a command builds it."""
        self._prepare_schema()
        path = Path(self.path)
        if create:
            path.mkdir(parents=True, exist_ok=True)
        self.storage = FileStorage(str(path))
        try:
            if not path.is_dir():
                raise EmptyIndexError
            self.index = self.storage.open_index(schema=self.schema)
        except EmptyIndexError:
            if not create:
                raise IndexMissing(
                    f"There is no search index at {self.path}: "
                    "`manage.py reindex` builds it from the database."
                ) from None
            self.index = self.storage.create_index(self.schema)
        self._searcher = None  # the index may be a new one
        self.setup_complete = True

    def _prepare_schema(self):
        fields = connections[self.connection_alias].get_unified_index().all_searchfields()
        self.content_field_name, self.schema = self.build_schema(fields)
        self.parser = QueryParser(self.content_field_name, schema=self.schema)
        self.parser.add_plugins([FuzzyTermPlugin])

    def create_index(self) -> None:
        """Open the index, creating an empty one if there is none."""
        self.setup(create=True)

    def delete_index(self):
        # Haystack's clear(): remove every file, then start an empty index.
        shutil.rmtree(self.path, ignore_errors=True)
        self.create_index()

    def clear(self, models=None, commit=True):
        if not models:  # everything: there may be no index to open first
            self.delete_index()
            return
        super().clear(models, commit)

    # --- schema -------------------------------------------------------------
    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        for name, field in list(schema.items()):
            if isinstance(field, TEXT):
                schema.remove(name)
                schema.add(
                    name,
                    TEXT(
                        analyzer=archive_analyzer(),
                        stored=field.stored,
                        field_boost=field.format.field_boost,
                        spelling=name == content_field_name,
                    ),
                )
        # A column of ids lets `indexed_ids` list the index without loading stored text.
        schema.remove(DJANGO_ID)
        schema.add(DJANGO_ID, WHOOSH_ID(stored=True, sortable=True))
        for field_class in fields.values():
            if not isinstance(field_class, FacetField):
                continue
            name = field_class.index_fieldname
            schema.remove(name)
            if field_class.is_multivalued:
                schema.add(name, FacetList())
                self._multivalued_facets.add(name)
            else:
                schema.add(name, WHOOSH_ID(stored=True, sortable=True))
        return content_field_name, schema

    def _from_python(self, value):
        if isinstance(value, (list, tuple)):
            return LIST_SEPARATOR.join(force_str(v) for v in value if v)
        return super()._from_python(value)

    # --- writing ------------------------------------------------------------
    def _writer(self):
        return self.index.writer(timeout=WRITER_LOCK_TIMEOUT, delay=0.05)

    def _document(self, index, obj) -> dict | None:
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        doc = {key: self._from_python(value) for key, value in doc.items()}
        doc.pop("boost", None)
        # Whoosh rejects None and empty sortable values; a missing field is what they mean.
        return {k: v for k, v in doc.items() if v not in (None, "")}

    def update(self, index, iterable, commit=True):
        if not self.setup_complete:
            self.setup()
        # No self.index.refresh() here: the writer reads the newest table of contents once it
        # holds the lock, while a refresh outside the lock could open a file another
        # process's commit was deleting.
        documents = [doc for doc in (self._document(index, obj) for obj in iterable) if doc]
        if not documents:
            return
        writer = self._writer()
        try:
            for doc in documents:
                writer.update_document(**doc)
        except Exception:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(self, index, iterable, *, procs: int = 2, limitmb: int = 256) -> int:
        """Build a new index of ``iterable`` beside the current one with one writer
        (``procs`` processes) and one commit, then swap it in. Searches go on answering
        from the old index until the swap. Returns the number of documents."""
        if not self.setup_complete:
            self._prepare_schema()  # there may be no index yet: this makes one
        target = Path(self.path)
        building = target.with_name(target.name + ".building")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        new_index = FileStorage(str(building)).create_index(self.schema)
        options = {"limitmb": limitmb}
        if procs > 1:
            options.update(procs=procs, multisegment=True)
        writer = new_index.writer(**options)
        count = 0
        try:
            for obj in iterable:
                doc = self._document(index, obj)
                if doc:
                    writer.add_document(**doc)
                    count += 1
        except BaseException:
            writer.cancel()
            shutil.rmtree(building, ignore_errors=True)
            raise
        writer.commit()
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        building.rename(target)
        shutil.rmtree(old, ignore_errors=True)  # open searchers keep their files until closed
        self.setup()
        return count

    def remove(self, obj_or_string, commit=True):
        if not self.setup_complete:
            self.setup()
        whoosh_id = obj_or_string if isinstance(obj_or_string, str) else None
        if whoosh_id is None:
            whoosh_id = get_identifier(obj_or_string)
        writer = self._writer()
        writer.delete_by_term(ID, whoosh_id)
        writer.commit()

    def indexed_ids(self, model) -> set[int]:
        """Primary keys of ``model``'s documents in the index."""
        if self.searcher().doc_count_all() == 0:
            return set()  # an index that never held a document has no columns to read
        reader = self.searcher().reader()
        ids = reader.column_reader(DJANGO_ID)
        docs = self.searcher().docs_for_query(wq.Term(DJANGO_CT, get_model_ct(model)))
        return {int(ids[docnum]) for docnum in docs}

    # --- reading ------------------------------------------------------------
    def searcher(self):
        """The backend's searcher, refreshed only if the index changed since last use."""
        if not self.setup_complete:
            self.setup()
        with self._searcher_lock:
            if self._searcher is None or not self._searcher.up_to_date():
                # Not Searcher.refresh(): it reuses segment readers whose segment id is
                # unchanged, and a commit that only deletes keeps the ids, so withdrawn
                # articles would stay findable.
                self._searcher = self.index.searcher(
                    weighting=scoring.BM25F(B=ranking.B, K1=ranking.K1)
                )
                segment_cache.prune(self.path, self._searcher)
            return self._searcher

    def _filter_query(self, narrow_queries, models, limit_to_registered_models):
        filters = []
        for narrow in narrow_queries or ():
            facet = parse_facet_filter(narrow)
            if facet is not None:
                filters.append(wq.Term(*facet))
            else:
                filters.append(self.parser.parse(force_str(narrow)))
        if models and not self._all_indexed(models):
            cts = sorted(get_model_ct(model) for model in models)
            filters.append(wq.Or([wq.Term(DJANGO_CT, ct) for ct in cts]))
        return wq.And(filters) if filters else None

    def _filter(self, searcher, narrow_queries, models, date_range):
        """What a search is limited to: a query, or with a date range the set of documents."""
        limit = self._filter_query(narrow_queries, models, None)
        if not date_range:
            return limit
        dated = self._published_between(searcher, *date_range)
        return dated & set(searcher.docs_for_query(limit)) if limit is not None else dated

    def _published_between(self, searcher, start, end) -> set[int]:
        """The documents (numbers in ``searcher``) dated from ``start`` to ``end`` (dates,
        both included; None: open), from each segment's dates kept in order."""
        field = self.schema[DATE_FIELD]
        low = field.to_column_value(dt.datetime.combine(start or dt.date.min, dt.time.min))
        high = field.to_column_value(dt.datetime.combine(end or dt.date.max, dt.time.min))
        found: set[int] = set()
        for reader, offset in searcher.reader().leaf_readers():
            values, docnums = segment_cache.get(
                self.path, reader, ("dates",), _dates_in_order
            ) or _dates_in_order(reader)
            first, last = bisect.bisect_left(values, low), bisect.bisect_right(values, high)
            found.update(offset + docnum for docnum in docnums[first:last])
        return found

    def _all_indexed(self, models) -> bool:
        # Every document is of a model in the unified index: asking for all of them is no filter.
        indexed = connections[self.connection_alias].get_unified_index().get_indexed_models()
        return set(models) >= set(indexed)

    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        fields="",
        highlight=False,
        facets=None,
        date_facets=None,
        query_facets=None,
        narrow_queries=None,
        spelling_query=None,
        within=None,
        dwithin=None,
        distance_point=None,
        models=None,
        limit_to_registered_models=None,
        result_class=None,
        **kwargs,
    ):
        empty = no_results()
        query_string = force_str(query_string).strip()
        if not query_string:
            return empty
        searcher = self.searcher()
        if searcher.doc_count() == 0:
            return empty

        parts = []
        if query_string not in {"*", "*:*", "(*)"}:
            parsed = self.parser.parse(query_string)
            if parsed is None or parsed is wq.NullQuery:
                return empty
            parts.append(parsed)
        archive_query = kwargs.get("archive_query")
        node = None
        if archive_query:
            node = syntax.parse(archive_query)
            translated = self.translate_ranked(searcher, node) if node is not None else None
            if translated is None:
                return empty
            if syntax.only_negative(node):
                translated = wq.And([wq.Every(), translated])
            parts.append(translated)
        parsed = wq.And(parts) if len(parts) > 1 else (parts[0] if parts else wq.Every())

        sortedby, reverse = None, False
        if sort_by:
            directions = {key.startswith("-") for key in sort_by}
            if len(directions) > 1:
                raise ValueError("Whoosh sorts every field in the same direction.")
            reverse = directions == {True}
            sortedby = [key.lstrip("-") for key in sort_by]

        groupedby = {}
        for name in facets or ():
            if name in self._multivalued_facets:
                groupedby[name] = SegmentListFacet(name, self.path)
            else:
                groupedby[name] = FieldFacet(name, maptype=Count)

        limit = self._filter(searcher, narrow_queries, models, kwargs.get("date_range"))
        if isinstance(limit, set) and not limit:
            return empty  # nothing in the date range (Whoosh reads an empty set as no filter)
        page_num, page_length = self.calculate_page(start_offset, end_offset)
        words = syntax.plain_words(node) if node is not None and not sortedby else []
        if len(words) >= ranking.FEEDBACK_MIN_WORDS and start_offset < ranking.FEEDBACK_WINDOW:
            # The best FEEDBACK_WINDOW and the page within them, re-ranked by feedback.
            results = searcher.search(
                Deadline.after(parsed, time_limit()),
                limit=max(page_num * page_length, ranking.FEEDBACK_WINDOW),
                groupedby=groupedby or None,
                filter=limit,
            )
            self.rerank(searcher, results, words)
            raw_page = ResultsPage(results, page_num, page_length)
        else:
            raw_page = searcher.search_page(
                Deadline.after(parsed, time_limit()),
                page_num,
                pagelen=page_length,
                sortedby=sortedby,
                reverse=reverse,
                groupedby=groupedby or None,
                filter=limit,
            )
        result = self._process_results(raw_page, facet_types=dict.fromkeys(groupedby, "fields"))
        # Documents without a value are not a facet value readers can pick.
        for name, counts in result["facets"].get("fields", {}).items():
            result["facets"]["fields"][name] = [(v, n) for v, n in counts if v not in (None, "")]
        if raw_page.pagenum < page_num:
            # Whoosh answers a page past the end with the last page; the caller asked for none.
            result["results"] = []
        return result

    def suggest(self, text: str) -> str | None:
        """The query with its unknown words replaced by the closest words of the archive's
        own vocabulary, or None when every word is known (or nothing is close).

        Only words of documents the index holds now count: Whoosh's spelling graph and
        term statistics still list the words of deleted documents (a withdrawn article's)
        until their segment is merged away, and offering one would reveal it."""
        searcher = self.searcher()
        field = self.content_field_name
        reader = searcher.reader()
        spelling = self.schema[field].spelling_fieldname(field)
        deadline = time.monotonic() + time_limit() * SUGGEST_SHARE

        def held(word: str) -> bool:
            tokens = self._words(field, word)
            return bool(tokens) and any(_live_postings(searcher, field, t) for t in tokens)

        def closest(word: str) -> str | None:
            tokens = self._words(field, word)
            if len(tokens) != 1 or _live_postings(searcher, field, tokens[0]):
                return None  # known, or a compound the corrector cannot help with
            if time.monotonic() > deadline:
                return None  # a suggestion is a nicety: never worth a long wait
            plain = normalise_persian_arabic(word).lower()
            # The fewest edits first, then the commonest word. (Whoosh's corrector ranks
            # by frequency alone, and the spelling words of a stemmed field have none.)
            candidates = sorted(
                (
                    edit_distance(candidate, plain),
                    -searcher.doc_frequency(field, (self._words(field, candidate) or [""])[0]),
                    candidate,
                )
                for candidate in reader.terms_within(spelling, plain, SUGGEST_MAX_DISTANCE)
                if candidate != plain
            )
            return next((c for _, _, c in candidates[:SUGGEST_CANDIDATES] if held(c)), None)

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
        """Documents like this one: Whoosh's key-term query over the stored text, run on
        the kept searcher (haystack's version reopens the index each time)."""
        empty = no_results()
        searcher = self.searcher()
        docnum = searcher.document_number(**{ID: get_identifier(model_instance)})
        if docnum is None:
            return empty
        top = (end_offset or 10) - start_offset
        # The document's most telling words; the index keeps stop words for phrases, so
        # they are left out here, where they would make everything alike.
        terms = [
            (word, weight)
            for word, weight in searcher.key_terms([docnum], self.content_field_name, numterms=25)
            if len(word) > 2 and word not in STOP_WORDS
        ][:12]
        if not terms:
            return empty
        query = wq.Or([wq.Term(self.content_field_name, w, boost=weight) for w, weight in terms])
        results = searcher.search(
            Deadline.after(query, time_limit()),
            limit=top + start_offset + 1,
            filter=self._filter_query(None, models, None),
            mask=wq.Term(ID, get_identifier(model_instance)),
        )
        result = self._process_results(_TopHits(results), result_class=result_class)
        result["results"] = result["results"][start_offset:]
        return result

    def translate_ranked(self, searcher, node):
        """``translate(node)`` with its common plain words ranking only (``ranking.narrow``)."""
        field = self.content_field_name
        matching, rank_only = ranking.narrow(
            node, lambda terms: {term: searcher.doc_frequency(field, term) for term in terms}
        )
        query = self.translate(matching)
        if query is None or not rank_only:
            return query
        return wq.AndMaybe(query, wq.Or([self._ranked_term(term) for term in rank_only]))

    def _ranked_term(self, term: str, weight: float = 1.0):
        """One index term, searched where plain words are (``DEFAULT_FIELDS``)."""
        return wq.Or(
            [wq.Term(field, term, boost=boost * weight) for field, boost in DEFAULT_FIELDS.items()]
        )

    def rerank(self, searcher, results, words: list[str]) -> None:
        """Re-rank the first ``FEEDBACK_WINDOW`` of ``results`` (in place) by the words of
        the best few (``ranking.expansion``), as the PostgreSQL backend does: a second pass
        over every match would double a search's time for a change at the top only."""
        field = self.content_field_name
        window = results.top_n[: ranking.FEEDBACK_WINDOW]
        top = []
        for score, docnum in window[: ranking.FEEDBACK_DOCUMENTS]:
            text = searcher.stored_fields(docnum).get(field) or ""
            if score:
                top.append((Counter(analyze(text)), score))
        terms = ranking.expansion(
            top,
            [term for word in words for term in analyze(word)],
            lambda terms: {term: searcher.doc_frequency(field, term) for term in terms},
            searcher.doc_count(),
        )
        if not terms:
            return
        extra = wq.Or([self._ranked_term(term, weight) for term, weight in terms])
        matcher = extra.matcher(searcher, searcher.context())
        more = {}
        for docnum in sorted(docnum for _, docnum in window):
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                more[docnum] = matcher.score()
        reranked = [(score + more.get(docnum, 0.0), docnum) for score, docnum in window]
        reranked.sort(key=lambda item: -item[0])  # stable: ties keep their order
        results.top_n[: len(window)] = reranked

    # --- the reader's query language -------------------------------------------
    def _words(self, field: str, text: str) -> list[str]:
        return [token.text for token in self.schema[field].analyzer(text)]

    def translate(self, node, fields: dict[str, float] | None = None):
        """A Whoosh query for a ``syntax`` tree; None when it asks for nothing."""
        fields = fields or DEFAULT_FIELDS
        if isinstance(node, syntax.Field):
            return self.translate(node.node, {NAMED_FIELDS[node.name]: 1.0})
        if isinstance(node, syntax.Not):
            inner = self.translate(node.node, fields)
            return wq.Not(inner) if inner is not None else None
        if isinstance(node, (syntax.And, syntax.Or, syntax.Best)):
            parts = [q for q in (self.translate(n, fields) for n in node.nodes) if q is not None]
            if not parts:
                return None
            # Best: any of the words, scored by all that match (BM25 does the ranking).
            kind = wq.And if isinstance(node, syntax.And) else wq.Or
            return parts[0] if len(parts) == 1 else kind(parts)
        per_field = []
        for field, boost in fields.items():
            query = self._leaf(node, field)
            if query is not None:
                query.boost = boost
                per_field.append(query)
        if not per_field:
            return None
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)

    def _leaf(self, node, field: str):
        if isinstance(node, syntax.Prefix):
            text = normalise_persian_arabic(node.text).lower()
            # Scored like the words it expands to. Whoosh's default, a constant score, holds
            # only where a segment has several such words (one is scored as a plain term),
            # so the same query ranked differently as segments merged.
            return wq.Prefix(field, text, constantscore=False)
        words = list(node.words) if isinstance(node, syntax.Phrase) else [node.text]
        slop = node.slop if isinstance(node, syntax.Phrase) else 0
        tokens = [t for word in words for t in self._words(field, word)]
        if not tokens:
            return None
        if len(tokens) == 1:
            return wq.Term(field, tokens[0])
        if slop:  # within `slop` words of each other, in any order
            terms = [wq.Term(field, token) for token in tokens]
            return wq.SpanNear2(terms, slop=slop, ordered=False, mindist=1)
        return wq.Phrase(field, tokens)


class _TopHits(ResultsPage):
    """The scored top of ``results`` as one page, without counting every match: a page
    counts them all (``len(results)``), which for more-like-this's dozen OR-ed words on a
    large archive took seconds, for a total nobody reads."""

    def __init__(self, results):
        self.results = results
        self.total = self.pagelen = results.scored_length()
        self.pagecount = self.pagenum = 1
        self.offset = 0


class ArchiveWhooshQuery(ArchiveQueryMixin, WhooshSearchQuery):
    pass


class WhooshEngine(BaseEngine):
    backend = ArchiveWhooshBackend
    query = ArchiveWhooshQuery


# --- Trends: matches per year, month or week, from the date column (issue 19) ---------------
# Appended to the backend as one block (``date_histogram``): per segment, the dates of its
# documents as day numbers and their bucket numbers per interval are built once
# (``segment_cache``), so a histogram is the matching document numbers looked up in
# arrays: no stored field is read and no article is loaded.
_NO_DATE = -1


def _day_numbers(reader):
    """Each document's date as a proleptic ordinal (``date.toordinal``), ``_NO_DATE`` for
    none, in a numpy array indexed by document number."""
    column = reader.column_reader(DATE_FIELD, translate=False)
    usecs_per_day = 86_400_000_000
    latest = dt.date.max.toordinal()
    days = np.fromiter(
        (value // usecs_per_day + 1 for value in column), dtype=np.int64, count=len(column)
    )
    # The column's default (documents without a date) is far beyond any date.
    days[(days < 1) | (days > latest)] = _NO_DATE
    return days


def _bucket_numbers(days, interval: str):
    """Bucket numbers for day ordinals: a year (2019), a month (2019 * 12 + 8 for
    September) or a week (ordinal days // 7: 0001-01-01 was a Monday)."""
    dated = days != _NO_DATE
    numbers = np.full(days.shape, _NO_DATE, dtype=np.int64)
    if interval == "week":
        numbers[dated] = (days[dated] - 1) // 7
        return numbers
    # numpy counts days from 1970-01-01; its months and years are since 1970 too.
    since_1970 = (days[dated] - dt.date(1970, 1, 1).toordinal()).astype("datetime64[D]")
    months = since_1970.astype("datetime64[M]").astype(np.int64) + 1970 * 12
    numbers[dated] = months // 12 if interval == "year" else months
    return numbers


def _bucket_day(number: int, interval: str) -> dt.date:
    if interval == "year":
        return dt.date(number, 1, 1)
    if interval == "month":
        return dt.date(number // 12, number % 12 + 1, 1)
    return dt.date.fromordinal(number * 7 + 1)


def _split_values(reader, fieldname: str):
    """(the distinct values, each document's value as an index into them) of a
    single-valued facet column; documents without one hold the empty value."""
    if fieldname not in reader.schema or not reader.has_column(fieldname):
        return [""], np.zeros(reader.doc_count_all(), dtype=np.int64)
    values = [force_str(v or "") for v in reader.column_reader(fieldname)]
    names, codes = np.unique(np.array(values, dtype=object), return_inverse=True)
    return [str(name) for name in names], codes.astype(np.int64)


def _segment_ids(query, leaf, deadline: float):
    """The segment-local numbers of ``leaf``'s documents matching ``query`` (None: all
    documents it holds)."""
    reader = leaf.reader()
    if query is None:
        ids = reader.all_doc_ids()  # skips deleted documents
    else:
        ids = Deadline(query, deadline).matcher(leaf, leaf.boolean_context()).all_ids()
    return np.fromiter(ids, dtype=np.int64)


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
    query_string = force_str(query_string).strip()
    searcher = self.searcher()
    if not query_string or searcher.doc_count() == 0:
        return {}
    parts = []
    if query_string not in {"*", "*:*", "(*)"}:
        parsed = self.parser.parse(query_string)
        if parsed is None or parsed is wq.NullQuery:
            return {}
        parts.append(parsed)
    if archive_query:
        node = syntax.parse(archive_query)
        # Ranked as a search is, so that the counts are the search page's totals.
        translated = self.translate_ranked(searcher, node) if node is not None else None
        if translated is None:
            return {}
        if syntax.only_negative(node):
            translated = wq.And([wq.Every(), translated])
        parts.append(translated)
    limit = self._filter_query(narrow_queries, models, None)
    if limit is not None:
        parts.append(limit)
    query = wq.And(parts) if len(parts) > 1 else (parts[0] if parts else None)
    start, end = date_range or (None, None)
    low = start.toordinal() if start else 1
    high = end.toordinal() if end else dt.date.max.toordinal()

    deadline = time.monotonic() + time_limit()
    counts: Counter = Counter()
    for leaf, _ in searcher.leaf_searchers():
        reader = leaf.reader()
        if reader.doc_count_all() == 0 or not reader.has_column(DATE_FIELD):
            continue
        cached = segment_cache.get(self.path, reader, ("days",), _day_numbers)
        days = cached if cached is not None else _day_numbers(reader)
        numbers = segment_cache.get(
            self.path,
            reader,
            ("buckets", interval),
            lambda r, days=days: _bucket_numbers(days, interval),
        )
        if numbers is None:
            numbers = _bucket_numbers(days, interval)
        ids = _segment_ids(query, leaf, deadline)
        _check(deadline)
        matched = days[ids]
        ids = ids[(matched >= low) & (matched <= high)]
        if not split_field:
            found, n = np.unique(numbers[ids], return_counts=True)
            counts.update(dict(zip(found.tolist(), n.tolist(), strict=True)))
            continue
        names, codes = segment_cache.get(
            self.path, reader, ("split", split_field), lambda r: _split_values(r, split_field)
        ) or _split_values(reader, split_field)
        pairs = numbers[ids] * len(names) + codes[ids]
        found, n = np.unique(pairs, return_counts=True)
        for pair, count in zip(found.tolist(), n.tolist(), strict=True):
            counts[(pair // len(names), names[pair % len(names)])] += count
    if not split_field:
        return {_bucket_day(b, interval): n for b, n in counts.items() if b != _NO_DATE}
    return {
        (_bucket_day(b, interval), value): n for (b, value), n in counts.items() if b != _NO_DATE
    }


ArchiveWhooshBackend.date_histogram = date_histogram


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
    """See ``articles.search.backends.base.ordered_ids``: ids from the id column."""
    query_string = force_str(query_string).strip()
    searcher = self.searcher()
    if not query_string or searcher.doc_count() == 0:
        return []
    parts = []
    if query_string not in {"*", "*:*", "(*)"}:
        parsed = self.parser.parse(query_string)
        if parsed is None or parsed is wq.NullQuery:
            return []
        parts.append(parsed)
    if archive_query:
        node = syntax.parse(archive_query)
        translated = self.translate_ranked(searcher, node) if node is not None else None
        if translated is None:
            return []
        if syntax.only_negative(node):
            translated = wq.And([wq.Every(), translated])
        parts.append(translated)
    query = wq.And(parts) if len(parts) > 1 else (parts[0] if parts else wq.Every())
    sortedby, reverse = None, False
    if sort_by:
        reverse = sort_by[0].startswith("-")
        sortedby = [key.lstrip("-") for key in sort_by]
    allowed = self._filter(searcher, narrow_queries, models, date_range)
    if isinstance(allowed, set) and not allowed:
        return []
    results = searcher.search(
        Deadline.after(query, time_limit()),
        limit=limit,
        sortedby=sortedby,
        reverse=reverse,
        filter=allowed,
    )
    column = searcher.reader().column_reader(DJANGO_ID)
    return [int(column[docnum]) for _, docnum in results.top_n]


ArchiveWhooshBackend.ordered_ids = ordered_ids
